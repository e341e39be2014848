extension RuleRegistry {
    /// Names of the user, and sequences, keyboard, character and repeating patterns (seeds 001 and 004).
    static let nameAndPatternRules: [any PasswordRule.Type] = [
        LogonNameRule.self,
        UPNRule.self,
        GivenNameRule.self,
        SurnameRule.self,
        DisplayNameRule.self,
        SequentialRule.self,
        KeyboardRule.self,
        CharacterPatternRule.self,
        RepeatingPatternRule.self,
    ]
}
