// Text forms the directory lookup needs: SIDs, RFC 4515 filters, ldapi URLs, DNs, smb.conf's private dir.
// Pure functions of their input (unit-tested in Tests/PwguardDirectoryTests).

#if canImport(Glibc)
import Glibc
#endif
import PwguardCore

/// Windows security identifiers.
public enum SID {
    /// The string form (`S-1-5-21-…`) of a binary SID (objectSid, tokenGroups values), or nil when the
    /// bytes are not a well-formed SID: revision 1, then the sub-authority count, a 6-byte big-endian
    /// identifier authority and that many 4-byte little-endian sub-authorities (MS-DTYP 2.4.2).
    public static func string(fromBinary b: [UInt8]) -> String? {
        guard b.count >= 8, b[0] == 1 else { return nil }
        let count = Int(b[1])
        guard count <= 15, b.count == 8 + 4 * count else { return nil }
        var authority: UInt64 = 0
        for i in 2..<8 { authority = authority << 8 | UInt64(b[i]) }
        // MS-DTYP: an authority of 2^32 or more is written in hexadecimal.
        var s = "S-1-" + (authority >= 1 << 32 ? "0x" + hex(authority, width: 12) : String(authority))
        for k in 0..<count {
            let o = 8 + 4 * k
            let v = UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
            s += "-" + String(v)
        }
        return s
    }

    /// Whether a configured group is given as a SID (`S-1-5-32-544`, any case) rather than a name.
    public static func looksLikeSID(_ s: String) -> Bool {
        let parts = s.uppercased().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "S", parts[1] == "1" else { return false }
        return parts.dropFirst(2).enumerated().allSatisfy { i, p in
            if i == 0 && p.hasPrefix("0X") { return p.count > 2 && p.dropFirst(2).allSatisfy(\.isHexDigit) }
            return !p.isEmpty && p.allSatisfy { $0 >= "0" && $0 <= "9" }
        }
    }

    static func hex(_ v: UInt64, width: Int) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// LDAP search filters (RFC 4515).
public enum LDAPFilter {
    /// Enabled user accounts (not computers): ACCOUNTDISABLE (2) clear in userAccountControl.
    public static let enabledUsers =
        "(&(objectCategory=person)(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))"

    /// Escapes a value for use inside a filter: `*`, `(`, `)`, `\` and NUL as RFC 4515 requires, and every
    /// other control character too, each as `\XX`. Other UTF-8 is passed through (LDAPv3 filters are UTF-8).
    public static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "*", "(", ")", "\\", "\u{0}"..."\u{1F}", "\u{7F}":
                out += "\\" + SID.hex(UInt64(scalar.value), width: 2).lowercased()
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The user search: one account by sAMAccountName.
    public static func user(account: String) -> String {
        "(&(objectClass=user)(sAMAccountName=\(escape(account))))"
    }

    /// One search for every configured group name or DN: `(&(objectClass=group)(|(sAMAccountName=a)…))`, a DN as
    /// `(distinguishedName=…)`. Never `cn`: it is unique only within one container, so anyone who may create a
    /// group in some OU could create one named like an exempting group. Nil when there is nothing to look up.
    public static func groups(names: [String]) -> String? {
        var seen = Set<String>()
        var terms = ""
        for name in names {
            if let dn = groupDN(name) {
                let text = dn.description
                if seen.insert("dn:" + text.lowercased()).inserted { terms += "(distinguishedName=\(escape(text)))" }
                continue
            }
            let account = DirectoryLookup.groupQueryName(name)
            if !account.isEmpty && seen.insert(account.lowercased()).inserted { terms += "(sAMAccountName=\(escape(account)))" }
        }
        return terms.isEmpty ? nil : "(&(objectClass=group)(|\(terms)))"
    }

