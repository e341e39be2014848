/// Seed 004 "Complexity Rule": characters from at least N of the chosen character sets.
public struct ComplexityRule: PasswordRule {
    public static let id = "complexity"
    public static let summary = "Rejects passwords that use too few different character sets."
    public static let details = """
        Counts which of the chosen sets the password has at least one character of, and rejects it when \
        fewer than `required` are used (seed 004 "Complexity Rule"; `sets` must name at least `required` \
        sets). Sets are the named ones shared by every character rule: by default upper- and lower-case \
        letters (any script), digits 0-9, symbols (anything neither letter nor digit: punctuation, space, \
        "€", emoji) and letters without case (Chinese, Japanese…). Seed 004 lets custom character sets of \
        the Character rules stand in here; pwguard keeps to the named sets (a custom set can be required \
        with a `characters` rule). Unlike `windows_complexity`, any non-alphanumeric character is a symbol.
        """
    public static let defaultSets: [CharacterClass] = [.upper, .lower, .numeric, .symbol, .other]
    public static let parameters = [
        ParameterDoc("required", "integer", default: "3", "How many of the sets the password must use."),
        ParameterDoc("sets", "array of strings", default: "[\"upper\", \"lower\", \"numeric\", \"symbol\", \"other\"]",
                     "The sets that count, from: \(CharacterClass.glossary)."),
    ]
    public static let examples: [RuleExample] = [
        .accept("Password1", source: "seed 004: Complexity Rule, 3 of upper, lower, numeric, symbol, other"),
        .reject("password1", source: "seed 004: Complexity Rule, only lower and numeric"),
        .reject("PASSWORD!", source: "seed 004: Complexity Rule, only upper and symbol"),
        .accept("pass word1", source: "seed 004: Complexity Rule, a space is a symbol here (not for windows_complexity)"),
        .accept("pässwörd€1", source: "seed 004: Complexity Rule, \"€\" is a symbol, accented letters are lower case"),
        .accept("漢字pass1", source: "seed 004: Complexity Rule, letters without case are the fifth set"),
        .reject("Password1", ["required": 4], source: "seed 004: Complexity Rule, 4 sets required"),
        .accept("Password1!", ["required": 4], source: "seed 004: Complexity Rule, 4 sets required"),
        .accept("Password", ["required": 2, "sets": ["upper", "lower"]], source: "seed 004: Complexity Rule, chosen sets"),
        .reject("password1!", ["required": 2, "sets": ["upper", "lower"]], source: "seed 004: Complexity Rule, chosen sets"),
    ]

    let required: Int
    let sets: [CharacterClass]

    public init(_ p: RuleParameters, resources: Resources) throws {
        required = try p.int("required", default: 3, min: 1)
        sets = try CharacterClass.parseList(p, "sets", default: Self.defaultSets)
        if sets.count < required {
            throw p.error("sets", "names \(sets.count) sets, fewer than the \(required) required")
        }
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        complexityOutcome(c.scalars, sets, required: required)
    }
}
