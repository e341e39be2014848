#if canImport(Glibc)
import Glibc
#endif
import PwguardConfig
import PwguardCore
import Testing
@testable import PwguardDirectory
import CLDAP

@Suite struct SIDTests {
    @Test func domainUserSID() {
        // S-1-5-21-1004336348-1177238915-682003330-512 (Domain Admins of a sample domain)
        let b: [UInt8] = [1, 5, 0, 0, 0, 0, 0, 5,
                          21, 0, 0, 0,
                          0xDC, 0xF4, 0xDC, 0x3B,
                          0x83, 0x3D, 0x2B, 0x46,
                          0x82, 0x8B, 0xA6, 0x28,
                          0x00, 0x02, 0x00, 0x00]
        #expect(SID.string(fromBinary: b) == "S-1-5-21-1004336348-1177238915-682003330-512")
    }

    @Test func builtinAndWellKnown() {
        #expect(SID.string(fromBinary: [1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x21, 0x02, 0, 0]) == "S-1-5-32-545")
        #expect(SID.string(fromBinary: [1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]) == "S-1-1-0")   // Everyone
        #expect(SID.string(fromBinary: [1, 0, 0, 0, 0, 0, 0, 0]) == "S-1-0")                // no sub-authority
        #expect(SID.string(fromBinary: [1, 1, 0, 0, 0, 0, 0, 5, 0xFF, 0xFF, 0xFF, 0xFF]) == "S-1-5-4294967295")
    }

    @Test func largeAuthorityIsHex() {
        #expect(SID.string(fromBinary: [1, 1, 0x01, 0, 0, 0, 0, 0x05, 7, 0, 0, 0]) == "S-1-0x010000000005-7")
    }

    @Test func malformedIsNil() {
        #expect(SID.string(fromBinary: []) == nil)
        #expect(SID.string(fromBinary: [1, 1, 0, 0, 0, 0, 0, 5]) == nil)                 // count says 1, none there
        #expect(SID.string(fromBinary: [2, 0, 0, 0, 0, 0, 0, 5]) == nil)                 // revision 2
        #expect(SID.string(fromBinary: [1, 0, 0, 0, 0, 0, 0, 5, 1]) == nil)              // trailing byte
        #expect(SID.string(fromBinary: [1, 16] + [UInt8](repeating: 0, count: 6 + 64)) == nil)  // > 15
    }

    @Test func recognisesConfiguredSIDs() {
        #expect(SID.looksLikeSID("S-1-5-32-544"))
        #expect(SID.looksLikeSID("s-1-5-21-1-2-3-512"))
        #expect(!SID.looksLikeSID("Executives"))
        #expect(!SID.looksLikeSID("S-1-"))
        #expect(!SID.looksLikeSID("S-1-5-x"))
        #expect(!SID.looksLikeSID("S-2-5-32"))
    }
}

@Suite struct FilterTests {
    @Test func rfc4515Specials() {
        #expect(LDAPFilter.escape("a*b") == "a\\2ab")
        #expect(LDAPFilter.escape("(x)") == "\\28x\\29")
        #expect(LDAPFilter.escape("back\\slash") == "back\\5cslash")
        #expect(LDAPFilter.escape("nul\u{0}") == "nul\\00")
        #expect(LDAPFilter.escape("tab\there\u{7F}") == "tab\\09here\\7f")
    }

    @Test func ordinaryAndUnicodeUnchanged() {
        #expect(LDAPFilter.escape("maryjones") == "maryjones")
        #expect(LDAPFilter.escape("o'brien.j-x_y") == "o'brien.j-x_y")
        #expect(LDAPFilter.escape("Jürgen Ölmann") == "Jürgen Ölmann")
    }

    @Test func injectionStaysOneValue() {
        let f = LDAPFilter.user(account: "*)(objectClass=*")
        #expect(f == "(&(objectClass=user)(sAMAccountName=\\2a\\29\\28objectClass=\\2a))")
        #expect(f.filter { $0 == "(" }.count == f.filter { $0 == ")" }.count)
    }

