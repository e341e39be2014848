/// Seed 004 "Unique Characters Rule" and seed 001's unique-character threshold.
public struct UniqueCharactersRule: PasswordRule {
    public static let id = "unique_characters"
    public static let summary = "Rejects passwords with too few different characters."
    public static let details = """
        Counts distinct characters, case-sensitively: "aaaaaaaa" has 1, "mypassword" 9 (mypasword) and \
        "LoOpHole" 7 (LoOpHle) (seed 004 "Unique Characters Rule"). Seed 001 allows a maximum as well. \
        Neither seed gives a default; pwguard requires 5 unless configured.
        """
    public static let parameters = [
        ParameterDoc("min", "integer", default: "5", "Fewest distinct characters accepted."),
        ParameterDoc("max", "integer", default: "none", "Most distinct characters accepted (seed 001; rarely useful)."),
    ]
    static let src = "seed 004: Unique Characters Rule"
    public static let examples: [RuleExample] = [
        .reject("aaaaaaaa", ["min": 2], source: "\(src), \"aaaaaaaa\" has one unique character"),
        .accept("mypassword", ["min": 9], source: "\(src), \"mypassword\" has nine"),
        .reject("mypassword", ["min": 10], source: "\(src), \"mypassword\" has nine"),
        .accept("LoOpHole", ["min": 7], source: "\(src), case-sensitive: \"LoOpHole\" has seven"),
        .reject("LoOpHole", ["min": 8], source: "\(src), case-sensitive: \"LoOpHole\" has seven"),
        .reject("abababab", source: "\(src), default minimum 5"),
        .reject("Password1", ["min": 1, "max": 6], source: "seed 001: Unique characters maximum threshold"),
    ]

    let min: Int
    let max: Int?

    public init(_ p: RuleParameters, resources: Resources) throws {
        (min, max) = try countRange(p, minDefault: { _ in 5 }, maxAtLeast: 1)
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        var seen: [Unicode.Scalar] = []
        seen.reserveCapacity(c.scalars.count)
        for s in c.scalars where !seen.contains(s) { seen.append(s) }
        return countOutcome("different characters", seen.count, min: min, max: max)
    }
}
