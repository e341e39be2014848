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
    /// Lower-cased configured group names that resolved to no group in the directory (a typo, a deleted
    /// group): `explain` names them in the groups filter's line.
    public var unknownGroups: Set<String>
    /// The DC's own DNS domain, for `domains` filters: the configured `domain`, else the directory's naming
    /// context (never the UPN suffix, which users can choose). Nil: unknown.
    public var domain: String?
    /// The DC's host name (short or fully qualified), for `servers` filters.
    public var server: String?

    public init(identity: Identity, groups: Set<String>? = nil, unknownGroups: Set<String> = [], domain: String? = nil,
                server: String? = nil) {
        self.identity = identity
        self.groups = groups
        self.unknownGroups = unknownGroups
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
        if let a = f.accounts { out.append(emptyList("accounts", a) ?? accounts(a, facts.identity)) }
        if let g = f.groups { out.append(emptyList("groups", g) ?? groups(g, facts, blockIfUnresolved: f.blockIfGroupsUnresolved)) }
        if let c = f.containers { out.append(emptyList("containers", c) ?? containers(c, facts.identity.distinguishedName)) }
        if let d = f.domains { out.append(emptyList("domains", d) ?? names("domains", d, facts.domain, what: "domain", match: domainMatches)) }
        if let s = f.servers { out.append(emptyList("servers", s) ?? names("servers", s, facts.server, what: "host name", match: serverMatches)) }
        if out.isEmpty { out.append(FilterVerdict(filter: "applies_to", matched: true, why: "no filters: applies to everyone")) }
        return out
    }

    /// Seed 001: "Selecting Block with no accounts, groups, or containers specified applies the filter rule to
    /// all accounts"; an empty allow list exempts nobody. Either way the filter matches everyone.
    static func emptyList(_ name: String, _ f: PrincipalFilter) -> FilterVerdict? {
        guard f.members.isEmpty else { return nil }
        return FilterVerdict(filter: name, matched: true, why: f.mode == .block
            ? "the block list is empty: applies to every account (seed 001)" : "the allow list is empty: nobody is exempt")
    }

    /// Applies block/allow to "is the user listed?".
    static func verdict(_ name: String, _ f: PrincipalFilter, listed: String?, note: String = "") -> FilterVerdict {
        switch (f.mode, listed) {
        case (.block, let hit?): return FilterVerdict(filter: name, matched: true, why: "block list contains \(hit)" + note)
        case (.block, nil): return FilterVerdict(filter: name, matched: false, why: "not in the block list" + note)
        case (.allow, let hit?): return FilterVerdict(filter: name, matched: false, why: "exempt: allow list contains \(hit)" + note)
        case (.allow, nil): return FilterVerdict(filter: name, matched: true, why: "not in the allow list (exemptions)" + note)
        }
    }

    static func accounts(_ f: PrincipalFilter, _ id: Identity) -> FilterVerdict {
        let name = id.accountName.lowercased()
        let dn = id.distinguishedName.flatMap(DN.init)
        let hit = f.members.first { m in
            m.contains("=") ? (dn != nil && DN(m) == dn) : m.lowercased() == name
        }
        return verdict("accounts", f, listed: hit.map { "\"\($0)\"" })
    }

    static func groups(_ f: PrincipalFilter, _ facts: SelectionFacts, blockIfUnresolved: Bool) -> FilterVerdict {
        guard let groups = facts.groups else {
            if f.mode == .block && blockIfUnresolved {
                return FilterVerdict(filter: "groups", matched: true, why: "groups could not be resolved; block_if_groups_unresolved applies the policy")
            }
            return FilterVerdict(filter: "groups", matched: false, why: "groups could not be resolved")
        }
        let hit = f.members.first { groups.contains($0.lowercased()) }
        let unknown = f.members.filter { facts.unknownGroups.contains($0.lowercased()) }
        let note = unknown.isEmpty ? "" : "; no such group in the directory: " + unknown.map { "\"\($0)\"" }.joined(separator: ", ")
        return verdict("groups", f, listed: hit.map { "group \"\($0)\"" }, note: note)
    }

    /// The user's container against DNs, compared as parsed RDNs (`OU=x\,OU=Svc,OU=Dept,…` is not under
    /// `OU=Svc,OU=Dept,…`; `\2C`, spaces and case do not matter).
    static func containers(_ f: PrincipalFilter, _ userDN: String?) -> FilterVerdict {
        guard let userDN else { return FilterVerdict(filter: "containers", matched: false, why: "the user's DN is unknown (no directory lookup)") }
        guard let parent = DN(userDN)?.parent else {
            return FilterVerdict(filter: "containers", matched: false, why: "the user's DN is not a distinguished name: \(userDN)")
        }
        let hit = f.members.first { m in
            guard let c = DN(m) else { return false }
            return f.subtree ? parent.isWithin(c) : parent == c
        }
        return verdict("containers", f, listed: hit.map { "\"\($0)\"" + (f.subtree ? " (subtree)" : "") })
    }

    /// A domains or servers filter: the DC's value against the listed names.
    static func names(_ name: String, _ f: PrincipalFilter, _ value: String?, what: String,
                      match: (_ member: String, _ value: String) -> Bool) -> FilterVerdict {
        guard let value else { return FilterVerdict(filter: name, matched: f.mode == .allow, why: "this DC's \(what) is unknown") }
        let hit = f.members.first { match($0, value) }
        return verdict(name, f, listed: hit.map { "\"\($0)\"" }, note: " (this DC's \(what): \(value))")
    }

    /// A listed domain matches the DC's domain and the domains below it, by whole labels from the right,
    /// without case: `lab.example` matches `lab.example` and `sub.lab.example`, not `lab.example.attacker.net`
    /// nor `xlab.example`.
    public static func domainMatches(_ member: String, _ domain: String) -> Bool {
        let m = labels(member), d = labels(domain)
        return !m.isEmpty && m.count <= d.count && Array(d.suffix(m.count)) == m
    }

    /// A listed server matches the DC's host name: fully qualified names compare whole; when either is a
    /// short name (no dot), the first labels compare (`dc1` matches `dc1.lab.example` and the reverse).
    public static func serverMatches(_ member: String, _ server: String) -> Bool {
        let m = labels(member), s = labels(server)
        guard !m.isEmpty, !s.isEmpty else { return false }
        return m.count > 1 && s.count > 1 ? m == s : m[0] == s[0]
    }

    /// A DNS name's labels, lower-cased, without a final root dot; empty for a name with an empty label.
    static func labels(_ name: String) -> [String] {
        var n = Substring(name.lowercased())
        if n.hasSuffix(".") { n = n.dropLast() }
        let l = n.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        return l.contains("") ? [] : l
    }
}
