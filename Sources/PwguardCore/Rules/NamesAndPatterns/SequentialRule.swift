/// Seed 001 "Sequential Characters": rejects letters or digits that follow each other in the alphabet or
/// in numeric order.
public struct SequentialRule: PasswordRule {
    public static let id = "sequential"
    public static let summary = "Rejects runs of letters or digits in alphabetical or numeric order (\"abc\", \"123\")."
    public static let details = """
        Rejects a password holding `min_length` or more characters that follow each other in the alphabet \
        (a–z) or in numeric order (0–9): "ABC" and "123" are blocked, "ABD" and "124" are allowed with the \
        default of 3. Descending runs ("321", "CBA") count too unless `descending` is false. Sequences do not \
        wrap around ("890", "yza" are not sequences). Case is ignored unless `case_sensitive` ("aBc" is then \
        not a sequence). With `substitution`, substituted characters also stand for their letters ("@bc"): \
        off by default, because digits that stand for letters make ordinary digit groups look like letter \
        runs. For other sequences, or seed 004's tolerance and auto, see character_pattern. Seed 001 \
        "Sequential Characters".
        """
    public static let parameters = PatternLimit.parameters("sequence") + [
        ParameterDoc("descending", "boolean", default: "true", "Also reject descending runs (\"321\", \"CBA\")."),
        ParameterDoc("case_sensitive", "boolean", default: "false", "Only runs of one case count (\"aBc\" is not a sequence)."),
        ParameterDoc("substitution", "boolean", default: "false", "Read substituted characters as the letters they stand for (\"@bc\")."),
    ]
    public static let examples: [RuleExample] = [
        .reject("ABC", ["min_length": 3], source: "seed 001: minimum sequence size 3, \"ABC\" is blocked"),
        .reject("123", ["min_length": 3], source: "seed 001: \"123\" is blocked"),
        .accept("ABD", ["min_length": 3], source: "seed 001: \"ABD\" is allowed"),
        .accept("124", ["min_length": 3], source: "seed 001: \"124\" is allowed"),
        .reject("321", source: "seed 001 Descending order: \"321\" is blocked"),
        .reject("CBA", source: "seed 001 Descending order: \"CBA\" is blocked"),
        .accept("CBA", ["descending": false], source: "seed 001: descending order off"),
        .reject("aBc", source: "seed 001: not case sensitive by default"),
        .accept("aBc", ["case_sensitive": true], source: "seed 001 Case sensitive: \"aBc\" is not a sequence"),
        .reject("Summer-789!", source: "seed 001: a run inside a longer password"),
        .accept("Summer-789!", ["min_length": 4], source: "seed 001: minimum sequence size 4"),
        .reject("Summer-789!", ["tolerance": 2], source: "seed 004 tolerance form: 2 tolerated = minimum 3"),
        .accept("Blue@bc-Fox7", source: "seed 001: substitution off by default"),
        .reject("Blue@bc-Fox7", ["substitution": true], source: "seed 001 Character Substitution: \"@bc\" reads as \"abc\""),
        .accept("Yza-890-Quiz", source: "sequences do not wrap around"),
    ]

    let limit: Int
    let finder: SequenceFinder

    public init(_ p: RuleParameters, resources: Resources) throws {
        limit = try PatternLimit.read(p)!
        let descending = try p.bool("descending", default: true)
        let caseSensitive = try p.bool("case_sensitive", default: false)
        let substitution = try p.bool("substitution", default: false) ? resources.substitutions : nil
        finder = SequenceFinder(
            sequences: [SequenceFinder.named["alphabet"]!, SequenceFinder.named["digits"]!], descending: descending,
            caseSensitive: caseSensitive, substitution: substitution)
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        let run = finder.longest(c.scalars)
        if run.length > limit {
            let fragment = PatternLimit.fragment(c.scalars, run.start, run.length)
            return .fail("contains \(run.length) sequential characters (\(PatternLimit.tolerated(limit)))", matched: fragment)
        }
        return .pass("longest run of sequential characters is \(run.length) (\(PatternLimit.tolerated(limit)))")
    }
}
