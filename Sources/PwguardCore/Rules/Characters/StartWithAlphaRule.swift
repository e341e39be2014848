/// Seed 001 "Start with Alpha": blocks passwords that start with a letter.
public struct StartWithAlphaRule: PasswordRule {
    public static let id = "start_with_alpha"
    public static let summary = "Rejects passwords that start with a letter."
    public static let details = """
        Implemented literally as seed 001 describes it: "Start with Alpha – Blocks passwords starting with \
        an alpha character". Users most often put a capital letter first, so this pushes the letter away \
        from the predictable position. Letters of any script count. To require a leading letter instead, use \
        `first_character` with sets = ["alpha"].
        """
    public static let parameters: [ParameterDoc] = []
    static let src = "seed 001: Start with Alpha blocks passwords starting with an alpha character"
    public static let examples: [RuleExample] = [
        .reject("Password1!", source: src),
        .reject("éclair#42", source: "\(src) (letters of any script)"),
        .accept("1Password!", source: src),
        .accept("#Password1", source: src),
    ]

    public init(_ p: RuleParameters, resources: Resources) throws {}

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        guard let first = c.scalars.first, CharacterClass.alpha.contains(first) else {
            return .pass("does not start with a letter")
        }
        return .fail("starts with a letter", matched: scalarString(first))
    }
}
