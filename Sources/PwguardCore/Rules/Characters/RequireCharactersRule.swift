/// Seed 001 "Require specific character(s)": at least one of the listed characters.
public struct RequireCharactersRule: PasswordRule {
    public static let id = "require_characters"
    public static let summary = "Rejects passwords that contain none of the listed characters."
    public static let details = """
        Seed 001 "Require specific character(s)": the characters are OR-ed, so a password passes when it \
        contains at least one of them. Characters are compared exactly (case-sensitive).
        """
    public static let parameters = [
        ParameterDoc("characters", "string", default: "required", "The characters, e.g. \"!@\"."),
    ]
    static let src = "seed 001: Require specific character(s) \"!@\""
    public static let examples: [RuleExample] = [
        .accept("Pass!word", ["characters": "!@"], source: src),
        .accept("P@ssword", ["characters": "!@"], source: src),
        .accept("Passw@!rd", ["characters": "!@"], source: src),
        .reject("Password", ["characters": "!@"], source: src),
        .reject("Pa$$word1", ["characters": "!@"], source: "\(src): other symbols do not count"),
    ]

    let characters: [Unicode.Scalar]

    public init(_ p: RuleParameters, resources: Resources) throws {
        characters = try requiredLiteralCharacters(p, "characters", "the characters of which one must appear")
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        if c.scalars.contains(where: characters.contains) {
            return .pass("contains one of \(quotedCharacters(characters))")
        }
        return .fail("contains none of the required characters \(quotedCharacters(characters))")
    }
}
