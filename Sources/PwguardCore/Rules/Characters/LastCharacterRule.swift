/// Seed 004 "First and Last Character Rules": what a password must, or must not, end with.
public struct LastCharacterRule: PasswordRule {
    public static let id = "last_character"
    public static let summary = "Rejects passwords that do not end (or that end) with the chosen characters."
    public static let details = """
        mode = "must": the last character must belong to one of `sets` (or `characters`); "must_not": it \
        must not (seed 004 "Last Character", the end / not end options). With mode = "must_not" and \
        sets = ["numeric"] it is seed 001's "Disallow last character as number" (also `last_not_digit`).
        """
    public static let parameters = EdgeCharacterCheck.parameters("last")
    static let src = "seed 004: Last Character Rule"
    public static let examples: [RuleExample] = [
        .reject("Password1", ["mode": "must_not", "sets": ["numeric"]], source: "\(src), not end with numeric"),
        .accept("Password1!", ["mode": "must_not", "sets": ["numeric"]], source: "\(src), not end with numeric"),
        .accept("Password1", ["sets": ["alpha", "numeric"]], source: "\(src), end with alpha or numeric"),
        .reject("Password1!", ["sets": ["alpha", "numeric"]], source: "\(src), end with alpha or numeric"),
        .accept("Password1#", ["sets": ["lower"], "characters": "#"], source: "\(src), end with lower case or a custom character"),
    ]

    let check: EdgeCharacterCheck

    public init(_ p: RuleParameters, resources: Resources) throws { check = try EdgeCharacterCheck(p) }

    public func evaluate(_ c: Candidate) -> RuleOutcome { check.evaluate(c.scalars.last, edge: "last") }
}
