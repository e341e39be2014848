import PwguardConfig
import PwguardCore
import PwguardDirectory
#if canImport(Glibc)
import Glibc
#endif

/// Step 2 of the check: who is changing their password. Samba gives the account name, UPN and display
/// name; the directory adds the DN, transitive groups, given name and surname, but only when a policy
/// needs them (a group or container filter, or a rule on given name/surname), so most checks never load
/// libldap.
public struct IdentityResolution: Sendable {
    public var identity: Identity
    /// Lower-cased group SIDs and configured group names the user is in; nil when not resolved.
    public var groups: Set<String>?
    /// Whether a lookup was attempted.
    public var lookedUp: Bool
    /// Why the lookup failed, when it did (a new account is not a failure: see `newAccount`).
    public var error: DirectoryError?
    /// The account does not exist yet: Samba runs the script for `user create` before the object exists.
    public var newAccount: Bool
    public var lookupMilliseconds: Double?
    /// The user's password state before the change (unicodePwd version, pwdLastSet), for the history record.
    public var passwordVersion: UInt32?
    public var pwdLastSet: Int64?
    /// Configured group names that name no group in the directory (a typo, a deleted group): `check` warns.
    public var unknownGroups: [String] = []
    /// The DNS domain of the directory's naming context (`DC=lab,DC=example` → `lab.example`), when looked up.
    public var directoryDomain: String?

    /// `cause=… group=… detail=…` texts for `event=warning` lines: configured group names that name no group,
    /// and a name that names several when the check proceeds anyway (`block_if_groups_unresolved`).
    public var warnings: [String] {
        var out: [String] = []
        if !unknownGroups.isEmpty {
            out.append("cause=unknown_group group=\(EventLine.quote(unknownGroups.joined(separator: ", "))) "
                       + "detail=\"no such group in the directory: filters naming it never match\"")
        }
        if case .ambiguousGroup(let name, _)? = error {
            out.append("cause=ambiguous_group group=\(EventLine.quote(name)) detail=\(EventLine.quote(error!.description))")
        }
        return out
    }

    /// What policy selection sees: the groups, unknown group names, the DC's domain (the configured `domain`
    /// wins over the directory's; the UPN suffix is never used) and host name.
    public func selectionFacts(config: Configuration, domain: String? = nil, server: String?) -> SelectionFacts {
        SelectionFacts(identity: identity, groups: groups, unknownGroups: Set(unknownGroups.map { $0.lowercased() }),
                       domain: domain ?? config.domain ?? directoryDomain, server: config.server ?? server)
    }

    public init(identity: Identity, groups: Set<String>?, lookedUp: Bool, error: DirectoryError?, newAccount: Bool, lookupMilliseconds: Double?) {
        self.identity = identity
        self.groups = groups
        self.lookedUp = lookedUp
        self.error = error
        self.newAccount = newAccount
        self.lookupMilliseconds = lookupMilliseconds
    }

    /// For events: nil when no lookup ran, else `ok`, `new-account` or `unresolved:CAUSE`.
    public var status: String? {
        guard lookedUp else { return nil }
        if newAccount { return "new-account" }
        return error.map { "unresolved:" + $0.cause } ?? "ok"
    }

    /// Whether `config` needs the directory for anything (deciding, or history bookkeeping).
    public static func needsDirectory(_ config: Configuration) -> Bool {
        decisionNeedsDirectory(config) || HistoryRecorder.inUse(config)
    }

    /// Whether deciding needs the directory: filters, or rules on directory attributes (history included), or
    /// a `domains` filter when no `domain` is configured (the directory's naming context gives it).
    /// When only `[history] without_rule` bookkeeping wanted the lookup, a failed lookup does not block the change.
    public static func decisionNeedsDirectory(_ config: Configuration) -> Bool {
        config.policies.contains {
            ($0.name != config.defaultPolicy && ($0.filters.needsDirectory || (config.domain == nil && $0.filters.needsDomain)))
                || $0.rulesNeedDirectory
        }
    }

    /// Every group name the configuration's filters mention (resolved to SIDs in the same lookup).
    public static func groupNames(_ config: Configuration) -> [String] {
        var seen = Set<String>()
        return config.policies.flatMap { $0.filters.groups?.members ?? [] }.filter { seen.insert($0.lowercased()).inserted }
    }

    /// Resolves `identity`. `force` looks up even when no policy needs it (explain --directory).
    public static func resolve(_ identity: Identity, config: Configuration, settings: DirectorySettings? = nil, force: Bool = false) -> IdentityResolution {
        let settings = settings ?? config.directory
        guard force || needsDirectory(config) else {
            return IdentityResolution(identity: identity, groups: nil, lookedUp: false, error: nil, newAccount: false, lookupMilliseconds: nil)
        }
        guard settings.enabled || force else {
            return IdentityResolution(identity: identity, groups: nil, lookedUp: false, error: .disabled, newAccount: false, lookupMilliseconds: nil)
        }
        let history = HistoryRecorder.inUse(config)
        let extra = history ? HistoryRecorder.lookupAttributes(config.history) : []
        switch DirectoryLookup.lookup(account: identity.accountName, groupNames: groupNames(config), settings: settings, extraAttributes: extra) {
        case .success(let facts):
            var id = facts.applied(to: identity)
            if history {
                let values = (facts.extra[config.history.attribute.lowercased()] ?? []).map { String(decoding: $0, as: UTF8.self) }
                id.passwordHistory = HistorySnapshot(values: values, readAt: Int64(time(nil)))
            }
            var r = IdentityResolution(identity: id, groups: facts.selectionGroups, lookedUp: true,
                                       error: nil, newAccount: false, lookupMilliseconds: facts.timings.total)
            r.passwordVersion = facts.passwordVersion
            r.pwdLastSet = facts.pwdLastSet
            r.unknownGroups = facts.unknownGroups
            r.directoryDomain = facts.domainName
            return r
        case .failure(.noSuchUser(_, let namingContext)):
            // `samba-tool user create` runs the script before the account exists: a new account is in no
            // group yet (beyond its primary group) and has no container we can know, and no history.
            var id = identity
            if history { id.passwordHistory = HistorySnapshot(values: [], readAt: Int64(time(nil))) }
            var r = IdentityResolution(identity: id, groups: [], lookedUp: true, error: nil, newAccount: true, lookupMilliseconds: nil)
            r.directoryDomain = namingContext.flatMap(DistinguishedName.domainName)
            return r
        case .failure(let e):
            return IdentityResolution(identity: identity, groups: nil, lookedUp: true, error: e, newAccount: false, lookupMilliseconds: nil)
        }
    }

    /// After a failed lookup: proceed (a policy says to block when groups are unresolved) or fall back to on_error.
    public static func proceedsWithoutDirectory(_ config: Configuration) -> Bool {
        config.policies.contains { $0.filters.blockIfGroupsUnresolved }
    }
}
