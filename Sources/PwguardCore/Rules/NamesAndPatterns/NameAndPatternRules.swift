extension RuleRegistry {
    /// Names of the user, and sequences, keyboard, character and repeating patterns (seeds 001 and 004).
    static let nameAndPatternRules: [any PasswordRule.Type] = [
    ]
}
