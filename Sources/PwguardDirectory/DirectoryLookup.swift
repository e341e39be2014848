// The directory lookup: who the user is in AD (DN, names, SID, transitive groups) and what the configured
// group names resolve to, in one call. The LDAP work runs in C (Sources/CLDAP) over libldap, which is
// loaded with dlopen on the first lookup only: a check that needs no directory never pays for it.
// No C pointer leaves this file; the public API is Swift values only.

#if canImport(Glibc)
import Glibc
#endif
import CLDAP
import PwguardConfig
import PwguardCore

/// What the directory says about the user. Read from the directory as it was before the change (the
/// script runs inside Samba's transaction).
public struct DirectoryFacts: Sendable, Equatable {
    /// The user's DN.
    public var distinguishedName: String
    /// sAMAccountName as stored (its case may differ from what Samba passed).
    public var accountName: String
    public var userPrincipalName: String?
    public var givenName: String?
    /// `sn`.
    public var surname: String?
    public var displayName: String?
    /// objectSid in string form (`S-1-5-21-…`).
    public var objectSID: String
    /// pwdLastSet (100 ns intervals since 1601-01-01 UTC; 0 = must change at next logon); nil if absent.
    public var pwdLastSet: Int64?
    /// Every group the user is in, transitively, as SIDs: `tokenGroups` (includes the primary group and
    /// BUILTIN groups such as S-1-5-32-545), in the directory's order.
    public var groupSIDs: [String]
    /// Each configured group name (as asked) with the SIDs it resolved to and whether the user is in it.
    public var groups: [GroupResolution]
    /// The domain's naming context (rootDSE defaultNamingContext), e.g. `DC=lab,DC=example`.
    public var namingContext: String
    /// How long each step took.
    public var timings: DirectoryTimings
    /// The values of the extra user attributes asked for (`lookup(extraAttributes:)`), by lower-cased name.
    public var extra: [String: [[UInt8]]] = [:]

    /// The version of the user's `unicodePwd` in its replication metadata (`replPropertyMetaData`, when asked
    /// for): it grows by one with every password set, whatever pwdLastSet does (a reset with "must change at
    /// next logon" sets pwdLastSet to 0 again and again).
    public var passwordVersion: UInt32? {
        extra["replpropertymetadata"]?.first.flatMap(ReplicationMetadata.passwordVersion)
    }

    /// The DNS domain of the naming context (`lab.example`).
    public var domainName: String? { DistinguishedName.domainName(namingContext) }
    /// The DN of the user's container (OU).
    public var containerDN: String { DistinguishedName.parent(distinguishedName) }
    /// The user's container in canonical form (`lab.example/Staff/Sales`).
    public var ouPath: String { DistinguishedName.ouPath(distinguishedName) }

    /// The configured group names (as given) the user is a member of, transitively.
    public var memberOfConfiguredGroups: [String] { groups.filter(\.isMember).map(\.name) }

    /// The configured group names (as given) that name no group in the directory (SIDs are taken as given).
    public var unknownGroups: [String] { groups.filter { $0.sids.isEmpty }.map(\.name) }

    /// What policy selection matches `groups = [...]` against (`SelectionFacts.groups`): every group SID
    /// and every configured group name the user is in, lower-cased.
    public var selectionGroups: Set<String> {
        Set(groupSIDs.map { $0.lowercased() } + memberOfConfiguredGroups.map { $0.lowercased() })
    }

    /// `identity` completed with what the directory knows: DN, group SIDs, given name and surname, and the
    /// UPN, display name and domain when Samba or the configuration gave none.
    public func applied(to identity: Identity) -> Identity {
        var id = identity
        id.distinguishedName = distinguishedName
        id.groupSIDs = groupSIDs
        id.givenName = id.givenName ?? givenName
        id.surname = id.surname ?? surname
        id.userPrincipalName = id.userPrincipalName ?? userPrincipalName
        id.displayName = id.displayName ?? displayName
        id.domainName = id.domainName ?? domainName
        return id
    }

    public init(
        distinguishedName: String, accountName: String, userPrincipalName: String? = nil, givenName: String? = nil,
        surname: String? = nil, displayName: String? = nil, objectSID: String, pwdLastSet: Int64? = nil,
        groupSIDs: [String] = [], groups: [GroupResolution] = [], namingContext: String,
        timings: DirectoryTimings = DirectoryTimings()
    ) {
        self.distinguishedName = distinguishedName
        self.accountName = accountName
        self.userPrincipalName = userPrincipalName
        self.givenName = givenName
        self.surname = surname
        self.displayName = displayName
        self.objectSID = objectSID
        self.pwdLastSet = pwdLastSet
        self.groupSIDs = groupSIDs
        self.groups = groups
        self.namingContext = namingContext
        self.timings = timings
    }
}

