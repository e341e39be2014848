// The character sets the character rules share (seeds 001 and 004), so that every rule classifies a
// character the same way. A character is classified once into `ScalarTraits` (an ASCII fast path, then
// the standard library's Unicode properties); the named sets are questions about those traits.

/// What one character is: letter, case, digit, ASCII punctuation, combining mark.
public struct ScalarTraits: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let letter = ScalarTraits(rawValue: 1)
    public static let upper = ScalarTraits(rawValue: 2)
    public static let lower = ScalarTraits(rawValue: 4)
    /// 0-9 only.
    public static let digit = ScalarTraits(rawValue: 8)
    /// One of the 32 ASCII punctuation characters ~!@#$%^&*_-+=`|\(){}[]:;"'<>,.?/ (Windows' list).
    public static let punctuation = ScalarTraits(rawValue: 16)
    /// A combining mark that is not itself alphabetic (an accent typed as a separate code point).
    public static let mark = ScalarTraits(rawValue: 32)

    @inline(__always)
    public init(_ s: Unicode.Scalar) {
        let v = s.value
        if v < 0x80 {
            switch v {
            case 0x30...0x39: self = .digit
            case 0x41...0x5A: self = [.letter, .upper]
            case 0x61...0x7A: self = [.letter, .lower]
            case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: self = .punctuation
            default: self = []  // space and control characters
            }
            return
        }
        let p = s.properties
        var t: ScalarTraits = []
        if p.isAlphabetic { t.insert(.letter) }
        if p.isUppercase { t.insert(.upper) }
        if p.isLowercase { t.insert(.lower) }
        if t.isEmpty {
            switch p.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: t.insert(.mark)
            default: break
            }
        }
        self = t
    }
}

/// A named character set. Letters and their case follow Unicode (so "é" is a lower-case letter and "Ж" an
/// upper-case one); numeric means 0-9 only, as in Windows and both seeds.
public enum CharacterClass: String, CaseIterable, Sendable {
    /// Lower-case letters (seed 004 "Alpha Lower", a-z plus accented, Greek, Cyrillic… lower case).
    case lower
    /// Upper-case letters (seed 004 "Alpha Upper").
    case upper
    /// Letters of any script (seed 004 "Alpha", seed 001 "Alpha characters").
    case alpha
    /// 0-9 (seed 004 "Numeric", seed 001 "Numeric characters").
    case numeric
    /// Letters and 0-9 (seed 001 "Alphanumeric characters").
    case alphanumeric
    /// Everything that is neither a letter nor 0-9: punctuation, space, "€", emoji (seed 004 "Special",
    /// seed 001 "Symbol characters").
    case symbol
    /// The 32 ASCII punctuation characters only: Windows' "non-alphanumeric" complexity category.
    case punctuation
    /// Letters that are neither upper nor lower case, such as Chinese or Japanese characters: Windows'
    /// fifth complexity category.
    case other
    /// Any character outside ASCII (above code point 127): seed 001 "Special Unicode characters".
    case unicode
    /// Any character above ANSI 126 (seed 004 "High"): `unicode` plus DEL.
    case high

    @inline(__always)
    public func contains(_ s: Unicode.Scalar, _ t: ScalarTraits) -> Bool {
        switch self {
        case .lower: return t.contains(.lower)
        case .upper: return t.contains(.upper)
        case .alpha: return t.contains(.letter)
        case .numeric: return t.contains(.digit)
        case .alphanumeric: return !t.isDisjoint(with: [.letter, .digit])
        case .symbol: return t.isDisjoint(with: [.letter, .digit, .mark])
        case .punctuation: return t.contains(.punctuation)
        case .other: return t.contains(.letter) && t.isDisjoint(with: [.upper, .lower])
        case .unicode: return s.value > 0x7F
        case .high: return s.value > 0x7E
        }
    }

    public func contains(_ s: Unicode.Scalar) -> Bool { contains(s, ScalarTraits(s)) }