    @Test func oneSearchForAllGroups() {
        #expect(LDAPFilter.groups(names: []) == nil)
        // sAMAccountName only: cn is unique only within one container (issue 12, finding 5).
        #expect(LDAPFilter.groups(names: ["Executives", "LAB\\Domain Admins", "executives", "a*"]) ==
            "(&(objectClass=group)(|(sAMAccountName=Executives)(sAMAccountName=Domain Admins)(sAMAccountName=a\\2a)))")
        // A DN: by distinguishedName, in canonical form (escapes kept, so it stays one value).
        #expect(LDAPFilter.groups(names: ["cn=Board\\, EMEA , OU=Groups,DC=lab"]) ==
            "(&(objectClass=group)(|(distinguishedName=cn=Board\\5c, EMEA,ou=Groups,dc=lab)))")
    }

}

@Suite struct LDAPIURLTests {
    @Test func encodesEveryReservedByte() {
        #expect(LDAPURL.ldapi(socketPath: "/var/lib/samba/private/ldap_priv/ldapi")
            == "ldapi://%2Fvar%2Flib%2Fsamba%2Fprivate%2Fldap_priv%2Fldapi")
        #expect(LDAPURL.ldapi(socketPath: "/tmp/a b:c%d") == "ldapi://%2Ftmp%2Fa%20b%3Ac%25d")
        #expect(LDAPURL.ldapi(socketPath: "/tmp/ü") == "ldapi://%2Ftmp%2F%C3%BC")
    }

    @Test func roundTrips() {
        for p in ["/var/tmp/pwguard-lab-dir/dc/private/ldap_priv/ldapi", "/tmp/a b:c%d/ü"] {
            #expect(LDAPURL.socketPath(ofLDAPI: LDAPURL.ldapi(socketPath: p)) == p)
        }
        #expect(LDAPURL.socketPath(ofLDAPI: "ldaps://dc1") == nil)
        #expect(LDAPURL.socketPath(ofLDAPI: "ldapi://") == "")
    }

    @Test func schemes() {
        #expect(LDAPURL.scheme("LDAPI://%2Fx") == "ldapi")
        #expect(LDAPURL.scheme("ldaps://dc1") == "ldaps")
        #expect(LDAPURL.scheme("ldap://dc1:389") == "ldap")
        #expect(LDAPURL.scheme("http://dc1") == nil)
    }
}

@Suite struct SmbConfTests {
    @Test func readsPrivateDirFromGlobal() {
        let conf = """
            # Global parameters
            [global]
            \tnetbios name = DC1
            \trealm = LAB.EXAMPLE
            \tPrivate Dir = /srv/samba/private
            \tserver role = active directory domain controller

            [sysvol]
            \tpath = /var/lib/samba/sysvol
            """
        #expect(SambaConfig.privateDir(smbConf: conf) == "/srv/samba/private")
    }

    @Test func nameRulesLikeSamba() {
        #expect(SambaConfig.privateDir(smbConf: "[GLOBAL]\nprivatedir=/a\n") == "/a")
        #expect(SambaConfig.privateDir(smbConf: "[global]\n  PRIVATE   DIR   =   /b  \n") == "/b")
        #expect(SambaConfig.privateDir(smbConf: "private dir = /before-any-section\n") == "/before-any-section")
        #expect(SambaConfig.privateDir(smbConf: "[global]\nprivate dir = /one\nprivate dir = /two\n") == "/two")
        #expect(SambaConfig.privateDir(smbConf: "[global]\r\nprivate dir = /crlf\r\n") == "/crlf")
        #expect(SambaConfig.privateDir(smbConf: "[global]\nprivate \\\n dir = /continued\n") == "/continued")
    }