/// One account as `pwguard audit` reads it. The NT hash is a secret: never print it unless asked.
public struct AccountHash: Sendable, Equatable {
    public var accountName: String
    public var distinguishedName: String
    /// The 16-byte NT hash (MD4 of the UTF-16LE password); nil when the directory returned none.
    public var ntHash: [UInt8]?
    public var disabled: Bool

    public init(accountName: String, distinguishedName: String, ntHash: [UInt8]?, disabled: Bool) {
        self.accountName = accountName
        self.distinguishedName = distinguishedName
        self.ntHash = ntHash
        self.disabled = disabled
    }
}

/// One configured group name and what it resolved to.
public struct GroupResolution: Sendable, Equatable {
    /// The name, SID or DN as configured.
    public var name: String
    /// The SID of the group whose sAMAccountName equals the name (case-insensitively; never `cn`, which is
    /// unique only within one container) or whose DN equals the DN (compared as parsed RDNs); the SID itself
    /// when the name is a SID; empty when no such group exists. A lookup that finds more than one group for a
    /// name fails (`DirectoryError.ambiguousGroup`), so a successful lookup holds at most one.
    public var sids: [String]
    /// Whether one of those SIDs is among the user's tokenGroups.
    public var isMember: Bool

    public init(name: String, sids: [String], isMember: Bool) {
        self.name = name
        self.sids = sids
        self.isMember = isMember
    }
}

/// Wall time of each step of a lookup, in milliseconds (nil: the step did not run).
public struct DirectoryTimings: Sendable, Equatable {
    /// dlopen of libldap and its initialisation (0 once loaded in this process).
    public var load: Double?
    /// ldap_initialize, StartTLS and bind (the connection itself is made by the first operation).
    public var connect: Double?
    /// Connect (without StartTLS/bind) plus reading the rootDSE.
    public var rootDSE: Double?
    public var user: Double?
    public var tokenGroups: Double?
    public var groups: Double?
    /// The whole lookup, from the call to the answer.
    public var total: Double

    public init(load: Double? = nil, connect: Double? = nil, rootDSE: Double? = nil, user: Double? = nil,
                tokenGroups: Double? = nil, groups: Double? = nil, total: Double = 0) {
        self.load = load
        self.connect = connect
        self.rootDSE = rootDSE
        self.user = user
        self.tokenGroups = tokenGroups
        self.groups = groups
        self.total = total
    }
}

/// Why a lookup gave no facts. `description` is one line for the event log and `explain`.
public enum DirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `[directory] enabled = false`.
    case disabled
    /// The settings cannot work (URI, bind settings, password file).
    case configuration(String)
    /// A feature this version does not have.
    case unsupported(String)
    /// libldap is not installed (or lacks a function).
    case libraryUnavailable(String)
    /// No connection: no socket, nobody listening, host unreachable, permission denied.
    case cannotConnect(uri: String, detail: String)
    /// The directory did not answer within `timeout_ms`.
    case timeout(milliseconds: Int, step: String)
    /// StartTLS or the TLS handshake failed.
    case tls(String)
    /// The bind was refused.
    case bindFailed(String)
    /// No account with that sAMAccountName (a `user create` runs the script first); the domain's naming
    /// context when the rootDSE was read.
    case noSuchUser(String, namingContext: String? = nil)
    /// More than one entry matched the account name.
    case ambiguousUser(String)
    /// A configured group name (or DN) names more than one group: which one the policy means is unknown.
    case ambiguousGroup(name: String, dns: [String])
    /// A search failed (rootDSE, user, tokenGroups, groups).
    case searchFailed(String)

    public var description: String {
        switch self {
        case .disabled: return "directory lookups are disabled ([directory] enabled = false)"
        case .configuration(let s): return "directory configuration: \(s)"
        case .unsupported(let s): return s
        case .libraryUnavailable(let s): return s
        case .cannotConnect(let uri, let detail): return "cannot connect to the directory at \(uri): \(detail)"
        case .timeout(let ms, let step):
            return "directory did not answer within \(ms) ms (\(step)) — is samba running with -M single? "
                + "pwguard needs the prefork or standard process model"
        case .tls(let s): return s
        case .bindFailed(let s): return s
        case .noSuchUser(let account, _): return "no such user: \(account)"
        case .ambiguousUser(let s): return s
        case .ambiguousGroup(let name, let dns):
            return "the configured group \"\(name)\" names \(dns.count) groups in the directory (\(dns.joined(separator: "; "))): "
                + "refusing to guess which one the policy means (give its SID or DN)"
        case .searchFailed(let s): return s
        }
    }

    /// A short token for `cause=` in events: disabled, config, unsupported, library, connect, timeout, tls,
    /// bind, no_such_user, ambiguous_user, ambiguous_group, search.
    public var cause: String {
        switch self {
        case .disabled: return "disabled"
        case .configuration: return "config"
        case .unsupported: return "unsupported"
        case .libraryUnavailable: return "library"
        case .cannotConnect: return "connect"
        case .timeout: return "timeout"
        case .tls: return "tls"
        case .bindFailed: return "bind"
        case .noSuchUser: return "no_such_user"
        case .ambiguousUser: return "ambiguous_user"
        case .ambiguousGroup: return "ambiguous_group"
        case .searchFailed: return "search"
        }
    }
}