    /// How reasons name the set's characters: "lower-case letters".
    public var label: String {
        switch self {
        case .lower: return "lower-case letters"
        case .upper: return "upper-case letters"
        case .alpha: return "letters"
        case .numeric: return "digits"
        case .alphanumeric: return "letters or digits"
        case .symbol: return "symbols"
        case .punctuation: return "ASCII punctuation characters"
        case .other: return "letters without case"
        case .unicode: return "non-ASCII characters"
        case .high: return "characters above code 126"
        }
    }

    /// The set names, for error messages.
    public static let names = allCases.map(\.rawValue).joined(separator: ", ")

    /// Every set with what it holds, for parameter documentation.
    public static let glossary = """
        lower, upper (letters with case, any script), alpha (letters), numeric (0-9), alphanumeric, \
        symbol (neither letter nor digit, e.g. ! space €), punctuation (the 32 ASCII punctuation characters), \
        other (letters without case, e.g. 漢), unicode (non-ASCII), high (above code 126)
        """

    /// Parses one set name read from `key`.
    static func parse(_ name: String, _ p: RuleParameters, _ key: String) throws -> CharacterClass {
        guard let c = CharacterClass(rawValue: name) else {
            throw p.error(key, "unknown character set \"\(name)\" (known: \(names))")
        }
        return c
    }

    /// Parses a list of distinct set names read from `key`; `def` when the key is absent.
    static func parseList(_ p: RuleParameters, _ key: String, default def: [CharacterClass]) throws -> [CharacterClass] {
        guard p.has(key) else { return def }
        var out: [CharacterClass] = []
        for name in try p.strings(key) {
            let c = try parse(name, p, key)
            if out.contains(c) { throw p.error(key, "lists \"\(name)\" twice") }
            out.append(c)
        }
        return out
    }
}

/// Reads a string of literal characters (`"!@"`, `"AaEeIiOoUu"`): nil when absent, an error when empty.
/// Each character counts once.
func literalCharacters(_ p: RuleParameters, _ key: String) throws -> [Unicode.Scalar]? {
    guard let s = try p.optionalString(key) else { return nil }
    var out: [Unicode.Scalar] = []
    for c in s.unicodeScalars where !out.contains(c) { out.append(c) }
    if out.isEmpty { throw p.error(key, "must list at least one character") }
    return out
}

/// Like `literalCharacters`, for a key that must be given; `purpose` completes "is required: …".
func requiredLiteralCharacters(_ p: RuleParameters, _ key: String, _ purpose: String) throws -> [Unicode.Scalar] {
    guard let chars = try literalCharacters(p, key) else { throw p.error(key, "is required: \(purpose)") }
    return chars
}

/// Reads `min` and the optional `max` (at least `maxAtLeast`), checking max ≥ min. `minDefault` gets the
/// `max` read, for rules whose minimum depends on it.
func countRange(_ p: RuleParameters, minDefault: (Int?) -> Int, maxAtLeast: Int) throws -> (min: Int, max: Int?) {
    let max = try p.optionalInt("max", min: maxAtLeast)
    let min = try p.int("min", default: minDefault(max), min: 0)
    if let max, max < min { throw p.error("max", "must not be less than min (\(min))") }
    return (min, max)
}

/// The outcome of counting `n` of something against `min`…`max`: "digits: 2; at least 3 required".
func countOutcome(_ what: String, _ n: Int, min: Int, max: Int?) -> RuleOutcome {
    if n < min { return .fail("\(what): \(n); at least \(min) required") }
    if let max, n > max { return .fail("\(what): \(n); at most \(max) allowed") }
    return .pass("\(what): \(n)" + (max.map { " (\(min)–\($0) allowed)" } ?? " (at least \(min) required)"))
}

/// One character as a string (for `matched`).
func scalarString(_ s: Unicode.Scalar) -> String { String(Character(s)) }

/// Shows a list of literal characters in a reason: `"!@"`.
func quotedCharacters(_ chars: [Unicode.Scalar]) -> String {
    var s = ""
    s.unicodeScalars.append(contentsOf: chars)
    return tomlQuoted(s)
}