    @Test func ignoresCommentsOtherSectionsAndLookalikes() {
        #expect(SambaConfig.privateDir(smbConf: "[global]\n# private dir = /no\n; private dir = /no\n") == nil)
        #expect(SambaConfig.privateDir(smbConf: "[share]\nprivate dir = /no\n") == nil)
        #expect(SambaConfig.privateDir(smbConf: "[global]\nprivate dir path = /no\nbinddns dir = /no\n") == nil)
        #expect(SambaConfig.privateDir(smbConf: "") == nil)
    }

    @Test func fileAndDefault() throws {
        let dir = "/tmp/pwguard-dirtest-\(getpid())"
        mkdir(dir, 0o700)
        defer { unlink(dir + "/smb.conf"); rmdir(dir) }
        let path = dir + "/smb.conf"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let text = "[global]\n\tprivate dir = /opt/samba/priv\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
        close(fd)
        #expect(SambaConfig.privateDir(environment: ["SMB_CONF_PATH": path]) == "/opt/samba/priv")
        #expect(SambaConfig.privateDir(environment: ["SMB_CONF_PATH": dir + "/missing.conf"]) == SambaConfig.defaultPrivateDir)
        #expect(SambaConfig.privilegedSocket(privateDir: "/opt/samba/priv/") == "/opt/samba/priv/ldap_priv/ldapi")
    }
}

@Suite struct DNTests {
    @Test func ouPath() {
        #expect(DistinguishedName.ouPath("CN=Alice Smith,OU=Sales,OU=Staff,DC=lab,DC=example") == "lab.example/Staff/Sales")
        #expect(DistinguishedName.ouPath("CN=Alice Smith,CN=Users,DC=lab,DC=example") == "lab.example/Users")
        #expect(DistinguishedName.ouPath("cn=x, ou=A , dc=lab, dc=example") == "lab.example/A")
        #expect(DistinguishedName.canonicalPath("CN=Alice,OU=Sales,DC=lab,DC=example") == "lab.example/Sales/Alice")
    }

    @Test func escapedCommasAndHex() {
        let dn = "CN=Smith\\, John,OU=Sales\\2C EMEA,OU=R\\C3\\A9seau,DC=lab,DC=example"
        #expect(DistinguishedName.rdns(dn)?.count == 5)
        #expect(DistinguishedName.parent(dn) == "OU=Sales\\2C EMEA,OU=R\\C3\\A9seau,DC=lab,DC=example")
        #expect(DistinguishedName.ouPath(dn) == "lab.example/Réseau/Sales, EMEA")
        #expect(DistinguishedName.typeAndValue("CN=Smith\\, John")?.value == "Smith, John")
    }

    @Test func domainOfNamingContext() {
        #expect(DistinguishedName.domainName("DC=lab,DC=example") == "lab.example")
        #expect(DistinguishedName.domainName("CN=x,DC=corp,DC=example,DC=com") == "corp.example.com")
        #expect(DistinguishedName.domainName("O=none") == nil)
        #expect(DistinguishedName.rdns("") == nil)
        #expect(DistinguishedName.parent("DC=example") == "")
    }
}

@Suite struct EndpointTests {
    @Test func defaultIsPrivilegedSocketOfPrivateDir() throws {
        let e = try DirectoryLookup.endpoint(for: DirectorySettings(privateDir: "/srv/samba/private")).get()
        #expect(e.uri == "ldapi://%2Fsrv%2Fsamba%2Fprivate%2Fldap_priv%2Fldapi")
        #expect(e.authentication == .anonymous)
        #expect(e.socketPath == "/srv/samba/private/ldap_priv/ldapi")
        #expect(!e.startTLS)
    }

    @Test func networkNeedsCredentials() {
        if case .failure(.configuration(let m)) = DirectoryLookup.endpoint(for: DirectorySettings(uri: "ldaps://dc1.lab.example")) {
            #expect(m.contains("bind_dn"))
        } else {
            Issue.record("ldaps:// without credentials must be a configuration error")
        }
    }

