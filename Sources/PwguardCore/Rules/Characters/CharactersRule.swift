/// Seed 004 "Character Rules" and seed 001's character thresholds: how many characters of one set a
/// password has, optionally only in some positions or only embedded ones.
public struct CharactersRule: PasswordRule {
    public static let id = "characters"
    public static let summary = "Rejects passwords with too few or too many characters of one set."
    public static let details = """
        Counts the password's characters of one set and rejects it below `min` or above `max` (`max = 0` is \
        seed 004's "not contain any"). Seed 001's thresholds map to the sets alpha, numeric, alphanumeric, \
        upper, lower, symbol and unicode ("Special Unicode characters", decided here to mean any character \
        outside ASCII); unique characters are the `unique_characters` rule. Seed 004's seven Character rules \
        map to lower, upper, alpha, numeric, symbol ("Special": everything else; pwguard counts letters of \
        any script as letters, not as Special), high (above ANSI 126: \
        the same as unicode plus DEL) and custom (`characters`, e.g. \
        "AaEeIiOoUu" for vowels). Letters follow Unicode, digits are 0-9. `from`/`to` restrict the count to \
        1-based positions, inclusive ("in position … to"). `embedded` counts only characters that are not \
        part of the run of the set's characters at the start or at the end: "12hello" and "hello$987" have \
        no embedded digit, "he7llo" has one. Seed 004's "a numeric character, but not in the first two \
        positions" takes two rules: set = "numeric" with min = 1, and characters = "1234567890" with \
        from = 1, to = 2, max = 0.
        """
    public static let parameters = [
        ParameterDoc("set", "string", default: "custom when `characters` is given, else required",
                     "The character set: \(CharacterClass.glossary), or custom."),
        ParameterDoc("characters", "string", default: "none",
                     "Literal characters to count instead of the set's own (required for custom)."),
        ParameterDoc("name", "string", default: "the set's name", "What reasons call these characters."),
        ParameterDoc("min", "integer", default: "1, or 0 when max is given", "Fewest such characters accepted."),
        ParameterDoc("max", "integer", default: "none", "Most such characters accepted; 0 = must not contain any."),
        ParameterDoc("from", "integer", default: "1", "First position counted (1 = the first character)."),
        ParameterDoc("to", "integer", default: "the last", "Last position counted, inclusive."),
        ParameterDoc("embedded", "boolean", default: "false",
                     "Count only characters that are not in the set's leading or trailing run."),
    ]

    static let s004 = "seed 004: Character Rules"
    static let s001 = "seed 001: Character Rules thresholds"
    static let embeddedDigits: [String: ConfigValue] = ["set": "numeric", "embedded": true]
    static let notFirstTwo: [String: ConfigValue] = ["name": "numeric", "characters": "1234567890", "from": 1, "to": 2, "max": 0]
    public static let examples: [RuleExample] = [
        // seed 004: the seven default sets
        .accept("PASSWORd", ["set": "lower"], source: "\(s004), Alpha Lower"),
        .reject("PASSWORD1", ["set": "lower"], source: "\(s004), Alpha Lower"),
        .accept("passworD", ["set": "upper"], source: "\(s004), Alpha Upper"),
        .reject("password1", ["set": "upper"], source: "\(s004), Alpha Upper"),
        .reject("12345678", ["set": "alpha"], source: "\(s004), Alpha"),
        .accept("1234567x", ["set": "alpha"], source: "\(s004), Alpha"),
        .reject("Password", ["set": "numeric"], source: "\(s004), Numeric"),
        .accept("Password1", ["set": "numeric"], source: "\(s004), Numeric"),
        .reject("Password1", ["set": "symbol"], source: "\(s004), Special (all characters not included above)"),
        .accept("Pass word1", ["set": "symbol"], source: "\(s004), Special: a space is special"),
        .reject("Pässwörd1", ["set": "high", "max": 0], source: "\(s004), High: not contain any character above ANSI 126"),
        .accept("Password1", ["set": "high", "max": 0], source: "\(s004), High: not contain any"),
        .accept("rhythm4u", ["set": "custom", "name": "vowel", "characters": "AaEeIiOoUu"], source: "\(s004), Custom: vowels \"AaEeIiOoUu\""),
        .reject("rhythm4", ["set": "custom", "name": "vowel", "characters": "AaEeIiOoUu"], source: "\(s004), Custom: vowels \"AaEeIiOoUu\""),
        .reject("Password1", ["set": "numeric", "min": 2], source: "\(s004), contain 2 numeric characters"),
        .accept("Password12", ["set": "numeric", "min": 2], source: "\(s004), contain 2 numeric characters"),
        // positions
        .accept("h1ello", ["set": "numeric", "from": 2, "to": 2], source: "\(s004), a numeric character in the second position"),
        .reject("1hello2", ["set": "numeric", "from": 2, "to": 2], source: "\(s004), a numeric character in the second position"),
        .reject("hello", ["set": "numeric"], source: "\(s004), numeric but not in the first two positions: rule 1 (contains a digit)"),
        .accept("he12llo", ["set": "numeric"], source: "\(s004), numeric but not in the first two positions: rule 1"),
        .reject("12hello", notFirstTwo, source: "\(s004), numeric but not in the first two positions: rule 2 (custom \"1234567890\", positions 1-2, not any)"),
        .reject("h1ello", notFirstTwo, source: "\(s004), numeric but not in the first two positions: rule 2"),
        .accept("he12llo", notFirstTwo, source: "\(s004), numeric but not in the first two positions: rule 2"),
        .accept("hello", notFirstTwo, source: "\(s004), numeric but not in the first two positions: rule 2 (rule 1 rejects it)"),
        // embedded
        .reject("12hello", embeddedDigits, source: "\(s004), Embedded: \"12hello\" has no embedded numeric character"),
        .reject("1hello", embeddedDigits, source: "\(s004), Embedded: \"1hello\" has none"),
        .reject("hello$987", embeddedDigits, source: "\(s004), Embedded: \"hello$987\" has none"),
        .accept("he7llo", embeddedDigits, source: "\(s004), Embedded: \"he7llo\" has one"),
        .accept("4he3llo", embeddedDigits, source: "\(s004), Embedded: \"4he3llo\" has one"),
        .accept("23hello7$45", embeddedDigits, source: "\(s004), Embedded: \"23hello7$45\" has one"),
        .accept("12hello", ["set": "numeric"], source: "\(s004), without Embedded the leading digits count"),
        // seed 001 thresholds
        .reject("12345!", ["set": "alpha", "min": 2], source: "\(s001), Alpha characters minimum"),
        .accept("ab345!", ["set": "alpha", "min": 2], source: "\(s001), Alpha characters minimum"),
        .reject("Password!", ["set": "numeric", "min": 1, "max": 3], source: "\(s001), Numeric characters minimum"),
        .reject("Pass12345", ["set": "numeric", "max": 3], source: "\(s001), Numeric characters maximum"),
        .accept("Pass123!", ["set": "numeric", "max": 3], source: "\(s001), Numeric characters maximum"),
        .reject("!!!!a!!!", ["set": "alphanumeric", "min": 2], source: "\(s001), Alphanumeric characters minimum"),
        .accept("!!!!a1!!", ["set": "alphanumeric", "min": 2], source: "\(s001), Alphanumeric characters minimum"),
        .reject("PASSWORd1", ["set": "lower", "min": 2], source: "\(s001), Lower Case characters minimum"),
        .reject("PASSword1", ["set": "upper", "max": 3], source: "\(s001), Upper Case characters maximum"),
        .accept("PASsword1", ["set": "upper", "max": 3], source: "\(s001), Upper Case characters maximum"),
        .reject("Pass!word1", ["set": "symbol", "min": 2], source: "\(s001), Symbol characters minimum"),
        .accept("Pa$$word1", ["set": "symbol", "min": 2], source: "\(s001), Symbol characters minimum"),
        .accept("Pässwörd€1", ["set": "unicode"], source: "\(s001), Special Unicode characters (non-ASCII) minimum"),
        .reject("Password1!", ["set": "unicode"], source: "\(s001), Special Unicode characters (non-ASCII) minimum"),
        .reject("Pässwörd€1", ["set": "unicode", "max": 2], source: "\(s001), Special Unicode characters maximum"),
    ]

