// The job `pwguard check` hands to the detached record process (`pwguard __history-record`, root) on a pipe.
//
// The record process obeys it as root, so its text is parsed like hostile input: a fixed header, then every
// field exactly once, in a fixed order, each framed by its byte length, then the end:
//
//     pwguard-history-job 2\n
//     config=<n>:<n bytes>\n        (or `config=-\n` for none; likewise dn, version, pwdlastset, record)
//     account=<n>:<bytes>\n
//     dn=…  version=…  pwdlastset=…  keep=<n>:<count> <days> <max>\n  action=<n>:record|delete\n
//     record=…  nthash=32:<32 lower-case hex digits>\n
//     end\n
//
// A value may not contain a control character (C0, DEL, C1) or invalid UTF-8, whatever its framing says; an
// unknown, missing, repeated or out-of-order key, a length that does not match, or any byte after `end\n`
// makes the whole job unreadable (nil). The parser never traps (fuzzed: scripts/fuzz/run.sh history_job).
//
// `nthash` is the new password's NT hash (MD4 of its UTF-16LE, what Samba stores in unicodePwd): the record
// process confirms that *this* password is the one that committed. It is a secret (it logs on as the user
// where NTLM is accepted): it travels on the pipe only — never argv, a file or a log — and `description`
// leaves it out.

/// What the detached record process is asked to do.
public struct HistoryJob: Sendable, Equatable, CustomStringConvertible {
    public enum Action: Sendable, Equatable {
        case record(HistoryRecord)
        /// Delete the user's pwguard records (`without_rule = "delete"`): values that parse as records, only.
        case delete
    }
    public var configPath: String?
    public var account: String
    /// The user's DN and password state before the change (nil for an account being created).
    public var distinguishedName: String?
    public var passwordVersion: UInt32?
    public var pwdLastSet: Int64?
    public var action: Action
    /// Records to keep: the `keepCount` newest and those of the last `keepDays` days, at most `maxRecords`.
    public var keepCount: Int
    public var keepDays: Int
    public var maxRecords: Int
    /// The new password's NT hash (16 bytes): a secret.
    public var ntHash: [UInt8]

    public static let header = "pwguard-history-job 2"
    /// Upper bounds of the fields (bytes).
    static let maxAccount = 1024, maxDN = 4096, maxPath = 4096, maxRecord = 1024
    /// The longest job text accepted (the pipe holds 64 KiB).
    public static let maxBytes = 16_384

    public init(configPath: String?, account: String, distinguishedName: String?, passwordVersion: UInt32?, pwdLastSet: Int64?,
                action: Action, keepCount: Int, keepDays: Int, maxRecords: Int, ntHash: [UInt8]) {
        self.configPath = configPath
        self.account = account
        self.distinguishedName = distinguishedName
        self.passwordVersion = passwordVersion
        self.pwdLastSet = pwdLastSet
        self.action = action
        self.keepCount = keepCount
        self.keepDays = keepDays
        self.maxRecords = maxRecords
        self.ntHash = ntHash
    }

    public var description: String {
        let what: String
        switch action {
        case .record(let r): what = "record \(r.hashing)"
        case .delete: what = "delete"
        }
        return "HistoryJob(account: \(account), dn: \(distinguishedName ?? "-"), version: \(passwordVersion.map(String.init) ?? "-"), "
            + "\(what), keep: \(keepCount)/\(keepDays) d/\(maxRecords), nthash: <\(ntHash.count) bytes>)"
    }

    // MARK: encoding

    /// The job as bytes for the pipe. The caller wipes them after use (they hold the NT hash).
    public var encoded: [UInt8] {
        var out = Array((Self.header + "\n").utf8)
        func field(_ key: String, _ value: [UInt8]?) {
            out += Array(key.utf8)
            out.append(UInt8(ascii: "="))
            if let value {
                out += Array(String(value.count).utf8)
                out.append(UInt8(ascii: ":"))
                out += value
            } else {
                out.append(UInt8(ascii: "-"))
            }
            out.append(0x0A)
        }
        func text(_ s: String?) -> [UInt8]? { s.map { Array($0.utf8) } }
        field("config", text(configPath))
        field("account", text(account))
        field("dn", text(distinguishedName))
        field("version", text(passwordVersion.map(String.init)))
        field("pwdlastset", text(pwdLastSet.map(String.init)))
        field("keep", text("\(keepCount) \(keepDays) \(maxRecords)"))
        switch action {
        case .record(let r):
            field("action", text("record"))
            field("record", text(r.text))
        case .delete:
            field("action", text("delete"))
            field("record", nil)
        }
        let hex = Array("0123456789abcdef".utf8)
        var h: [UInt8] = []
        for b in ntHash { h.append(hex[Int(b >> 4)]); h.append(hex[Int(b & 15)]) }
        field("nthash", h)
        for i in h.indices { h[i] = 0 }
        out += Array("end\n".utf8)
        return out
    }

