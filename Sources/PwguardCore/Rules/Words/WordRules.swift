extension RuleRegistry {
    /// Dictionaries, defined text, banned terms and Entra's scoring (seeds 001, 002, 003, 004).
    static let wordRules: [any PasswordRule.Type] = [
        PasswordDictionaryRule.self,
        DefinedTextRule.self,
        DictionaryRule.self,
        EntraRule.self,
        BannedShareRule.self,
    ]
}
