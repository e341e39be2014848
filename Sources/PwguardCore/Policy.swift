// Policies, rule sets and the filters that decide who a policy applies to (seeds 001 and 004).

/// enforce: a failing password is rejected. monitor: it is accepted, and the event says what enforce would
/// have done (seed 001 "Monitoring", Entra "Audit").
public enum PolicyMode: String, Sendable, CaseIterable {
    case enforce, monitor
}

/// How many of a rule set's rules a password must pass (seed 001 "Optional Rules").
public enum Requirement: Sendable, Equatable, CustomStringConvertible {
    /// "All Required".
    case all
    /// "Comply with at least N rules".
    case atLeast(Int)

    public var description: String {
        switch self {
        case .all: return "all rules"
        case .atLeast(let n): return "at least \(n) rules"
        }
    }
}

/// A group of rules decided together. A policy passes when every one of its rule sets passes.
public struct RuleSet: Sendable {
    public var name: String
    public var requirement: Requirement
    /// Seed 001 "Paraphrase": a password longer than this many characters skips this set's other rules.
    public var passphraseLength: Int?
    public var rules: [any PasswordRule]
    /// Per rule (same order as `rules`), the admin's rejection message template, if any (rule key `message`).
    public var messages: [String?]
    /// Enforced even when the policy is in monitor mode: the Windows complexity Samba itself would have
    /// enforced without a script (see `Policy.windowsComplexityUnderMonitor`).
    public var enforcedInMonitorMode: Bool

    public init(name: String, requirement: Requirement = .all, passphraseLength: Int? = nil, rules: [any PasswordRule],
                messages: [String?] = [], enforcedInMonitorMode: Bool = false) {
        self.name = name
        self.requirement = requirement
        self.passphraseLength = passphraseLength
        self.rules = rules
        self.messages = messages
        self.enforcedInMonitorMode = enforcedInMonitorMode
    }

    /// The message template of rule `i`, if the configuration gave one.
    public func message(_ i: Int) -> String? { i < messages.count ? messages[i] : nil }
}

/// Block: the listed principals are validated by this policy. Allow: they are exempt (seed 001).
public enum FilterMode: String, Sendable {
    case block, allow
}

/// One filter of a policy's `applies_to`: a list of principals with block or allow semantics.
public struct PrincipalFilter: Sendable, Equatable {
    public var mode: FilterMode
    public var members: [String]
    /// Containers only: also match the containers below the listed ones.
    public var subtree: Bool

    public init(mode: FilterMode, members: [String], subtree: Bool = false) {
        self.mode = mode
        self.members = members
        self.subtree = subtree
    }
}

/// Who a policy applies to. A filter left out matches everyone; filters AND together (seed 001).
public struct PolicyFilters: Sendable, Equatable {
    public var accounts: PrincipalFilter?
    public var groups: PrincipalFilter?
    public var containers: PrincipalFilter?
    /// DNS domain names the policy applies on (the DC's domain), so one file can serve many domains.
    public var domains: PrincipalFilter?
    /// DC host names the policy applies on.
    public var servers: PrincipalFilter?
    /// Seed 001 "Block if user's group(s) is not resolved": when the groups cannot be looked up, a
    /// block-mode group filter matches as if the user were a member.
    public var blockIfGroupsUnresolved: Bool

    public init(
        accounts: PrincipalFilter? = nil, groups: PrincipalFilter? = nil, containers: PrincipalFilter? = nil,
        domains: PrincipalFilter? = nil, servers: PrincipalFilter? = nil, blockIfGroupsUnresolved: Bool = false
    ) {
        self.accounts = accounts
        self.groups = groups
        self.containers = containers
        self.domains = domains
        self.servers = servers
        self.blockIfGroupsUnresolved = blockIfGroupsUnresolved
    }

    public var isEmpty: Bool {
        accounts == nil && groups == nil && containers == nil && domains == nil && servers == nil
    }

    /// Whether any filter needs a directory lookup (groups or containers, or accounts given as DNs). An empty
    /// list matches everyone and needs nothing.
    public var needsDirectory: Bool {
        !(groups?.members.isEmpty ?? true) || !(containers?.members.isEmpty ?? true)
            || (accounts?.members.contains { $0.contains("=") } ?? false)
    }

    /// Whether a `domains` filter needs the DC's domain (the configured `domain`, else the directory's).
    public var needsDomain: Bool { !(domains?.members.isEmpty ?? true) }
}

/// A password policy.
public struct Policy: Sendable {
    public var name: String
    /// Lower numbers are tried first (PPE's priorities).
    public var priority: Int
    public var mode: PolicyMode
    public var filters: PolicyFilters
    public var ruleSets: [RuleSet]

    public init(name: String, priority: Int = 0, mode: PolicyMode = .enforce, filters: PolicyFilters = PolicyFilters(), ruleSets: [RuleSet]) {
        self.name = name
        self.priority = priority
        self.mode = mode
        self.filters = filters
        self.ruleSets = ruleSets
    }

    /// Every rule of the policy, in order.
    public var rules: [any PasswordRule] { ruleSets.flatMap(\.rules) }

    /// The rule set a monitor policy enforces anyway: Samba skips its own complexity check once a check
    /// password script is set, so a policy that only monitors would otherwise let through what Samba alone
    /// refuses (`abc-def-ghi`). Its one rule is `windows_complexity` with its defaults. The loader adds it to
    /// every `mode = "monitor"` policy unless `monitor_enforces_windows_complexity = false`.
    public static func windowsComplexityUnderMonitor() -> RuleSet {
        RuleSet(name: "Samba's complexity (enforced in monitor mode)", rules: [WindowsComplexityRule()], enforcedInMonitorMode: true)
    }

    /// Whether evaluating this policy needs attributes only the directory has (givenName, sn).
    public var rulesNeedDirectory: Bool { rules.contains { type(of: $0).usesDirectoryAttributes } }
}

/// What happens when pwguard cannot decide (bad config, missing list, directory down, deadline).
public enum OnError: String, Sendable {
    /// Fail closed: refuse the change (the default).
    case reject
    /// Fail open: accept the change and log why it was not checked.
    case accept
}
