/// Seed 004 "First and Last Character Rules": what a password must, or must not, begin with.
public struct FirstCharacterRule: PasswordRule {
    public static let id = "first_character"
    public static let summary = "Rejects passwords that do not begin (or that begin) with the chosen characters."
    public static let details = """
        mode = "must": the first character must belong to one of `sets` (or `characters`); "must_not": it \
        must not (seed 004 "First Character", the begin / not begin options). Usually for compatibility \
        with systems that require, for example, a leading letter. Sets are shared with the other character \
        rules; `characters` adds literal characters, as seed 004's custom set definitions do.
        """
    public static let parameters = EdgeCharacterCheck.parameters("first")
    static let src = "seed 004: First Character Rule"
    public static let examples: [RuleExample] = [
        .accept("Password1", ["sets": ["alpha"]], source: "\(src), begin with alpha"),
        .reject("1Password", ["sets": ["alpha"]], source: "\(src), begin with alpha"),
        .accept("_Password1", ["sets": ["alpha"], "characters": "_"], source: "\(src), begin with alpha or a custom character"),
        .reject("!Password", ["mode": "must_not", "sets": ["numeric", "symbol"]], source: "\(src), not begin with numeric or special"),
        .accept("Password!", ["mode": "must_not", "sets": ["numeric", "symbol"]], source: "\(src), not begin with numeric or special"),
    ]

    let check: EdgeCharacterCheck

    public init(_ p: RuleParameters, resources: Resources) throws { check = try EdgeCharacterCheck(p) }

    public func evaluate(_ c: Candidate) -> RuleOutcome { check.evaluate(c.scalars.first, edge: "first") }
}
