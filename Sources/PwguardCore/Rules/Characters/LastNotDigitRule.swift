/// Seed 001 "Disallow last character as number (0-9)".
public struct LastNotDigitRule: PasswordRule {
    public static let id = "last_not_digit"
    public static let summary = "Rejects passwords that end with a digit 0-9."
    public static let details = """
        Seed 001 "Disallow last character as number (0-9) – Blocks passwords ending in a number character": \
        users meeting a digit requirement usually append one ("Summer2024"). Only 0-9 count. The same as \
        `last_character` with mode = "must_not" and sets = ["numeric"].
        """
    public static let parameters: [ParameterDoc] = []
    static let src = "seed 001: Disallow last character as number (0-9)"
    public static let examples: [RuleExample] = [
        .reject("Password1", source: src),
        .reject("Summer2024", source: src),
        .accept("Password1!", source: src),
        .accept("1Password", source: src),
    ]

    public init(_ p: RuleParameters, resources: Resources) throws {}

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        guard let last = c.scalars.last, last.isDigit else { return .pass("does not end with a digit") }
        return .fail("ends with a digit", matched: scalarString(last))
    }
}