    let selection: CharacterSelection
    let name: String
    let min: Int
    let max: Int?
    let from: Int
    let to: Int?
    let embedded: Bool

    public init(_ p: RuleParameters, resources: Resources) throws {
        let literals = try literalCharacters(p, "characters")
        let setName = try p.optionalString("set") ?? (literals == nil ? nil : "custom")
        guard let setName else {
            throw p.error("set", "is required: one of \(CharacterClass.names), custom (or give `characters`)")
        }
        if setName == "custom" {
            guard let literals else { throw p.error("characters", "is required for the custom set") }
            selection = CharacterSelection(classes: [], literals: literals)
        } else {
            let c = try CharacterClass.parse(setName, p, "set")
            // `characters` replaces the set's own characters (seed 004: define your own set)
            selection = CharacterSelection(classes: literals == nil ? [c] : [], literals: literals ?? [])
        }
        name = try p.optionalString("name").map { "\($0) characters" }
            ?? (selection.classes.isEmpty ? "characters from \(selection.label)" : selection.label)
        (min, max) = try countRange(p, minDefault: { $0 == nil ? 1 : 0 }, maxAtLeast: 0)
        from = try p.int("from", default: 1, min: 1)
        to = try p.optionalInt("to", min: from)
        embedded = try p.bool("embedded", default: false)
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        let n = c.scalars.count
        var lo = from - 1
        var hi = Swift.min(to ?? n, n)  // exclusive
        if embedded {
            var lead = 0
            while lead < n && selection.contains(c.scalars[lead]) { lead += 1 }
            var trail = 0
            while trail < n - lead && selection.contains(c.scalars[n - 1 - trail]) { trail += 1 }
            lo = Swift.max(lo, lead)
            hi = Swift.min(hi, n - trail)
        }
        var count = 0
        var found = ""
        if lo < hi {
            for s in c.scalars[lo..<hi] where selection.contains(s) {
                count += 1
                if max != nil { found.unicodeScalars.append(s) }
            }
        }
        let what = (embedded ? "embedded " : "") + name + where_
        if max == 0 {
            return count == 0 ? .pass("contains no \(what)") : .fail("must not contain \(what)", matched: found)
        }
        var outcome = countOutcome(what, count, min: min, max: max)
        if let max, count > max { outcome.matched = found }
        return outcome
    }

    /// " in positions 3–5", or nothing for the whole password.
    private var where_: String {
        if from == 1 && to == nil { return "" }
        if let to, to == from { return " in position \(from)" }
        return " in positions \(from)–\(to.map(String.init) ?? "end")"
    }
}
