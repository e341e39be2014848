extension RuleRegistry {
    /// Length, complexity, character counts and positions (seeds 001 and 004).
    static let characterRules: [any PasswordRule.Type] = [
        LengthRule.self,
        WindowsComplexityRule.self,
        ComplexityRule.self,
        CharactersRule.self,
        UniqueCharactersRule.self,
        RepeatingCharactersRule.self,
        FirstCharacterRule.self,
        LastCharacterRule.self,
        StartWithAlphaRule.self,
        LastNotDigitRule.self,
        RequireCharactersRule.self,
        DisallowCharactersRule.self,
    ]
}
