extension RuleRegistry {
    /// Length, complexity, character counts and positions (seeds 001 and 004).
    static let characterRules: [any PasswordRule.Type] = [
        LengthRule.self,
    ]
}