    /// A configured group given as a DN (it has `=`, which no sAMAccountName may contain), parsed.
    public static func groupDN(_ name: String) -> DN? {
        name.contains("=") ? DN(name).flatMap { $0.rdns.isEmpty ? nil : $0 } : nil
    }
}

/// LDAP URLs.
public enum LDAPURL {
    /// The `ldapi://` URL of a unix socket: the path percent-encoded (every byte outside RFC 3986's
    /// unreserved characters, `/` included), as libldap expects.
    public static func ldapi(socketPath: String) -> String {
        var out = "ldapi://"
        for byte in socketPath.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + SID.hex(UInt64(byte), width: 2)
            }
        }
        return out
    }

    /// The socket path of an `ldapi://` URL (percent-decoded), or nil for other URLs. An empty path means
    /// libldap's compiled-in default socket.
    public static func socketPath(ofLDAPI url: String) -> String? {
        guard url.lowercased().hasPrefix("ldapi://") else { return nil }
        var rest = Array(url.utf8.dropFirst(8))
        if let slash = rest.firstIndex(of: UInt8(ascii: "/")) { rest = Array(rest[..<slash]) }
        var bytes: [UInt8] = []
        var i = 0
        while i < rest.count {
            if rest[i] == UInt8(ascii: "%"), i + 2 < rest.count,
               let v = UInt8(String(decoding: rest[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                bytes.append(v)
                i += 3
            } else {
                bytes.append(rest[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The scheme, lower-cased: "ldapi", "ldaps" or "ldap"; nil for anything else.
    public static func scheme(_ url: String) -> String? {
        let l = url.lowercased()
        for s in ["ldapi", "ldaps", "ldap"] where l.hasPrefix(s + "://") { return s }
        return nil
    }
}

/// Distinguished names (RFC 4514), as far as pwguard needs them.
public enum DistinguishedName {
    /// The RDNs of a DN, split at unescaped commas, each trimmed; nil for an empty DN.
    public static func rdns(_ dn: String) -> [String]? {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for ch in dn {
            if escaped {
                current.append(ch)
                escaped = false
            } else if ch == "\\" {
                current.append(ch)
                escaped = true
            } else if ch == "," {
                parts.append(trim(current))
                current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(trim(current))
        if parts.count == 1 && parts[0].isEmpty { return nil }
        return parts
    }

    /// The parent of a DN (without its first RDN): the user's container. "" for a one-RDN DN.
    public static func parent(_ dn: String) -> String {
        guard let r = rdns(dn), r.count > 1 else { return "" }
        return r.dropFirst().joined(separator: ",")
    }

    /// The attribute type and unescaped value of one RDN (`OU=Sales\, EMEA` → ("OU", "Sales, EMEA")).
    /// Multi-valued RDNs (`a=1+b=2`) are returned whole as the value.
    public static func typeAndValue(_ rdn: String) -> (type: String, value: String)? {
        guard let eq = rdn.firstIndex(of: "=") else { return nil }
        return (trim(String(rdn[..<eq])), unescape(trim(String(rdn[rdn.index(after: eq)...]))))
    }

    /// RFC 4514 unescaping: `\,` → `,`, `\2C` → byte 0x2C (UTF-8 sequences reassembled).
    public static func unescape(_ v: String) -> String {
        var bytes: [UInt8] = []
        let u = Array(v.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "\\"), i + 1 < u.count {
                if i + 2 < u.count, let b = UInt8(String(decoding: u[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                    bytes.append(b)
                    i += 3
                } else {
                    bytes.append(u[i + 1])
                    i += 2
                }
            } else {
                bytes.append(u[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The DNS domain of a DN's `DC=` components (`…,DC=lab,DC=example` → `lab.example`), nil without any
    /// (or when the text is not a DN).
    public static func domainName(_ dn: String) -> String? { DN(dn)?.domainName }

    /// A DN in canonical-name form, as AD's `canonicalName` writes it: the domain, then every other RDN
    /// from the top down (`CN=Alice,OU=Sales,OU=Staff,DC=lab,DC=example` → `lab.example/Staff/Sales/Alice`).
    public static func canonicalPath(_ dn: String) -> String {
        let parts = (rdns(dn) ?? []).compactMap(typeAndValue)
        let domain = parts.filter { $0.type.lowercased() == "dc" }.map(\.value).joined(separator: ".")
        let rest = parts.filter { $0.type.lowercased() != "dc" }.map(\.value).reversed()
        return ([domain] + rest).filter { !$0.isEmpty }.joined(separator: "/")
    }

    /// The canonical path of a DN's container (the OU path of a user): `lab.example/Staff/Sales`.
    public static func ouPath(_ dn: String) -> String { canonicalPath(parent(dn)) }

    static func trim(_ s: String) -> String {
        var sub = Substring(s)
        while sub.first == " " { sub = sub.dropFirst() }
        // a trailing space escaped with a backslash is part of the value
        while sub.last == " " && !(sub.dropLast().last == "\\") { sub = sub.dropLast() }
        return String(sub)
    }
}

/// Samba's smb.conf, as far as finding the private directory goes.
public enum SambaConfig {
    public static let defaultPath = "/etc/samba/smb.conf"
    /// Samba's compiled-in default on Debian.
    public static let defaultPrivateDir = "/var/lib/samba/private"

    /// The `private dir` of smb.conf text's `[global]` section (parameters before any section count as
    /// global). Parameter names compare as Samba compares them: case-insensitively, spaces ignored
    /// (`Private Dir`, `privatedir`). `#` and `;` start comment lines; a trailing `\` continues a line.
    public static func privateDir(smbConf text: String) -> String? {
        var section = "global"
        var found: String?
        var logical = ""
        var lines: [String] = []
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.hasSuffix("\\") {
                logical += line.dropLast()
                continue
            }
            lines.append(logical + line)
            logical = ""
        }
        if !logical.isEmpty { lines.append(logical) }
        for line in lines {
            let t = DistinguishedName.trim(line.trimmingLeadingWhitespace())
            if t.isEmpty || t.hasPrefix("#") || t.hasPrefix(";") { continue }
            if t.hasPrefix("[") {
                if let close = t.firstIndex(of: "]") {
                    section = normalizedName(String(t[t.index(after: t.startIndex)..<close]))
                }
                continue
            }
            guard section == "global", let eq = t.firstIndex(of: "=") else { continue }
            guard normalizedName(String(t[..<eq])) == "privatedir" else { continue }
            let value = String(t[t.index(after: eq)...]).trimmingLeadingWhitespace()
            let v = DistinguishedName.trim(value)
            if !v.isEmpty { found = v }   // the last setting wins, as in Samba
        }
        return found
    }

    /// The private directory: from the smb.conf at `$SMB_CONF_PATH` (Samba sets it for the script) or
    /// /etc/samba/smb.conf, else Samba's default. `include =` lines are not followed.
    public static func privateDir(environment: [String: String]? = nil) -> String {
        let env = environment ?? ["SMB_CONF_PATH": getenv("SMB_CONF_PATH").map { String(cString: $0) } ?? ""]
        let path = env["SMB_CONF_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPath
        guard let text = readSmallFile(path) else { return defaultPrivateDir }
        return privateDir(smbConf: text) ?? defaultPrivateDir
    }

    /// The privileged ldapi socket of a private directory.
    public static func privilegedSocket(privateDir: String) -> String {
        (privateDir.hasSuffix("/") ? String(privateDir.dropLast()) : privateDir) + "/ldap_priv/ldapi"
    }

    static func normalizedName(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.filter { $0 != " " && $0 != "\t" })
    }
}

extension String {
    func trimmingLeadingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" })
    }
}

/// Reads a file of at most 1 MiB as UTF-8 text (invalid bytes replaced); nil if it cannot be read.
func readSmallFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 16384)
    while bytes.count < 1 << 20 {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        bytes += buf[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}