    @Test func ldapSimpleBindUsesStartTLS() throws {
        let s = DirectorySettings(uri: "ldap://dc1.lab.example", bindDN: "CN=pwguard,CN=Users,DC=lab,DC=example",
                                  passwordFile: "/etc/pwguard/bind.pw")
        let e = try DirectoryLookup.endpoint(for: s).get()
        #expect(e.startTLS)
        #expect(e.authentication == .simple(bindDN: "CN=pwguard,CN=Users,DC=lab,DC=example", passwordFile: "/etc/pwguard/bind.pw"))
        let tls = try DirectoryLookup.endpoint(for: DirectorySettings(uri: "ldaps://dc1", bindDN: "CN=x", passwordFile: "/p")).get()
        #expect(!tls.startTLS)
    }

    @Test func gssapiAndDisabled() throws {
        #expect(try DirectoryLookup.endpoint(for: DirectorySettings(uri: "ldap://dc1.lab.example", sasl: "gssapi")).get().authentication == .gssapi)
        for uri in ["ldaps://dc1.lab.example", "ldapi://%2Fx"] {
            guard case .failure(.configuration(let m)) = DirectoryLookup.endpoint(for: DirectorySettings(uri: uri, sasl: "gssapi")) else {
                Issue.record("gssapi over \(uri) must be refused")
                continue
            }
            #expect(m.contains("needs an ldap:// uri"))
        }
        #expect(DirectoryLookup.endpoint(for: DirectorySettings(enabled: false)) == .failure(.disabled))
        #expect(DirectoryLookup.lookup(account: "x", settings: DirectorySettings(enabled: false)) == .failure(.disabled))
    }

    @Test func missingSocketIsImmediateConnectError() {
        let r = DirectoryLookup.lookup(account: "alice", settings: DirectorySettings(privateDir: "/nonexistent/pwguard-test"))
        guard case .failure(.cannotConnect(let uri, let detail)) = r else {
            Issue.record("expected cannotConnect, got \(r)")
            return
        }
        #expect(uri.hasPrefix("ldapi://%2Fnonexistent"))
        #expect(detail.contains("no socket at /nonexistent/pwguard-test/ldap_priv/ldapi"))
    }

    @Test func groupQueryNameDropsDomain() {
        #expect(DirectoryLookup.groupQueryName("LAB\\Executives") == "Executives")
        #expect(DirectoryLookup.groupQueryName("Executives") == "Executives")
    }
}

@Suite struct PasswordFileTests {
    func write(_ text: String, mode: mode_t) -> String {
        let path = "/tmp/pwguard-pwfile-\(getpid())-\(mode)-\(text.count)"
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        fchmod(fd, mode)
        close(fd)
        return path
    }

    @Test func privateFileIsRead() throws {
        let p = write("S3cret!\n", mode: 0o600)
        defer { unlink(p) }
        #expect(try DirectoryLookup.readPasswordFile(p).get() == Array("S3cret!".utf8))
    }

    @Test func groupOrWorldReadableIsRefused() {
        for mode: mode_t in [0o640, 0o604, 0o620] {
            let p = write("S3cret!", mode: mode)
            defer { unlink(p) }
            guard case .failure(.configuration(let m)) = DirectoryLookup.readPasswordFile(p) else {
                Issue.record("mode \(String(mode, radix: 8)) must be refused")
                continue
            }
            #expect(m.contains("group or others"))
        }
    }

    @Test func emptyMissingAndSymlinkAreRefused() {
        let p = write("\n", mode: 0o600)
        defer { unlink(p) }
        #expect(DirectoryLookup.readPasswordFile(p) == .failure(.configuration("password_file \(p) is empty")))
        if case .success = DirectoryLookup.readPasswordFile("/nonexistent/pw") { Issue.record("missing file accepted") }
        let link = p + ".link"
        symlink(p, link)
        defer { unlink(link) }
        if case .success = DirectoryLookup.readPasswordFile(link) { Issue.record("symlink accepted") }
    }
}

