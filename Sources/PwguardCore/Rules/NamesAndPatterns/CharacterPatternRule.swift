/// Seed 004 "Character Pattern Rule": rejects runs of a character pattern such as "abcde".
public struct CharacterPatternRule: PasswordRule {
    public static let id = "character_pattern"
    public static let summary = "Rejects runs of a character pattern (alphabet, digits or your own) longer than the tolerance."
    public static let details = """
        A character pattern is a sequence of characters such as the alphabet; a password is rejected when it \
        holds a run of more than `tolerance` consecutive characters of one pattern ("passwordwxyz" holds the \
        4-character run "wxyz": rejected at tolerance 3, accepted at 4). "auto" rejects only a password that \
        is one single continuous pattern ("abcde", not "abcdz" or "abc123"); as in seed 004's Auto table, \
        passwords of one or two characters are never rejected by auto. `patterns` names the built-in \
        "alphabet" (a–z) and "digits" (0–9); any other string is a pattern of its own, in order \
        ("αβγδεζηθικλμνξοπρστυφχψω"). Case is ignored. With `reversed` (bi-directional analysis, on by \
        default) "edcba" counts like "abcde"; with `substitution` substituted characters stand for letters. \
        The default tolerance is 2, seed 001's minimum sequence of 3. Seed 004 "Character Pattern Rule".
        """
    public static let parameters = PatternLimit.parameters("pattern run", allowAuto: true) + [
        ParameterDoc("patterns", "array of strings", default: "[\"alphabet\", \"digits\"]", "\"alphabet\", \"digits\", or your own sequences of characters."),
        ParameterDoc("reversed", "boolean", default: "true", "Also reject runs in reverse order (\"edcba\")."),
        ParameterDoc("substitution", "boolean", default: "false", "Read substituted characters as the letters they stand for (\"4bcd\")."),
    ]
    public static let examples: [RuleExample] = [
        .reject("passwordwxyz", ["tolerance": 3], source: "seed 004: \"passwordwxyz\" holds a 4-character pattern, tolerance 3"),
        .accept("passwordwxyz", ["tolerance": 4], source: "seed 004: \"passwordwxyz\", tolerance 4"),
        .reject("abcde", ["tolerance": "auto"], source: "seed 004 Auto: \"abcde\" is one continuous pattern"),
        .accept("abcdz", ["tolerance": "auto"], source: "seed 004 Auto: \"abcdz\" is accepted"),
        .accept("abc123", ["tolerance": "auto"], source: "seed 004 Auto: \"abc123\" is accepted"),
        .reject("edcba", ["tolerance": "auto"], source: "seed 004 bi-directional: \"edcba\" instead of \"abcde\""),
        .accept("edcba", ["tolerance": "auto", "reversed": false], source: "seed 004: bi-directional analysis off"),
        .accept("ab", ["tolerance": "auto"], source: "seed 004 Auto minimum limit of 2"),
        .accept("passwordwxyz", ["tolerance": 3, "patterns": ["digits"]], source: "seed 004 Character Patterns: digits only"),
        .reject("Pass-αβγδ", ["tolerance": 3, "patterns": ["αβγδεζηθικλμνξοπρστυφχψω"]], source: "a pattern of one's own (Greek alphabet)"),
        .accept("Pm4bcd!", ["tolerance": 3], source: "seed 004: substitution off by default, \"bcd\" is 3"),
        .reject("Pm4bcd!", ["tolerance": 3, "substitution": true], source: "seed 004 Detect character substitution: \"4bcd\" reads as \"abcd\""),
        .reject("Winter-456", source: "default tolerance 2 (seed 001 minimum sequence 3)"),
    ]

    /// nil = auto.
    let limit: Int?
    let finder: SequenceFinder

    public init(_ p: RuleParameters, resources: Resources) throws {
        limit = try PatternLimit.read(p, allowAuto: true)
        let names = try p.strings("patterns", default: ["alphabet", "digits"])
        if names.isEmpty { throw p.error("patterns", "must name at least one pattern") }
        for n in names where n.unicodeScalars.count < 2 {
            throw p.error("patterns", "\"\(n)\" is not a pattern: name \"alphabet\" or \"digits\", or give at least 2 characters")
        }
        let reversed = try p.bool("reversed", default: true)
        let substitution = try p.bool("substitution", default: false) ? resources.substitutions : nil
        finder = SequenceFinder(
            sequences: names.map { SequenceFinder.named[$0] ?? $0 }, descending: reversed, caseSensitive: false,
            substitution: substitution)
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        let run = finder.longest(c.scalars)
        let limit = self.limit ?? max(c.length - 1, NameMatcher.autoMinimum)
        let tolerated = PatternLimit.tolerated(limit) + (self.limit == nil ? ", auto" : "")
        if run.length > limit {
            let fragment = PatternLimit.fragment(c.scalars, run.start, run.length)
            let what = run.length == c.length ? "is one continuous character pattern" : "contains a \(run.length)-character pattern"
            return .fail("\(what) (\(tolerated))", matched: fragment)
        }
        return .pass("longest character pattern is \(PatternLimit.characters(run.length)) (\(tolerated))")
    }
}
