// What the five name rules (logon_name, upn, given_name, surname, display_name) share: their parameters
// and the comparison of the password with a name.
//
// Seed 004 "Tolerance": the password is rejected when it shares more consecutive characters with the name
// than the tolerance allows ("maryjones" and "Jonestown" share the five characters "jones"). "auto" sets the
// tolerance to the name's length minus one, at least 2, so only a password containing the whole name is
// rejected, and names of one or two characters never are. Seed 001 "Username in Password": names shorter
// than "Ignore values less than" are not compared at all ("Ed" with a minimum of 3 lets "Ed392" through).
//
// A name is compared in up to three forms:
//   - the value as written ("Mary Jones", "mary.jones"), with the tolerance of its own length (seed 004's
//     Auto table: "Mary Jones" → 9);
//   - when it contains spaces or punctuation, the value without them ("MaryJones" → 8), because users drop
//     the space: "MaryJones1" contains the display name as much as "Mary Jones1" does;
//   - with `tokens`, each word of it on its own ("Mary" → 3, "Jones" → 4), so that a password containing
//     only the surname of a display name is caught by auto tolerance too. Words shorter than
//     `ignore_shorter_than` are skipped like short names.
// With a fixed tolerance the words change nothing (a run inside a word is a run inside the whole value);
// they only matter for "auto".

/// Parameters and comparison shared by the name rules.
struct NameMatcher: Sendable {
    /// Longest tolerated run of consecutive matching characters; nil = auto (name length − 1, at least 2).
    let tolerance: Int?
    let ignoreShorterThan: Int
    let caseSensitive: Bool
    let reversed: Bool
    let substitution: SubstitutionTable?
    let tokens: Bool

    /// Seed 004 "Auto tolerance calculation has a minimum limit ... set to two characters by default".
    static let autoMinimum = 2

    init(_ p: RuleParameters, resources: Resources, tokensDefault: Bool) throws {
        tolerance = try p.tolerance(default: nil)
        ignoreShorterThan = try p.int("ignore_shorter_than", default: 3, min: 0)
        caseSensitive = try p.bool("case_sensitive", default: false)
        reversed = try p.bool("reversed", default: false)
        substitution = try p.bool("substitution", default: true) ? resources.substitutions : nil
        tokens = try p.bool("tokens", default: tokensDefault)
    }

    /// The parameter documentation every name rule shows (`what` names the compared value).
    static func parameters(_ what: String, tokensDefault: Bool) -> [ParameterDoc] {
        [
            ParameterDoc(
                "tolerance", "integer or \"auto\"", default: "\"auto\"",
                "Most consecutive characters of the \(what) the password may contain. \"auto\" = the \(what)'s length − 1 "
                    + "(at least 2): only a password containing the whole \(what) is rejected."),
            ParameterDoc(
                "ignore_shorter_than", "integer", default: "3",
                "A \(what) (or word of it) with fewer characters than this is not compared (seed 001 \"Ignore values less than\")."),
            ParameterDoc("case_sensitive", "boolean", default: "false", "Compare upper and lower case as different characters."),
            ParameterDoc("reversed", "boolean", default: "false", "Also reject the \(what) typed backwards (seed 004 bi-directional analysis)."),
            ParameterDoc(
                "substitution", "boolean", default: "true",
                "Read substituted characters as the letters they stand for (\"M@ryJ0nes\"), using the configured substitution table."),
            ParameterDoc(
                "tokens", "boolean", default: tokensDefault ? "true" : "false",
                "Also compare each word of the \(what) (split at spaces and punctuation) on its own; matters for \"auto\"."),
        ]
    }

    /// One form of a name that is compared with the password.
    private struct Form {
        let scalars: [Unicode.Scalar]
        /// How the reason names it: "the display name", "a word of the display name", ...
        let label: String
    }