/// Named sets plus literal characters: what the first/last character rules and `characters` test against.
public struct CharacterSelection: Sendable {
    public let classes: [CharacterClass]
    public let literals: [Unicode.Scalar]

    public init(classes: [CharacterClass], literals: [Unicode.Scalar] = []) {
        self.classes = classes
        self.literals = literals
    }

    @inline(__always)
    public func contains(_ s: Unicode.Scalar) -> Bool {
        if !literals.isEmpty && literals.contains(s) { return true }
        if classes.isEmpty { return false }
        let t = ScalarTraits(s)
        for c in classes where c.contains(s, t) { return true }
        return false
    }

    /// "digits or symbols", "letters or \"_\"".
    public var label: String {
        var parts = classes.map(\.label)
        if !literals.isEmpty { parts.append(quotedCharacters(literals)) }
        return parts.joined(separator: " or ")
    }
}

/// Which of `classes` the characters use, as a bit per class (bit i = classes[i]).
func classesUsed(_ scalars: [Unicode.Scalar], _ classes: [CharacterClass]) -> [Bool] {
    var used = [Bool](repeating: false, count: classes.count)
    var remaining = classes.count
    for s in scalars {
        let t = ScalarTraits(s)
        for (i, c) in classes.enumerated() where !used[i] && c.contains(s, t) {
            used[i] = true
            remaining -= 1
        }
        if remaining == 0 { break }
    }
    return used
}

/// The outcome of "characters from at least `required` of these sets" (both complexity rules).
func complexityOutcome(_ scalars: [Unicode.Scalar], _ classes: [CharacterClass], required: Int) -> RuleOutcome {
    let used = classesUsed(scalars, classes)
    let names = classes.indices.filter { used[$0] }.map { classes[$0].label }
    let count = names.count
    let uses = count == 0 ? "uses none of the \(classes.count) character sets"
        : "uses \(count) of the \(classes.count) character sets (\(names.joined(separator: ", ")))"
    if count < required {
        let missing = classes.indices.filter { !used[$0] }.map { classes[$0].label }
        return .fail("\(uses); at least \(required) are required (missing: \(missing.joined(separator: ", ")))")
    }
    return .pass("\(uses); \(required) required")
}

/// Seed 004 "First and Last Character Rules": the shared logic of `first_character` and `last_character`.
struct EdgeCharacterCheck: Sendable {
    /// true: the character must be in the selection ("begin"/"end"); false: it must not ("not begin").
    let mustMatch: Bool
    let selection: CharacterSelection

    static func parameters(_ edge: String) -> [ParameterDoc] {
        [
            ParameterDoc("mode", "string", default: "must", "\"must\": the \(edge) character must be in the sets; \"must_not\": it must not."),
            ParameterDoc("sets", "array of strings", default: "required", "Character sets: \(CharacterClass.glossary)."),
            ParameterDoc("characters", "string", default: "none", "Literal characters that count as part of the sets (a custom set)."),
        ]
    }

    init(_ p: RuleParameters) throws {
        mustMatch = try p.choice("mode", ["must", "must_not"], default: "must") == "must"
        let classes = try CharacterClass.parseList(p, "sets", default: [])
        let literals = try literalCharacters(p, "characters") ?? []
        if classes.isEmpty && literals.isEmpty {
            throw p.error("sets", "is required: the character sets (\(CharacterClass.names)) or `characters`")
        }
        selection = CharacterSelection(classes: classes, literals: literals)
    }

    /// `edge` is "first" or "last"; `s` the password's character there (nil for an empty password).
    func evaluate(_ s: Unicode.Scalar?, edge: String) -> RuleOutcome {
        guard let s else {
            return mustMatch ? .fail("is empty, so its \(edge) character is not one of the \(selection.label)")
                : .pass("is empty")
        }
        let inSet = selection.contains(s)
        if inSet == mustMatch {
            return .pass("the \(edge) character is \(inSet ? "" : "not ")one of the \(selection.label)")
        }
        return .fail(
            mustMatch ? "the \(edge) character must be one of the \(selection.label)"
                : "the \(edge) character must not be one of the \(selection.label)",
            matched: scalarString(s))
    }
}