@Suite struct FactsTests {
    let facts = DirectoryFacts(
        distinguishedName: "CN=Alice Smith,OU=Sales,DC=lab,DC=example", accountName: "alice",
        userPrincipalName: "alice@lab.example", givenName: "Alice", surname: "Smith", displayName: "Alice Smith",
        objectSID: "S-1-5-21-1-2-3-1105", groupSIDs: ["S-1-5-21-1-2-3-513", "S-1-5-21-1-2-3-1200", "S-1-5-32-545"],
        groups: [GroupResolution(name: "Executives", sids: ["S-1-5-21-1-2-3-1200"], isMember: true),
                 GroupResolution(name: "Nobody", sids: [], isMember: false)],
        namingContext: "DC=lab,DC=example")

    @Test func derivedValues() {
        #expect(facts.domainName == "lab.example")
        #expect(facts.containerDN == "OU=Sales,DC=lab,DC=example")
        #expect(facts.ouPath == "lab.example/Sales")
        #expect(facts.memberOfConfiguredGroups == ["Executives"])
        #expect(facts.selectionGroups == ["s-1-5-21-1-2-3-513", "s-1-5-21-1-2-3-1200", "s-1-5-32-545", "executives"])
    }

    @Test func identityKeepsWhatSambaSaid() {
        let id = facts.applied(to: Identity(accountName: "alice", displayName: "Alice S."))
        #expect(id.displayName == "Alice S.")
        #expect(id.givenName == "Alice")
        #expect(id.surname == "Smith")
        #expect(id.userPrincipalName == "alice@lab.example")
        #expect(id.domainName == "lab.example")
        #expect(id.distinguishedName == facts.distinguishedName)
        #expect(id.groupSIDs == facts.groupSIDs)
    }
}

/// replPropertyMetaData as Samba 4.17 returned it for a user created and then given a new password once.
@Suite struct ReplicationMetadataTests {
    static let blob: [UInt8] = {
        let b64 = "AQAAAAAAAAAXAAAAAAAAAAAAAAABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAAAMAAAABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAAAEAAgABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAAAIAAgABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAABkBAgABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAAAEACQABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAAAgACQAEAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB7Q8AAAAAAADtDwAAAAAAABAACQABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAABkACQABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAADcACQACAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB7A8AAAAAAADsDwAAAAAAAEAACQABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAAFoACQACAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB7A8AAAAAAADsDwAAAAAAAF4ACQACAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB7A8AAAAAAADsDwAAAAAAAGAACQACAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB7A8AAAAAAADsDwAAAAAAAGIACQABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAAH0ACQABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB7A8AAAAAAADsDwAAAAAAAJIACQABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAAJ8ACQABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAAKAACQACAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB7A8AAAAAAADsDwAAAAAAAN0ACQABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAAC4BCQABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAAJACCQABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAAA4DCQABAAAAYt4UIQMAAAAx8owAGUzqSKkl1af+4ZJB6w8AAAAAAADrDwAAAAAAAA=="
        return Base64.decode(Substring(b64)) ?? []
    }()

    @Test func readsTheUnicodePwdVersion() {
        #expect(Self.blob.count == 16 + 23 * 48)
        #expect(ReplicationMetadata.passwordVersion(Self.blob) == 2)
        #expect(ReplicationMetadata.version(of: 0x0009_0008, in: Self.blob) == 4)  // userAccountControl
    }

    @Test func refusesWhatIsNotABlob() {
        #expect(ReplicationMetadata.passwordVersion([]) == nil)
        #expect(ReplicationMetadata.passwordVersion(Array(Self.blob.prefix(100))) == nil)  // count says 23
        var v2 = Self.blob
        v2[0] = 2
        #expect(ReplicationMetadata.passwordVersion(v2) == nil)
        var noPwd = Self.blob
        noPwd[8] = 10  // only the first 10 records, unicodePwd (the 15th) not among them
        #expect(ReplicationMetadata.passwordVersion(noPwd) == nil)
    }
}