    private func forms(of value: String, _ what: String) -> [Form] {
        let whole = Array(value.unicodeScalars)
        var words: [[Unicode.Scalar]] = []
        var word: [Unicode.Scalar] = []
        for s in whole {
            if s.isLetter || s.isDigit {
                word.append(s)
            } else if !word.isEmpty {
                words.append(word)
                word = []
            }
        }
        if !word.isEmpty { words.append(word) }
        var out = [Form(scalars: whole, label: "the \(what)")]
        let joined = Array(words.joined())
        if !joined.isEmpty && joined != whole { out.append(Form(scalars: joined, label: "the \(what) without spaces or punctuation")) }
        if tokens && words.count > 1 {
            for w in words where !out.contains(where: { $0.scalars == w }) { out.append(Form(scalars: w, label: "a word of the \(what)")) }
        }
        return out
    }

    /// Compares the password with each named value (`what` is how reasons call it, e.g. "logon name").
    /// A nil or empty value is skipped; if nothing could be compared, the rule passes and says why.
    func evaluate(_ c: Candidate, _ values: [(value: String?, what: String)]) -> RuleOutcome {
        var password: FoldedText?
        var compared = 0
        var longest = 0
        var missing: [String] = []
        var short: [String] = []
        for (value, what) in values {
            guard let value, !value.isEmpty else {
                missing.append(what)
                continue
            }
            var anyForm = false
            for form in forms(of: value, what) where form.scalars.count >= ignoreShorterThan {
                anyForm = true
                let pw = password ?? FoldedText(c.scalars, caseSensitive: caseSensitive, substitution: substitution)
                password = pw
                let limit = tolerance ?? max(form.scalars.count - 1, Self.autoMinimum)
                let key = caseSensitive ? form.scalars : form.scalars.map(lowerScalar)
                let forward = pw.longestCommonRun(with: key)
                var run = forward.length, nameStart = forward.otherStart, backwards = false
                if reversed {
                    let back = pw.longestCommonRun(with: key.reversed())
                    if back.length > run {
                        run = back.length
                        nameStart = key.count - back.otherStart - back.length
                        backwards = true
                    }
                }
                longest = max(longest, run)
                if run > limit {
                    let fragment = PatternLimit.fragment(form.scalars, nameStart, run)
                    let how = run == form.scalars.count ? "contains \(form.label)" : "contains \(run) consecutive characters of \(form.label)"
                    return .fail(
                        how + (backwards ? " typed backwards" : "") + " (at most \(limit) tolerated"
                            + (tolerance == nil ? ", auto" : "") + ")",
                        matched: fragment)
                }
            }
            if anyForm { compared += 1 } else { short.append(what) }
        }
        if compared == 0 {
            if !short.isEmpty {
                return .pass("the \(short.joined(separator: " and ")) has fewer than \(ignoreShorterThan) characters: not compared")
            }
            return .pass("no \(missing.joined(separator: " or ")) is known for this account: nothing to compare")
        }
        let name = values[0].what
        if let tolerance { return .pass("shares at most \(longest) consecutive characters with the \(name) (\(tolerance) tolerated)") }
        return .pass("does not contain the \(name) (auto tolerance)")
    }
}

/// A name rule that compares the password with one attribute of the identity: supplies its parameters,
/// construction and evaluation from `what`, `tokensDefault` and `value(of:)`.
protocol SingleNameRule: PasswordRule {
    /// How reasons and documentation call the value ("logon name").
    static var what: String { get }
    /// Default of `tokens`.
    static var tokensDefault: Bool { get }
    static func value(of identity: Identity) -> String?
    var matcher: NameMatcher { get }
    init(matcher: NameMatcher)
}

extension SingleNameRule {
    public static var parameters: [ParameterDoc] { NameMatcher.parameters(what, tokensDefault: tokensDefault) }

    public init(_ p: RuleParameters, resources: Resources) throws {
        self.init(matcher: try NameMatcher(p, resources: resources, tokensDefault: Self.tokensDefault))
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome { matcher.evaluate(c, [(Self.value(of: c.identity), Self.what)]) }
}
