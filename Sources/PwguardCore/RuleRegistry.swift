// Every rule pwguard knows. The three groups live beside their rules (Rules/*/*Rules.swift).

public enum RuleRegistry {
    public static let all: [any PasswordRule.Type] = characterRules + nameAndPatternRules + wordRules + [BreachedRule.self, HistoryRule.self, StrengthRule.self]

    public static func type(_ id: String) -> (any PasswordRule.Type)? { all.first { $0.id == id } }

    /// Builds a configured rule; `p` must contain `id`. Unknown ids and unknown keys are errors.
    public static func make(_ p: RuleParameters, resources: Resources) throws -> any PasswordRule {
        guard let idValue = p.values["id"] else { throw p.error("id", "is required: the rule's identifier (see `pwguard rules`)") }
        guard case .string(let id) = idValue else { throw p.error("id", "must be a string") }
        guard let t = type(id) else {
            throw p.error("id", "unknown rule \"\(id)\" (see `pwguard rules` for the list)")
        }
        let rule = try t.init(p, resources: resources)
        try p.finish()
        return rule
    }

    /// Builds the rule of an example, as the tests and `pwguard rules` do.
    public static func make(_ t: any PasswordRule.Type, example: RuleExample) throws -> any PasswordRule {
        let p = RuleParameters(example.parameters, path: "\(t.id) example")
        let rule = try t.init(p, resources: Resources(inline: example.lists))
        try p.finish()
        return rule
    }
}