/// Configured group names resolve by sAMAccountName (never cn), by DN or as SIDs; a name naming two groups is an
/// error, one naming none is reported (issue 12, findings 5 and 14).
@Suite struct GroupResolutionTests {
    static let execSID: [UInt8] = [1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0x10, 0x04, 0, 0]   // S-1-5-21-1-2-3-1040
    static let fakeSID: [UInt8] = [1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0x11, 0x04, 0, 0]   // …-1041

    static func collector(_ groups: [(dn: String, account: String, sid: [UInt8])]) -> Collector {
        let c = Collector()
        for g in groups {
            let dn = Array(g.dn.utf8), account = Array(g.account.utf8)
            dn.withUnsafeBufferPointer { c.add(step: Int32(PWG_STEP_GROUPS), attr: nil, value: $0) }
            account.withUnsafeBufferPointer { c.add(step: Int32(PWG_STEP_GROUPS), attr: "sAMAccountName", value: $0) }
            g.sid.withUnsafeBufferPointer { c.add(step: Int32(PWG_STEP_GROUPS), attr: "objectSid", value: $0) }
        }
        return c
    }

    @Test func aGroupWhoseCnCopiesANameDoesNotCount() throws {
        // An OU admin's group cn=Executives (sAMAccountName "evil") in another OU: not "Executives".
        let c = Self.collector([("CN=Executives,OU=Groups,DC=lab", "Executives", Self.execSID),
                                ("CN=Executives,OU=Delegated,DC=lab", "evil", Self.fakeSID)])
        let r = try DirectoryLookup.resolveGroups(c, names: ["Executives", "LAB\\executives"], token: ["S-1-5-21-1-2-3-1041"]).get()
        #expect(r.map(\.sids) == [["S-1-5-21-1-2-3-1040"], ["S-1-5-21-1-2-3-1040"]])
        #expect(r.allSatisfy { !$0.isMember })
    }

    @Test func dnsAndSIDs() throws {
        let c = Self.collector([("CN=Executives,OU=Groups,DC=lab", "Executives", Self.execSID),
                                ("CN=Executives,OU=Delegated,DC=lab", "evil", Self.fakeSID)])
        let r = try DirectoryLookup.resolveGroups(c, names: ["cn=executives, ou=DELEGATED,dc=lab", "S-1-5-32-544"],
                                                  token: ["S-1-5-21-1-2-3-1041"]).get()
        #expect(r[0].sids == ["S-1-5-21-1-2-3-1041"] && r[0].isMember)
        #expect(r[1].sids == ["S-1-5-32-544"] && !r[1].isMember)
    }

    @Test func aNameNamingTwoGroupsIsAnError() {
        // sAMAccountName is unique in a domain, but two DCs can create the same name before they replicate.
        let c = Self.collector([("CN=Executives,OU=Groups,DC=lab", "Executives", Self.execSID),
                                ("CN=Executives CNF:1,OU=Groups,DC=lab", "executives", Self.fakeSID)])
        let r = DirectoryLookup.resolveGroups(c, names: ["Executives"], token: [])
        guard case .failure(let e) = r, case .ambiguousGroup(let name, let dns) = e else {
            Issue.record("expected ambiguousGroup, got \(r)")
            return
        }
        #expect(name == "Executives" && dns.count == 2)
        #expect(e.cause == "ambiguous_group")
        #expect(e.description.contains("\"Executives\" names 2 groups"))
    }

    @Test func anUnknownNameResolvesToNothing() throws {
        let c = Self.collector([("CN=Domain Admins,CN=Users,DC=lab", "Domain Admins", Self.execSID)])
        let r = try DirectoryLookup.resolveGroups(c, names: ["Domain Admin"], token: []).get()
        #expect(r[0].sids.isEmpty)
        let facts = DirectoryFacts(distinguishedName: "CN=u,DC=lab", accountName: "u", objectSID: "S-1-5-21-1-2-3-1000",
                                   groups: r, namingContext: "DC=lab,DC=example")
        #expect(facts.unknownGroups == ["Domain Admin"])
        #expect(facts.domainName == "lab.example")
    }
}