    // MARK: parsing (hostile input: never traps)

    /// Parses a job; nil for anything but exactly what `encoded` produces (up to the values' validity).
    public init?(bytes: [UInt8]) {
        guard bytes.count <= Self.maxBytes else { return nil }
        var p = Parser(bytes: bytes)
        guard p.literal(Array((Self.header + "\n").utf8)),
              let config = p.field("config", max: Self.maxPath),
              let account = p.field("account", max: Self.maxAccount),
              let dn = p.field("dn", max: Self.maxDN),
              let version = p.field("version", max: 10),
              let pwdLastSet = p.field("pwdlastset", max: 20),
              let keep = p.field("keep", max: 40),
              let action = p.field("action", max: 6),
              let record = p.field("record", max: Self.maxRecord),
              let nthash = p.field("nthash", max: 32),
              p.literal(Array("end\n".utf8)), p.atEnd
        else { return nil }
        // config: absent, or an absolute path
        if let c = config.value { guard c.first == "/" else { return nil } }
        guard let name = account.value, !name.isEmpty else { return nil }
        if let d = dn.value { guard !d.isEmpty else { return nil } }
        var v: UInt32?
        if let s = version.value { guard let n = Self.decimal(s).flatMap({ UInt32(exactly: $0) }) else { return nil }; v = n }
        var pls: Int64?
        if let s = pwdLastSet.value { guard let n = Self.signedDecimal(s) else { return nil }; pls = n }
        guard let k = keep.value?.split(separator: " ", omittingEmptySubsequences: false), k.count == 3,
              let count = Self.decimal(k[0]), let days = Self.decimal(k[1]), let maxRecords = Self.decimal(k[2]),
              count <= 100, days <= 36_500, (1...100).contains(maxRecords)
        else { return nil }
        let act: Action
        switch action.value {
        case "record"?:
            // the record exactly as `check` writes it (one spelling: no leading zeros, canonical base64)
            guard let t = record.value, let r = HistoryRecord(text: t), r.text == t else { return nil }
            act = .record(r)
        case "delete"?:
            guard record.value == nil else { return nil }
            act = .delete
        default: return nil
        }
        guard let hexText = nthash.value, let hash = Self.hex16(hexText) else { return nil }
        self.init(configPath: config.value, account: name, distinguishedName: dn.value, passwordVersion: v, pwdLastSet: pls,
                  action: act, keepCount: Int(count), keepDays: Int(days), maxRecords: Int(maxRecords), ntHash: hash)
    }

    /// Digits only (no sign, no spaces, no leading zero but "0"), at most 18 of them.
    static func decimal(_ s: Substring) -> Int64? {
        let u = Array(s.utf8)
        guard (1...18).contains(u.count), u.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), u.count == 1 || u[0] != 0x30 else { return nil }
        return u.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) }
    }

    static func decimal(_ s: String) -> Int64? { decimal(Substring(s)) }

    /// An optional "-" (not before 0), then `decimal`.
    static func signedDecimal(_ s: String) -> Int64? {
        guard s.first == "-" else { return decimal(s) }
        guard let n = decimal(Substring(s.dropFirst())), n != 0 else { return nil }
        return -n
    }

    static func hex16(_ s: String) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count == 32 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        var i = 0
        while i < 32 {
            guard let hi = nibble(u[i]), let lo = nibble(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// A cursor over the job bytes.
    struct Parser {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { i == bytes.count }

        mutating func literal(_ l: [UInt8]) -> Bool {
            guard bytes.count - i >= l.count, Array(bytes[i..<i + l.count]) == l else { return false }
            i += l.count
            return true
        }

        /// `key=-\n` (value nil) or `key=<n>:<n bytes>\n`. The outer optional is nil when malformed.
        mutating func field(_ key: String, max: Int) -> Field? {
            guard literal(Array((key + "=").utf8)), i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: "-") {
                i += 1
                return literal([0x0A]) ? Field(value: nil) : nil
            }
            var n = 0, digits = 0
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                if digits > 0 && n == 0 { return nil }  // a leading zero
                n = n * 10 + Int(bytes[i] - 0x30)
                digits += 1
                i += 1
                if n > max { return nil }
            }
            guard digits > 0, literal([UInt8(ascii: ":")]), bytes.count - i >= n else { return nil }
            let raw = Array(bytes[i..<i + n])
            i += n
            guard literal([0x0A]), let s = Self.text(raw) else { return nil }
            return Field(value: s)
        }

        /// Valid UTF-8 without control characters (C0, DEL, C1), or nil.
        static func text(_ raw: [UInt8]) -> String? {
            guard let s = String(validating: raw, as: UTF8.self) else { return nil }
            for u in s.unicodeScalars where u.value < 0x20 || (0x7F...0x9F).contains(u.value) { return nil }
            return s
        }
    }

    struct Field { var value: String? }
}
