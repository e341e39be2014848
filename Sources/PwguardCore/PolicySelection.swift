// Which policy applies to a user (seeds 001 and 004).
//
// Policies are tried in priority order; the first whose filters all match applies. If none does, the
// default policy applies; with no default, the password is accepted unchecked and the event says so
// (PPE's "password not checked"). A filter lists principals with `block` (they are validated by this
// policy) or `allow` (they are exempt); a filter left out matches everyone; filters AND together.

/// What is known about the user when choosing a policy.
public struct SelectionFacts: Sendable {
    public var identity: Identity
    /// Lower-cased names and SIDs of every group the user is in, transitively; nil when not resolved.
    public var groups: Set<String>?
    /// The DC's own DNS domain and host name (for domains/servers filters).
    public var domain: String?
    public var server: String?

    public init(identity: Identity, groups: Set<String>? = nil, domain: String? = nil, server: String? = nil) {
        self.identity = identity
        self.groups = groups
        self.domain = domain
        self.server = server
    }
}

/// How one filter of one policy decided.
public struct FilterVerdict: Sendable {
    public let filter: String
    public let matched: Bool
    public let why: String
}

/// How one policy was considered.
public struct PolicyConsideration: Sendable {
    public let policy: String
    public let priority: Int
    public let matched: Bool
    public let filters: [FilterVerdict]
}

/// The outcome of policy selection.
public struct PolicySelection: Sendable {
    /// Index into the policies given, or nil when no policy applies.
    public let chosen: Int?
    /// True when the chosen policy is the default because no other matched.
    public let byDefault: Bool
    public let considered: [PolicyConsideration]
    /// Why the chosen policy applies, or why none does, in words.
    public let why: String
}

public enum PolicySelector {
    /// Chooses among `policies` (already in priority order). `defaultPolicy` names one of them.
    public static func select(_ policies: [Policy], defaultPolicy: String?, facts: SelectionFacts) -> PolicySelection {
        var considered: [PolicyConsideration] = []
        for (i, p) in policies.enumerated() where p.name != defaultPolicy {
            let verdicts = evaluate(p.filters, facts)
            let ok = verdicts.allSatisfy(\.matched)
            considered.append(PolicyConsideration(policy: p.name, priority: p.priority, matched: ok, filters: verdicts))
            if ok {
                return PolicySelection(chosen: i, byDefault: false, considered: considered,
                                       why: "policy \"\(p.name)\" (priority \(p.priority)) is the first whose filters all match")
            }
        }
        if let d = defaultPolicy, let i = policies.firstIndex(where: { $0.name == d }) {
            let p = policies[i]
            considered.append(PolicyConsideration(policy: p.name, priority: p.priority, matched: true,
                                                  filters: [FilterVerdict(filter: "default", matched: true, why: "the default policy applies when no other policy matches")]))
            return PolicySelection(chosen: i, byDefault: true, considered: considered,
                                   why: "no other policy matched; \"\(d)\" is the default policy")
        }
        return PolicySelection(chosen: nil, byDefault: false, considered: considered,
                               why: "no policy matched and there is no default policy: the password is not checked")
    }

    /// Every filter of a policy; a policy with no filters gets one verdict saying it applies to everyone.
    public static func evaluate(_ f: PolicyFilters, _ facts: SelectionFacts) -> [FilterVerdict] {
        var out: [FilterVerdict] = []
        if let a = f.accounts { out.append(accounts(a, facts.identity)) }
        if let g = f.groups { out.append(groups(g, facts.groups, blockIfUnresolved: f.blockIfGroupsUnresolved)) }
        if let c = f.containers { out.append(containers(c, facts.identity.distinguishedName)) }
        if let d = f.domains { out.append(simple("domains", d, facts.domain ?? facts.identity.domainName, what: "domain")) }
        if let s = f.servers { out.append(simple("servers", s, facts.server, what: "server")) }
        if out.isEmpty { out.append(FilterVerdict(filter: "applies_to", matched: true, why: "no filters: applies to everyone")) }
        return out
    }

    /// Applies block/allow to "is the user listed?".
    static func verdict(_ name: String, _ f: PrincipalFilter, listed: String?) -> FilterVerdict {
        switch (f.mode, listed) {
        case (.block, let hit?): return FilterVerdict(filter: name, matched: true, why: "block list contains \(hit)")
        case (.block, nil): return FilterVerdict(filter: name, matched: false, why: "not in the block list")
        case (.allow, let hit?): return FilterVerdict(filter: name, matched: false, why: "exempt: allow list contains \(hit)")
        case (.allow, nil): return FilterVerdict(filter: name, matched: true, why: "not in the allow list (exemptions)")
        }
    }

    static func accounts(_ f: PrincipalFilter, _ id: Identity) -> FilterVerdict {
        let name = id.accountName.lowercased()
        let dn = id.distinguishedName.map(normalizeDN)
        let hit = f.members.first { m in
            m.contains("=") ? (dn != nil && normalizeDN(m) == dn) : m.lowercased() == name
        }
        return verdict("accounts", f, listed: hit.map { "\"\($0)\"" })
    }

    static func groups(_ f: PrincipalFilter, _ groups: Set<String>?, blockIfUnresolved: Bool) -> FilterVerdict {
        guard let groups else {
            if f.mode == .block && blockIfUnresolved {
                return FilterVerdict(filter: "groups", matched: true, why: "groups could not be resolved; block_if_groups_unresolved applies the policy")
            }
            return FilterVerdict(filter: "groups", matched: false, why: "groups could not be resolved")
        }
        let hit = f.members.first { groups.contains($0.lowercased()) }
        return verdict("groups", f, listed: hit.map { "group \"\($0)\"" })
    }

    static func containers(_ f: PrincipalFilter, _ userDN: String?) -> FilterVerdict {
        guard let userDN else { return FilterVerdict(filter: "containers", matched: false, why: "the user's DN is unknown (no directory lookup)") }
        let parent = parentDN(normalizeDN(userDN))
        let hit = f.members.first { m in
            let c = normalizeDN(m)
            return parent == c || (f.subtree && parent.hasSuffix("," + c))
        }
        return verdict("containers", f, listed: hit.map { "\"\($0)\"" + (f.subtree ? " (subtree)" : "") })
    }

    static func simple(_ name: String, _ f: PrincipalFilter, _ value: String?, what: String) -> FilterVerdict {
        guard let value else { return FilterVerdict(filter: name, matched: f.mode == .allow, why: "this DC's \(what) is unknown") }
        let v = value.lowercased()
        let hit = f.members.first { $0.lowercased() == v || v.hasPrefix($0.lowercased() + ".") }
        return verdict(name, f, listed: hit.map { "\"\($0)\"" })
    }

    /// Lower-cases a DN and removes spaces after commas and around `=`, for comparison.
    public static func normalizeDN(_ dn: String) -> String {
        var out = ""
        var afterSeparator = true
        for ch in dn.lowercased() {
            if ch == " " && afterSeparator { continue }
            if ch == " " {
                out.append(ch)
                continue
            }
            if ch == "," || ch == "=" {
                while out.last == " " { out.removeLast() }
                afterSeparator = true
            } else {
                afterSeparator = false
            }
            out.append(ch)
        }
        return out
    }

    /// The DN without its first RDN (the user's container).
    public static func parentDN(_ dn: String) -> String {
        var escaped = false
        for (i, ch) in zip(dn.indices, dn) {
            if escaped { escaped = false; continue }
            if ch == "\\" { escaped = true; continue }
            if ch == "," { return String(dn[dn.index(after: i)...]) }
        }
        return ""
    }
}