/// Where and how a lookup connects, derived from `[directory]` (see `DirectoryLookup.endpoint`).
public struct DirectoryEndpoint: Sendable, Equatable {
    public enum Authentication: Sendable, Equatable {
        /// No bind: the privileged ldapi socket acts as the system.
        case anonymous
        /// Simple bind; the password is read from the file at each lookup.
        case simple(bindDN: String, passwordFile: String)
        /// SASL GSSAPI with the Kerberos credentials cache in the environment (KRB5CCNAME).
        case gssapi
    }

    public var uri: String
    public var authentication: Authentication
    /// StartTLS before the bind (`ldap://` with a simple bind).
    public var startTLS: Bool
    /// The socket file of an `ldapi://` URI.
    public var socketPath: String?

    public init(uri: String, authentication: Authentication, startTLS: Bool, socketPath: String?) {
        self.uri = uri
        self.authentication = authentication
        self.startTLS = startTLS
        self.socketPath = socketPath
    }
}

public enum DirectoryLookup {
    /// Looks the user up and resolves the configured group names: rootDSE, the user (by sAMAccountName),
    /// tokenGroups, and one search for every name of `groupNames` that is not already a SID. Never writes.
    /// Returns within `settings.timeoutMilliseconds` (plus the first call's libldap load, ~2 ms).
    ///
    /// `groupNames` may be names (sAMAccountName, any case; a `DOMAIN\` prefix is ignored), SIDs or DNs; a name
    /// or DN that matches more than one group fails the lookup (`.ambiguousGroup`).
    /// The caller should ignore SIGPIPE (pwguard check does), as a server that hangs up mid-write raises it.
    public static func lookup(account: String, groupNames: [String] = [], settings: DirectorySettings,
                              extraAttributes: [String] = [], tokenGroups: Bool = true)
        -> Result<DirectoryFacts, DirectoryError>
    {
        let started = monotonicMilliseconds()
        if account.isEmpty { return .failure(.configuration("no account name to look up")) }
        let endpoint: DirectoryEndpoint, bindDN: String?, auth: Int32
        var password: [UInt8] = []
        defer { wipe(&password) }
        switch credentials(settings) {
        case .success(let c): (endpoint, bindDN, auth, password) = c
        case .failure(let e): return .failure(e)
        }
        let timeout = max(1, settings.timeoutMilliseconds)
        let collector = Collector()
        var status = pwg_dir_status()
        let userFilter = LDAPFilter.user(account: account)
        let nameQueries = groupNames.filter { !SID.looksLikeSID($0) }
        let groupFilter = LDAPFilter.groups(names: nameQueries)

        let extras = extraAttributes.map { strdup($0) } + [nil]
        defer { extras.forEach { free($0) } }
        let code: Int32 = endpoint.uri.withCString { uri in
            userFilter.withCString { uf in
                withOptionalCString(groupFilter) { gf in
                    withOptionalCString(bindDN) { dn in
                        password.withUnsafeBufferPointer { pw in
                            extras.map { UnsafePointer($0) }.withUnsafeBufferPointer { ex in
                                var req = request(uri, auth, endpoint.startTLS, dn, pw, timeout)
                                req.user_filter = uf
                                req.group_filter = gf
                                req.token_groups = tokenGroups ? 1 : 0
                                req.extra_user_attrs = ex.baseAddress
                                let ctx = Unmanaged.passUnretained(collector).toOpaque()
                                return pwg_dir_lookup(&req, collectorSink, ctx, &status)
                            }
                        }
                    }
                }
            }
        }
        var timings = Self.timings(status)
        timings.total = monotonicMilliseconds() - started
        let message = withUnsafeBytes(of: status.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if code == Int32(PWG_DIR_NO_SUCH_USER) {
            return .failure(.noSuchUser(account, namingContext: collector.entries(Int32(PWG_STEP_ROOTDSE)).first?.text("defaultNamingContext")))
        }
        if code != Int32(PWG_DIR_OK) {
            return .failure(error(code: code, ldapResult: status.ldap_result, step: status.step, message: message,
                                  endpoint: endpoint, account: account, timeout: timeout))
        }
        return facts(collector, account: account, groupNames: groupNames, timings: timings).map { f in
            var f = f
            let user = collector.entries(Int32(PWG_STEP_USER)).first
            for a in extraAttributes { f.extra[a.lowercased()] = user?.values[a.lowercased()] ?? [] }
            return f
        }
    }

    /// Every enabled user account with its NT hash (`unicodePwd`), for `pwguard audit`. Only the privileged
    /// ldapi socket, as root, returns NT hashes; elsewhere accounts come back without one.
    public static func listAccounts(settings: DirectorySettings, timeoutMilliseconds: Int) -> Result<[AccountHash], DirectoryError> {
        let endpoint: DirectoryEndpoint, bindDN: String?, auth: Int32
        var password: [UInt8] = []
        defer { wipe(&password) }
        switch credentials(settings) {
        case .success(let c): (endpoint, bindDN, auth, password) = c
        case .failure(let e): return .failure(e)
        }
        let timeout = max(1, timeoutMilliseconds)
        let collector = Collector()
        var status = pwg_dir_status()
        let code: Int32 = endpoint.uri.withCString { uri in
            LDAPFilter.enabledUsers.withCString { uf in
                withOptionalCString(bindDN) { dn in
                    password.withUnsafeBufferPointer { pw in
                        var req = request(uri, auth, endpoint.startTLS, dn, pw, timeout)
                        (req.user_filter, req.list_users) = (uf, 1)
                        return pwg_dir_lookup(&req, collectorSink, Unmanaged.passUnretained(collector).toOpaque(), &status)
                    }
                }
            }
        }
        if code != Int32(PWG_DIR_OK) {
            let message = withUnsafeBytes(of: status.message) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            return .failure(error(code: code, ldapResult: status.ldap_result, step: status.step, message: message,
                                  endpoint: endpoint, account: "(all enabled users)", timeout: timeout))
        }
        return .success(collector.entries(Int32(PWG_STEP_USER)).map { e in
            let uac = e.text("userAccountControl").flatMap { Int64($0) } ?? 0
            return AccountHash(accountName: e.text("sAMAccountName") ?? e.dn, distinguishedName: e.dn,
                               ntHash: e.values["unicodepwd"]?.first, disabled: uac & 2 != 0)
        })
    }

    /// The one write pwguard makes (the history record child and `pwguard history clear`; never from inside
    /// the check): in one modify of `dn`, delete exactly `delete` and add `add` (values of `attribute`).
    /// `.conflict` when a value to delete is gone or a value to add is already there: re-read and retry.
    public static func modify(dn: String, attribute: String, delete: [[UInt8]], add: [[UInt8]],
                              settings: DirectorySettings) -> Result<Void, ModifyError>
    {
        let endpoint: DirectoryEndpoint, bindDN: String?, auth: Int32
        var password: [UInt8] = []
        defer { wipe(&password) }
        switch credentials(settings) {
        case .success(let c): (endpoint, bindDN, auth, password) = c
        case .failure(let e): return .failure(.directory(e))
        }
        let timeout = max(1000, settings.timeoutMilliseconds)
        var status = pwg_dir_status()
        // Copies that live until the call returns; pwg_dir_value points into them.
        let delCopies = delete.map { v -> UnsafeMutableBufferPointer<UInt8> in
            let b = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, v.count)); _ = b.initialize(from: v); return b
        }
        let addCopies = add.map { v -> UnsafeMutableBufferPointer<UInt8> in
            let b = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, v.count)); _ = b.initialize(from: v); return b
        }
        defer { (delCopies + addCopies).forEach { $0.deallocate() } }
        let dels = zip(delCopies, delete).map { pwg_dir_value(data: UnsafePointer($0.0.baseAddress), len: $0.1.count) }
        let adds = zip(addCopies, add).map { pwg_dir_value(data: UnsafePointer($0.0.baseAddress), len: $0.1.count) }
        let code: Int32 = endpoint.uri.withCString { uri in
            withOptionalCString(bindDN) { bdn in
                password.withUnsafeBufferPointer { pw in
                    dn.withCString { target in
                        attribute.withCString { attr in
                            dels.withUnsafeBufferPointer { d in
                                adds.withUnsafeBufferPointer { a in
                                    var req = request(uri, auth, endpoint.startTLS, bdn, pw, timeout)
                                    return pwg_dir_modify(&req, target, attr, d.baseAddress, d.count, a.baseAddress, a.count, &status)
                                }
                            }
                        }
                    }
                }
            }
        }
        if code == Int32(PWG_DIR_OK) { return .success(()) }
        let message = withUnsafeBytes(of: status.message) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
        // LDAP_NO_SUCH_ATTRIBUTE (16), LDAP_TYPE_OR_VALUE_EXISTS (20): somebody else changed the values first.
        if code == Int32(PWG_DIR_SEARCH), status.ldap_result == 16 || status.ldap_result == 20 {
            return .failure(.conflict(message))
        }
        return .failure(.directory(error(code: code, ldapResult: status.ldap_result, step: status.step, message: message,
                                         endpoint: endpoint, account: dn, timeout: timeout)))
    }

    /// A request with the connection fields set (the pointers must outlive its use).
    static func request(_ uri: UnsafePointer<CChar>, _ auth: Int32, _ startTLS: Bool, _ bindDN: UnsafePointer<CChar>?,
                        _ password: UnsafeBufferPointer<UInt8>, _ timeoutMilliseconds: Int) -> pwg_dir_request {
        var req = pwg_dir_request()
        (req.uri, req.auth, req.start_tls, req.bind_dn) = (uri, auth, startTLS ? 1 : 0, bindDN)
        (req.password, req.password_len, req.timeout_ms) = (password.baseAddress, password.count, Int32(clamping: timeoutMilliseconds))
        return req
    }

    /// The endpoint, bind DN, PWG_AUTH_* and bind password (the caller wipes it) for `settings`.
    static func credentials(_ settings: DirectorySettings) -> Result<(DirectoryEndpoint, String?, Int32, [UInt8]), DirectoryError> {
        let endpoint: DirectoryEndpoint
        switch self.endpoint(for: settings) {
        case .success(let e): endpoint = e
        case .failure(let e): return .failure(e)
        }
        if let path = endpoint.socketPath, let problem = socketProblem(path) {
            return .failure(.cannotConnect(uri: endpoint.uri, detail: problem))
        }
        switch endpoint.authentication {
        case .anonymous: return .success((endpoint, nil, Int32(PWG_AUTH_NONE), []))
        case .simple(let dn, let file): return readPasswordFile(file).map { (endpoint, dn, Int32(PWG_AUTH_SIMPLE), $0) }
        case .gssapi: return .success((endpoint, nil, Int32(PWG_AUTH_GSSAPI), []))
        }
    }

    /// Where and how `settings` connect, or why they cannot: the privileged ldapi socket of the private
    /// directory (from `private_dir`, else smb.conf) by default; `ldaps://` and `ldap://` need `bind_dn`
    /// (over TLS: ldaps, or StartTLS on ldap) or `sasl = "gssapi"` (ldap:// only: GSSAPI seals the connection).
    public static func endpoint(for settings: DirectorySettings) -> Result<DirectoryEndpoint, DirectoryError> {
        guard settings.enabled else { return .failure(.disabled) }
        let uri = settings.uri ?? LDAPURL.ldapi(
            socketPath: SambaConfig.privilegedSocket(privateDir: settings.privateDir ?? SambaConfig.privateDir()))
        guard let scheme = LDAPURL.scheme(uri) else {
            return .failure(.configuration("uri must start with ldapi://, ldaps:// or ldap://, not \"\(uri)\""))
        }
        let socketPath = scheme == "ldapi" ? LDAPURL.socketPath(ofLDAPI: uri).flatMap { $0.isEmpty ? nil : $0 } : nil
        if settings.sasl != nil && settings.bindDN != nil {
            return .failure(.configuration("sasl cannot be combined with bind_dn: use either a simple bind or SASL"))
        }
        if let mech = settings.sasl {
            guard mech.lowercased() == "gssapi" else {
                return .failure(.unsupported("SASL mechanism \(mech) is not supported (only gssapi)"))
            }
            // Samba 4.17 refuses GSSAPI over TLS from OpenLDAP clients both ways: with a SASL security layer
            // ("Sign or Seal are not allowed if TLS is used") and without one ("Sign or Seal are required").
            // Over ldap:// the GSSAPI layer seals the connection, which satisfies "require strong auth".
            guard scheme == "ldap" else {
                return .failure(.configuration("sasl = \"gssapi\" needs an ldap:// uri with the DC's host name (its ldap/ service principal), "
                    + "not \(scheme)://: GSSAPI seals the connection itself, and Samba refuses GSSAPI over TLS"))
            }
            return .success(DirectoryEndpoint(uri: uri, authentication: .gssapi, startTLS: false, socketPath: nil))
        }
        if let dn = settings.bindDN {
            guard let file = settings.passwordFile else {
                return .failure(.configuration("bind_dn needs password_file (the file holding the bind password)"))
            }
            return .success(DirectoryEndpoint(uri: uri, authentication: .simple(bindDN: dn, passwordFile: file),
                                              startTLS: scheme == "ldap", socketPath: socketPath))
        }
        guard scheme == "ldapi" else {
            return .failure(.configuration(
                "\(uri) needs credentials: bind_dn + password_file (over ldaps://, or ldap:// with StartTLS) or sasl = \"gssapi\"; "
                    + "without them use the privileged ldapi socket (leave uri unset)"))
        }
        return .success(DirectoryEndpoint(uri: uri, authentication: .anonymous, startTLS: false, socketPath: socketPath))
    }

    /// Whether ldaps:// and StartTLS can work in this process: false in a fully static executable
    /// (`-static-executable`), where GnuTLS crashes once loaded; lookups then refuse TLS with `.unsupported`.
    /// The privileged ldapi socket and GSSAPI work in both kinds of build.
    public static var tlsAvailable: Bool { pwg_process_is_static() == 0 }

    /// The name searched for a configured group: without a `DOMAIN\` prefix.
    public static func groupQueryName(_ name: String) -> String {
        if let slash = name.lastIndex(of: "\\") { return String(name[name.index(after: slash)...]) }
        return name
    }

    /// Reads a bind password file: a regular file, not a symlink, owned by root or by this process's user,
    /// and readable by nobody else (no group or other permission bits). One trailing newline is stripped.
    public static func readPasswordFile(_ path: String) -> Result<[UInt8], DirectoryError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            return .failure(.configuration("cannot open password_file \(path): \(reason)"))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            return .failure(.configuration("password_file \(path) is not a regular file"))
        }
        guard st.st_uid == 0 || st.st_uid == geteuid() else {
            return .failure(.configuration("password_file \(path) must be owned by root (owner uid \(st.st_uid))"))
        }
        guard st.st_mode & 0o077 == 0 else {
            let mode = String(st.st_mode & 0o777, radix: 8)
            return .failure(.configuration("password_file \(path) is readable or writable by group or others (mode 0\(mode)): chmod 0600 it"))
        }
        guard st.st_size <= 4096 else { return .failure(.configuration("password_file \(path) is larger than 4 KiB")) }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size) + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            count += n
        }
        var password = Array(bytes[0..<count])
        wipe(&bytes)
        if password.last == UInt8(ascii: "\n") {
            password.removeLast()
            if password.last == UInt8(ascii: "\r") { password.removeLast() }
        }
        guard !password.isEmpty else {
            // An empty simple-bind password is an unauthenticated bind (RFC 4513 5.1.2): refuse it.
            return .failure(.configuration("password_file \(path) is empty"))
        }
        return .success(password)
    }

    // MARK: - internals

    /// Checks an ldapi socket before libldap tries it, for a precise reason.
    static func socketProblem(_ path: String) -> String? {
        var st = stat()
        if stat(path, &st) != 0 {
            let e = errno
            if e == ENOENT {
                return "no socket at \(path) — is samba running, and is private_dir (or smb.conf's private dir) right?"
            }
            if e == EACCES { return "permission denied on \(path) (the privileged socket is root's only)" }
            return "\(path): \(String(cString: strerror(e)))"
        }
        if (st.st_mode & S_IFMT) != S_IFSOCK { return "\(path) is not a socket" }
        return nil
    }

    static func timings(_ s: pwg_dir_status) -> DirectoryTimings {
        let us = withUnsafeBytes(of: s.step_us) { Array($0.bindMemory(to: Int64.self)) }
        func ms(_ i: Int32) -> Double? {
            let v = us[Int(i)]
            return v < 0 ? nil : Double(v) / 1000
        }
        return DirectoryTimings(load: ms(Int32(PWG_STEP_LOAD)), connect: ms(Int32(PWG_STEP_CONNECT)),
                                rootDSE: ms(Int32(PWG_STEP_ROOTDSE)), user: ms(Int32(PWG_STEP_USER)),
                                tokenGroups: ms(Int32(PWG_STEP_TOKEN_GROUPS)), groups: ms(Int32(PWG_STEP_GROUPS)),
                                total: Double(s.total_us) / 1000)
    }

    static func stepName(_ step: Int32) -> String {
        switch step {
        case Int32(PWG_STEP_LOAD): return "loading libldap"
        case Int32(PWG_STEP_CONNECT): return "connecting"
        case Int32(PWG_STEP_ROOTDSE): return "reading the rootDSE"
        case Int32(PWG_STEP_USER): return "searching for the user"
        case Int32(PWG_STEP_TOKEN_GROUPS): return "reading tokenGroups"
        case Int32(PWG_STEP_GROUPS): return "resolving group names"
        case Int32(PWG_STEP_MODIFY): return "modifying the entry"
        default: return "lookup"
        }
    }

    static func error(code: Int32, ldapResult: Int32, step: Int32, message: String, endpoint: DirectoryEndpoint,
                      account: String, timeout: Int) -> DirectoryError {
        switch code {
        case Int32(PWG_DIR_LOAD): return .libraryUnavailable(message)
        case Int32(PWG_DIR_CONFIG): return .configuration(message)
        case Int32(PWG_DIR_CONNECT):
            let prefix = "cannot connect to \(endpoint.uri): "
            let detail = message.hasPrefix(prefix) ? String(message.dropFirst(prefix.count)) : message
            return .cannotConnect(uri: endpoint.uri, detail: detail + (endpoint.socketPath != nil ? " (is samba running?)" : ""))
        case Int32(PWG_DIR_TIMEOUT): return .timeout(milliseconds: timeout, step: stepName(step))
        case Int32(PWG_DIR_TLS):
            return .tls("StartTLS on \(endpoint.uri) failed: \(message.hasPrefix("StartTLS: ") ? String(message.dropFirst(10)) : message); "
                + "pwguard does not fall back to a plain simple bind, which Samba refuses anyway (\"ldap server require strong auth\")")
        case Int32(PWG_DIR_BIND):
            if ldapResult == 8 /* LDAP_STRONG_AUTH_REQUIRED */, endpoint.authentication != .gssapi {
                return .bindFailed("\(message) — Samba refuses simple binds without TLS (\"ldap server require strong auth\" = yes): use ldaps:// or ldap:// with StartTLS")
            }
            if endpoint.authentication == .gssapi {
                return .bindFailed("\(message) — GSSAPI needs a valid ticket in the credentials cache (KRB5CCNAME) obtained before the change (a kinit inside the script deadlocks), the DC's host name in the uri, and the Cyrus SASL GSSAPI plugin (Debian: libsasl2-modules-gssapi-mit)")
            }
            return .bindFailed(message)
        case Int32(PWG_DIR_NO_SUCH_USER): return .noSuchUser(account)
        case Int32(PWG_DIR_AMBIGUOUS): return .ambiguousUser("\(message) for sAMAccountName \(account)")
        case Int32(PWG_DIR_NO_NAMING_CONTEXT): return .searchFailed(message)
        case Int32(PWG_DIR_UNSUPPORTED): return .unsupported(message)
        default: return .searchFailed(message)
        }
    }

    static func facts(_ c: Collector, account: String, groupNames: [String], timings: DirectoryTimings)
        -> Result<DirectoryFacts, DirectoryError>
    {
        guard let nc = c.entries(Int32(PWG_STEP_ROOTDSE)).first?.text("defaultNamingContext") else {
            return .failure(.searchFailed("the rootDSE has no defaultNamingContext"))
        }
        guard let user = c.entries(Int32(PWG_STEP_USER)).first else { return .failure(.noSuchUser(account, namingContext: nc)) }
        guard let sidBytes = user.values["objectsid"]?.first, let sid = SID.string(fromBinary: sidBytes) else {
            return .failure(.searchFailed("the user entry \(user.dn) has no valid objectSid"))
        }
        var tokenSIDs: [String] = []
        for v in c.entries(Int32(PWG_STEP_TOKEN_GROUPS)).first?.values["tokengroups"] ?? [] {
            guard let s = SID.string(fromBinary: v) else {
                return .failure(.searchFailed("tokenGroups of \(user.dn) holds a value that is not a SID"))
            }
            tokenSIDs.append(s)
        }
        let token = Set(tokenSIDs.map { $0.uppercased() })
        let groups: [GroupResolution]
        switch resolveGroups(c, names: groupNames, token: token) {
        case .success(let g): groups = g
        case .failure(let e): return .failure(e)
        }
        return .success(DirectoryFacts(
            distinguishedName: user.dn, accountName: user.text("sAMAccountName") ?? account,
            userPrincipalName: user.text("userPrincipalName"), givenName: user.text("givenName"),
            surname: user.text("sn"), displayName: user.text("displayName"), objectSID: sid,
            pwdLastSet: user.text("pwdLastSet").flatMap { Int64($0) }, groupSIDs: tokenSIDs, groups: groups,
            namingContext: nc, timings: timings))
    }

    /// Which group entry each configured name, SID or DN stands for: a name by sAMAccountName (without case;
    /// never cn), a DN by its parsed RDNs, a SID as given. A name matching two groups is an error.
    static func resolveGroups(_ c: Collector, names: [String], token: Set<String>) -> Result<[GroupResolution], DirectoryError> {
        let entries = c.entries(Int32(PWG_STEP_GROUPS)).compactMap { e -> (account: String?, dn: DN?, text: String, sid: String)? in
            guard let b = e.values["objectsid"]?.first, let s = SID.string(fromBinary: b) else { return nil }
            return (e.text("sAMAccountName")?.lowercased(), DN(e.dn), e.dn, s)
        }
        var out: [GroupResolution] = []
        for name in names {
            if SID.looksLikeSID(name) {
                let s = name.uppercased()
                out.append(GroupResolution(name: name, sids: [s], isMember: token.contains(s)))
                continue
            }
            let matches: [(account: String?, dn: DN?, text: String, sid: String)]
            if let dn = LDAPFilter.groupDN(name) {
                matches = entries.filter { $0.dn == dn }
            } else {
                let q = groupQueryName(name).lowercased()
                matches = entries.filter { $0.account == q }
            }
            var sids: [String] = []
            for m in matches where !sids.contains(m.sid) { sids.append(m.sid) }
            if sids.count > 1 { return .failure(.ambiguousGroup(name: name, dns: matches.map(\.text))) }
            out.append(GroupResolution(name: name, sids: sids, isMember: sids.contains { token.contains($0.uppercased()) }))
        }
        return .success(out)
    }

    /// Resolves group names, SIDs and DNs without looking a user up (`pwguard config check` on a DC): each
    /// with its SID (`isMember` is false), or why not; `.ambiguousGroup` when a name names two groups.
    public static func resolveGroups(_ names: [String], settings: DirectorySettings) -> Result<[GroupResolution], DirectoryError> {
        let endpoint: DirectoryEndpoint, bindDN: String?, auth: Int32
        var password: [UInt8] = []
        defer { wipe(&password) }
        switch credentials(settings) {
        case .success(let cr): (endpoint, bindDN, auth, password) = cr
        case .failure(let e): return .failure(e)
        }
        guard let groupFilter = LDAPFilter.groups(names: names.filter { !SID.looksLikeSID($0) }) else {
            return .success(names.map { GroupResolution(name: $0, sids: [$0.uppercased()], isMember: false) })
        }
        let timeout = max(1, settings.timeoutMilliseconds)
        let collector = Collector()
        var status = pwg_dir_status()
        let code: Int32 = endpoint.uri.withCString { uri in
            groupFilter.withCString { gf in
                withOptionalCString(bindDN) { dn in
                    password.withUnsafeBufferPointer { pw in
                        var req = request(uri, auth, endpoint.startTLS, dn, pw, timeout)
                        req.group_filter = gf
                        return pwg_dir_lookup(&req, collectorSink, Unmanaged.passUnretained(collector).toOpaque(), &status)
                    }
                }
            }
        }
        if code != Int32(PWG_DIR_OK) {
            let message = withUnsafeBytes(of: status.message) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            return .failure(error(code: code, ldapResult: status.ldap_result, step: status.step, message: message,
                                  endpoint: endpoint, account: "(groups only)", timeout: timeout))
        }
        return resolveGroups(collector, names: names, token: [])
    }

    static func monotonicMilliseconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
    }

    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { explicit_bzero(base, raw.count) }
        }
    }
}

