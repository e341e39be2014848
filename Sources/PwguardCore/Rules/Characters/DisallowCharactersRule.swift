/// Seed 001 "Disallow specific character(s)": none of the listed characters.
public struct DisallowCharactersRule: PasswordRule {
    public static let id = "disallow_characters"
    public static let summary = "Rejects passwords that contain any of the listed characters."
    public static let details = """
        Seed 001 "Disallow specific character(s)": the characters are OR-ed, so a password is rejected when \
        it contains any one of them. Characters are compared exactly (case-sensitive). Often used for \
        characters another system cannot take.
        """
    public static let parameters = [
        ParameterDoc("characters", "string", default: "required", "The characters, e.g. \"%@\"."),
    ]
    static let src = "seed 001: Disallow specific character(s) \"%\" or \"@\""
    public static let examples: [RuleExample] = [
        .reject("Pas@sw0rd", ["characters": "%@"], source: src),
        .reject("7Password%", ["characters": "%@"], source: src),
        .accept("Pa$$word9", ["characters": "%@"], source: src),
    ]

    let characters: [Unicode.Scalar]

    public init(_ p: RuleParameters, resources: Resources) throws {
        characters = try requiredLiteralCharacters(p, "characters", "the characters that must not appear")
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        guard let found = c.scalars.first(where: characters.contains) else {
            return .pass("contains none of \(quotedCharacters(characters))")
        }
        return .fail("contains the disallowed character \(quotedCharacters([found]))", matched: scalarString(found))
    }
}
