/// Who is changing their password: what Samba passes in the environment, plus what a directory lookup adds.
public struct Identity: Sendable, Equatable {
    /// sAMAccountName (`SAMBA_CPS_ACCOUNT_NAME`, always set by Samba).
    public var accountName: String
    /// userPrincipalName (`SAMBA_CPS_USER_PRINCIPAL_NAME`), only when the account has one.
    public var userPrincipalName: String?
    /// displayName (`SAMBA_CPS_FULL_NAME`), only when set.
    public var displayName: String?
    /// givenName, from the directory (or `explain --given-name`).
    public var givenName: String?
    /// sn, from the directory (or `explain --surname`).
    public var surname: String?
    /// DNS domain name (e.g. `lab.example`), from the UPN suffix, the directory or the configuration. Rules
    /// may use it (the entra rule's tenant name); `domains` filters never do (`SelectionFacts.domain`).
    public var domainName: String?
    /// The user's DN, when a directory lookup found it.
    public var distinguishedName: String?
    /// SIDs of every group the user is in, transitively (tokenGroups), when looked up.
    public var groupSIDs: [String]?
    /// The user's password history records, read from the directory before the change (nil: not read).
    public var passwordHistory: HistorySnapshot?

    public init(
        accountName: String, userPrincipalName: String? = nil, displayName: String? = nil, givenName: String? = nil,
        surname: String? = nil, domainName: String? = nil, distinguishedName: String? = nil, groupSIDs: [String]? = nil
    ) {
        self.accountName = accountName
        self.userPrincipalName = userPrincipalName
        self.displayName = displayName
        self.givenName = givenName
        self.surname = surname
        self.domainName = domainName ?? userPrincipalName.flatMap { upn in
            upn.lastIndex(of: "@").map { String(upn[upn.index(after: $0)...]) }
        }
        self.distinguishedName = distinguishedName
        self.groupSIDs = groupSIDs
    }

    /// The UPN without its `@domain` suffix.
    public var upnPrefix: String? {
        guard let upn = userPrincipalName else { return nil }
        if let at = upn.lastIndex(of: "@") { return String(upn[..<at]) }
        return upn
    }
}

/// The password being checked, decoded once, with the identity it belongs to.
public struct Candidate: Sendable {
    public let password: String
    /// The password's Unicode scalars (code points): what length rules count.
    public let scalars: [Unicode.Scalar]
    public let identity: Identity

    public init(_ password: String, identity: Identity) {
        self.password = password
        self.scalars = Array(password.unicodeScalars)
        self.identity = identity
    }

    /// Length in Unicode code points (NIST SP 800-63B counts each code point as one character).
    public var length: Int { scalars.count }
}