/// Why a modify failed.
public enum ModifyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The values changed under us (a concurrent writer): re-read and retry.
    case conflict(String)
    case directory(DirectoryError)

    public var description: String {
        switch self {
        case .conflict(let s): return "the values changed meanwhile (\(s))"
        case .directory(let e): return e.description
        }
    }
}

/// `replPropertyMetaData`: the NDR blob `replPropertyMetaDataBlob` version 1 (MS-DRSR 5.160): a 16-byte header
/// (version, reserved, count, reserved) and `count` records of 48 bytes (attid, version, change time,
/// invocation id, originating USN, local USN), little-endian.
public enum ReplicationMetadata {
    /// ATTRTYP of unicodePwd.
    public static let unicodePwd: UInt32 = 0x0009_005A

    public static func passwordVersion(_ blob: [UInt8]) -> UInt32? { version(of: unicodePwd, in: blob) }

    public static func version(of attid: UInt32, in blob: [UInt8]) -> UInt32? {
        func u32(_ at: Int) -> UInt32 {
            UInt32(blob[at]) | UInt32(blob[at + 1]) << 8 | UInt32(blob[at + 2]) << 16 | UInt32(blob[at + 3]) << 24
        }
        guard blob.count >= 16, u32(0) == 1 else { return nil }
        let count = Int(u32(8))
        guard count >= 0, count <= (blob.count - 16) / 48 else { return nil }
        for i in 0..<count where u32(16 + 48 * i) == attid { return u32(16 + 48 * i + 4) }
        return nil
    }
}

