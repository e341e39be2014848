import PwguardConfig
import PwguardCore
import PwguardDirectory

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

    /// Whether `config` needs the directory for anything.
    public static func needsDirectory(_ config: Configuration) -> Bool {
        config.policies.contains { ($0.name != config.defaultPolicy && $0.filters.needsDirectory) || $0.rulesNeedDirectory }
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
        switch DirectoryLookup.lookup(account: identity.accountName, groupNames: groupNames(config), settings: settings) {
        case .success(let facts):
            return IdentityResolution(identity: facts.applied(to: identity), groups: facts.selectionGroups, lookedUp: true,
                                      error: nil, newAccount: false, lookupMilliseconds: facts.timings.total)
        case .failure(.noSuchUser):
            // `samba-tool user create` runs the script before the account exists: a new account is in no
            // group yet (beyond its primary group) and has no container we can know.
            return IdentityResolution(identity: identity, groups: [], lookedUp: true, error: nil, newAccount: true, lookupMilliseconds: nil)
        case .failure(let e):
            return IdentityResolution(identity: identity, groups: nil, lookedUp: true, error: e, newAccount: false, lookupMilliseconds: nil)
        }
    }

    /// After a failed lookup: proceed (a policy says to block when groups are unresolved) or fall back to on_error.
    public static func proceedsWithoutDirectory(_ config: Configuration) -> Bool {
        config.policies.contains { $0.filters.blockIfGroupsUnresolved }
    }
}
