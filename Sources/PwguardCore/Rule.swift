// What every rule is: an identifier, a description, documented parameters, and examples that are run as
// tests and printed by `pwguard rules`. One rule per file under Rules/, in the manner of SwiftLint.

/// A password rule. A configured rule is a value of the conforming type, built from its parameters.
public protocol PasswordRule: Sendable {
    /// Stable identifier used in the configuration (`id = "length"`), in logs and in `explain`.
    static var id: String { get }
    /// One line: what the rule rejects.
    static var summary: String { get }
    /// A short paragraph: how it decides, and the seed it follows.
    static var details: String { get }
    /// Every parameter with its default.
    static var parameters: [ParameterDoc] { get }
    /// Accepted and rejected passwords; run by the test suite, shown by `pwguard rules`.
    static var examples: [RuleExample] { get }

    /// Builds the rule from its parameters. Throws `ConfigError` for invalid values; must read every key
    /// it supports (unknown keys are reported by the caller through `RuleParameters.finish()`).
    init(_ p: RuleParameters, resources: Resources) throws

    /// Decides one password. Must be pure and must never put the password into the outcome's `reason`.
    func evaluate(_ candidate: Candidate) -> RuleOutcome

    /// Whether the rule reads identity attributes Samba does not pass (givenName, sn), so `check` must look
    /// the user up in the directory before evaluating it.
    static var usesDirectoryAttributes: Bool { get }

    /// Whether the rule is costly (history: an Argon2 computation). Such rules run only when every other rule
    /// of the policy let the password through: a password already refused costs nothing more.
    static var isExpensive: Bool { get }
}

extension PasswordRule {
    public var id: String { Self.id }
    public static var usesDirectoryAttributes: Bool { false }
    public static var isExpensive: Bool { false }
}

/// Documentation of one parameter.
public struct ParameterDoc: Sendable {
    public let name: String
    public let type: String
    public let defaultValue: String
    public let help: String

    public init(_ name: String, _ type: String, default defaultValue: String, _ help: String) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// One example: with these parameters (and this identity), this password is accepted or rejected.
public struct RuleExample: Sendable {
    public let parameters: [String: ConfigValue]
    public let password: String
    public let identity: Identity
    public let accepted: Bool
    /// Where the example comes from, e.g. `seed 004, Tolerance: "maryjones" vs "Jonestown"`.
    public let source: String
    /// Word lists the example needs, by name, as inline contents (written to `Resources.inline`).
    public let lists: [String: [String]]

    public init(
        _ password: String, accepted: Bool, _ parameters: [String: ConfigValue] = [:],
        identity: Identity = Identity(accountName: "user"), lists: [String: [String]] = [:], source: String
    ) {
        self.password = password
        self.accepted = accepted
        self.parameters = parameters
        self.identity = identity
        self.lists = lists
        self.source = source
    }

    public static func accept(
        _ password: String, _ parameters: [String: ConfigValue] = [:], identity: Identity = Identity(accountName: "user"),
        lists: [String: [String]] = [:], source: String
    ) -> RuleExample {
        RuleExample(password, accepted: true, parameters, identity: identity, lists: lists, source: source)
    }

    public static func reject(
        _ password: String, _ parameters: [String: ConfigValue] = [:], identity: Identity = Identity(accountName: "user"),
        lists: [String: [String]] = [:], source: String
    ) -> RuleExample {
        RuleExample(password, accepted: false, parameters, identity: identity, lists: lists, source: source)
    }
}

/// The result of one rule for one password.
public struct RuleOutcome: Sendable, Equatable {
    public var passed: Bool
    /// Plain words for an admin: why it passed or failed. Never contains the whole password.
    public var reason: String
    /// The part of the password (or the name/word/pattern) that made it fail: shown by `explain`.
    public var matched: String?
    /// The list (file or built-in name) the match came from, if any.
    public var list: String?

    public init(passed: Bool, reason: String, matched: String? = nil, list: String? = nil) {
        self.passed = passed
        self.reason = reason
        self.matched = matched
        self.list = list
    }

    public static func pass(_ reason: String) -> RuleOutcome { RuleOutcome(passed: true, reason: reason) }
    public static func fail(_ reason: String, matched: String? = nil, list: String? = nil) -> RuleOutcome {
        RuleOutcome(passed: false, reason: reason, matched: matched, list: list)
    }
}