/// Entries handed over by the C lookup, per step.
final class Collector {
    struct Entry {
        var dn: String
        /// Attribute name, lower-cased → values.
        var values: [String: [[UInt8]]] = [:]
        func text(_ attr: String) -> String? {
            values[attr.lowercased()]?.first.map { String(decoding: $0, as: UTF8.self) }
        }
    }
    private var list: [(step: Int32, entry: Entry)] = []

    func add(step: Int32, attr: String?, value: UnsafeBufferPointer<UInt8>) {
        if let attr {
            guard let last = list.indices.last, list[last].step == step else { return }
            list[last].entry.values[attr.lowercased(), default: []].append(Array(value))
        } else {
            list.append((step, Entry(dn: String(decoding: value, as: UTF8.self))))
        }
    }

    func entries(_ step: Int32) -> [Entry] { list.filter { $0.step == step }.map(\.entry) }
}

private func collectorSink(_ ctx: UnsafeMutableRawPointer?, _ step: Int32, _ attr: UnsafePointer<CChar>?,
                           _ value: UnsafePointer<UInt8>?, _ len: Int) {
    guard let ctx else { return }
    let c = Unmanaged<Collector>.fromOpaque(ctx).takeUnretainedValue()
    c.add(step: step, attr: attr.map { String(cString: $0) }, value: UnsafeBufferPointer(start: value, count: value == nil ? 0 : len))
}

private func withOptionalCString<R>(_ s: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let s else { return body(nil) }
    return s.withCString { body($0) }
}
