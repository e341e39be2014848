#if canImport(Glibc)
import Glibc
#endif
import CArgon2

// Password history records (seed 004, History rule): what one stored value of the history attribute is,
// how a candidate is compared with the records, and the hashing. The format is versioned and documented in
// docs/history.md:
//
//     pwg2$argon2id$m=19456,t=2,p=1$<salt>$<unix time of the change>.<microseconds>$<hash>
//     pwg2$sha256$-$<salt>$<unix time>.<microseconds>$<hash>          hash = SHA-256(salt || password)
//
// salt and hash in unpadded standard base64. `pwg1` (the first version, still read) is the same with the time
// in whole seconds: several changes within one second then tie, and pruning cannot tell which is newest. Every record of one user with the same algorithm and parameters
// shares one salt, so a check computes one hash per distinct parameter set present, however deep the history.

/// How a history record was hashed.
public enum HistoryAlgorithm: String, Sendable, Equatable, CaseIterable {
    case argon2id
    /// Salted SHA-256: seed 004's fast option. Cheap to crack; kept readable for old records.
    case sha256
}

/// An algorithm with its cost parameters: records with equal parameters (and salt) are checked with one hash.
public struct HistoryHashing: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var algorithm: HistoryAlgorithm
    /// Argon2id: memory in KiB, iterations, lanes. Unused for SHA-256.
    public var memoryKiB: UInt32
    public var iterations: UInt32
    public var parallelism: UInt32

    /// OWASP's second Argon2id configuration (m=19 MiB, t=2, p=1): ~44 ms with Debian's libargon2 here.
    public static let defaultArgon2id = HistoryHashing(algorithm: .argon2id, memoryKiB: 19456, iterations: 2, parallelism: 1)
    public static let sha256 = HistoryHashing(algorithm: .sha256, memoryKiB: 0, iterations: 0, parallelism: 0)

    public init(algorithm: HistoryAlgorithm, memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32) {
        self.algorithm = algorithm
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    /// The parameter field of a record.
    public var parameterText: String {
        algorithm == .sha256 ? "-" : "m=\(memoryKiB),t=\(iterations),p=\(parallelism)"
    }

    public var description: String { algorithm == .sha256 ? "sha256" : "argon2id(\(parameterText))" }

    static func parse(_ algorithm: Substring, _ params: Substring) -> HistoryHashing? {
        guard let alg = HistoryAlgorithm(rawValue: String(algorithm)) else { return nil }
        if alg == .sha256 { return params == "-" ? .sha256 : nil }
        var m: UInt32?, t: UInt32?, p: UInt32?
        for field in params.split(separator: ",") {
            let kv = field.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, let v = UInt32(kv[1]) else { return nil }
            switch kv[0] {
            case "m": m = v
            case "t": t = v
            case "p": p = v
            default: return nil
            }
        }
        guard let m, let t, let p, (8...4_194_304).contains(m), (1...64).contains(t), (1...16).contains(p), m >= 8 * p else { return nil }
        return HistoryHashing(algorithm: .argon2id, memoryKiB: m, iterations: t, parallelism: p)
    }
}

/// One stored password: its hashing, salt, time of the change and hash.
public struct HistoryRecord: Sendable, Equatable {
    /// The format written: `pwg2` (time with microseconds). `pwg1` records (whole seconds) are still read.
    public static let version = "pwg2"
    public var hashing: HistoryHashing
    public var salt: [UInt8]
    /// When the change was checked (seconds since 1970-01-01 UTC) ...
    public var time: Int64
    /// ... and the microseconds within that second (0 for `pwg1` records).
    public var microseconds: Int32
    public var hash: [UInt8]
    /// The format version of the text: 2 (written), or 1 (an old record, kept byte for byte).
    public var format: Int

    public init(hashing: HistoryHashing, salt: [UInt8], time: Int64, microseconds: Int32 = 0, hash: [UInt8], format: Int = 2) {
        self.hashing = hashing
        self.salt = salt
        self.time = time
        self.microseconds = microseconds
        self.hash = hash
        self.format = format
    }

    /// The stored value.
    public var text: String {
        let when: String
        if format == 1 { when = String(time) } else {
            let us = String(microseconds)
            when = String(time) + "." + String(repeating: "0", count: max(0, 6 - us.count)) + us
        }
        return ["pwg\(format)", hashing.algorithm.rawValue, hashing.parameterText, Base64.encode(salt), when, Base64.encode(hash)]
            .joined(separator: "$")
    }

    /// Whether this record is of a later change than `other` (time, then microseconds).
    public func isNewer(than other: HistoryRecord) -> Bool {
        time != other.time ? time > other.time : microseconds > other.microseconds
    }

    /// Parses a stored value; nil when it is not a record of a version this one understands (`pwg1`, `pwg2`).
    public init?(text: String) {
        let f = text.split(separator: "$", omittingEmptySubsequences: false)
        guard f.count == 6, f[0] == "pwg1" || f[0] == "pwg2", let hashing = HistoryHashing.parse(f[1], f[2]),
              let salt = Base64.decode(f[3]), salt.count >= 8, salt.count <= 64,
              let hash = Base64.decode(f[5]), hash.count >= 16, hash.count <= 64
        else { return nil }
        if f[0] == "pwg1" {
            guard let time = Int64(f[4]) else { return nil }
            self.init(hashing: hashing, salt: salt, time: time, hash: hash, format: 1)
        } else {
            // seconds "." exactly six digits, nothing else (no sign, no spaces)
            let parts = f[4].split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, (1...19).contains(parts[0].utf8.count), parts[1].utf8.count == 6,
                  parts[0].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let time = Int64(parts[0]), let us = Int32(parts[1])
            else { return nil }
            self.init(hashing: hashing, salt: salt, time: time, microseconds: us, hash: hash, format: 2)
        }
    }

    /// What identifies the hash computation a record needs: records with the same key share one.
    public var computationKey: String { hashing.description + "$" + Base64.encode(salt) }
}

/// A user's password history as read from the directory before the change.
public struct HistorySnapshot: Sendable, Equatable {
    /// The attribute's values as stored (records this version cannot parse are kept, counted, and never lost).
    public var values: [String] { didSet { parse() } }
    /// When it was read (seconds since 1970-01-01 UTC): the reference for `days`.
    public var readAt: Int64
    /// The records, newest first (parsed once, when the values are set).
    public private(set) var records: [HistoryRecord] = []
    /// Values that are not records of this version.
    public private(set) var unreadable = 0

    public init(values: [String], readAt: Int64) {
        self.values = values
        self.readAt = readAt
        parse()
    }

    private mutating func parse() {
        records = values.compactMap(HistoryRecord.init(text:)).sorted { $0.isNewer(than: $1) }
        unreadable = values.count - records.count
    }

    /// The records a rule with `count` (0: off) and `days` (0: off) compares with: the `count` newest, and
    /// every one from the last `days` days. Newest first.
    public func relevant(count: Int, days: Int) -> [HistoryRecord] {
        let cutoff = readAt - Int64(days) * 86_400
        return records.enumerated().filter { i, r in (count > 0 && i < count) || (days > 0 && r.time >= cutoff) }.map(\.element)
    }

    /// The salt for a new record hashed with `hashing`: the salt of the newest record with the same hashing
    /// (so the next check needs no extra computation), else nil (a fresh one is drawn).
    public func salt(for hashing: HistoryHashing) -> [UInt8]? {
        records.first { $0.hashing == hashing }?.salt
    }
}

/// Why a hash could not be computed.
public struct HistoryHashError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    public init(message: String) { self.message = message }
}

/// Computes history hashes, once per (hashing, salt) per process, and counts the computations (events and
/// tests show it: a check costs one Argon2 computation per parameter set present, whatever the depth).
public final class HistoryHasher: @unchecked Sendable {
    private var memo: [String: [UInt8]] = [:]
    private var memoPassword: [UInt8] = []
    /// Argon2 computations so far.
    public private(set) var argon2Computations = 0
    public private(set) var sha256Computations = 0
    /// Wall time spent in Argon2, milliseconds.
    public private(set) var argon2Milliseconds = 0.0
    /// The first failure (e.g. Argon2 could not allocate its memory): the check then follows on_error.
    public private(set) var failure: HistoryHashError?

    public init() {}

    /// The hash of `password` with `hashing` and `salt`.
    public func hash(_ password: [UInt8], hashing: HistoryHashing, salt: [UInt8]) -> Result<[UInt8], HistoryHashError> {
        if password != memoPassword {
            memo.removeAll()
            memoPassword = password
        }
        let key = hashing.description + "$" + Base64.encode(salt)
        if let h = memo[key] { return .success(h) }
        let result: Result<[UInt8], HistoryHashError>
        switch hashing.algorithm {
        case .sha256:
            sha256Computations += 1
            result = .success(SHA256.hash(salt + password))
        case .argon2id:
            argon2Computations += 1
            let t0 = Self.now()
            result = Self.argon2id(password, salt: salt, hashing: hashing)
            argon2Milliseconds += Self.now() - t0
        }
        switch result {
        case .success(let h): memo[key] = h
        case .failure(let e): if failure == nil { failure = e }
        }
        return result
    }

    /// A new record of `password`, hashed with `hashing`, reusing the salt of the snapshot's records with the
    /// same hashing (the check has then already computed it), else with a fresh random salt.
    public func record(_ password: [UInt8], hashing: HistoryHashing, snapshot: HistorySnapshot?, time: Int64, microseconds: Int32 = 0)
        -> Result<HistoryRecord, HistoryHashError>
    {
        let salt: [UInt8]
        if let s = snapshot?.salt(for: hashing) { salt = s } else {
            guard let fresh = Self.randomBytes(16) else { return .failure(HistoryHashError(message: "no random bytes for a salt")) }
            salt = fresh
        }
        return hash(password, hashing: hashing, salt: salt).map {
            HistoryRecord(hashing: hashing, salt: salt, time: time, microseconds: microseconds, hash: $0)
        }
    }

    static func argon2id(_ password: [UInt8], salt: [UInt8], hashing: HistoryHashing) -> Result<[UInt8], HistoryHashError> {
        var out = [UInt8](repeating: 0, count: 32)
        let rc = password.withUnsafeBytes { pw in
            salt.withUnsafeBytes { s in
                out.withUnsafeMutableBytes { o in
                    argon2id_hash_raw(hashing.iterations, hashing.memoryKiB, hashing.parallelism, pw.baseAddress, pw.count,
                                      s.baseAddress, s.count, o.baseAddress, o.count)
                }
            }
        }
        guard rc == 0 else {  // ARGON2_OK
            return .failure(HistoryHashError(message: "Argon2id (\(hashing.parameterText)) failed: \(String(cString: argon2_error_message(rc)))"))
        }
        return .success(out)
    }

    public static func randomBytes(_ n: Int) -> [UInt8]? {
        // The stdlib's generator reads the kernel's (getrandom) and traps rather than return weak bytes.
        var g = SystemRandomNumberGenerator()
        return (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    /// Compares in time independent of where the first difference is.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var d: UInt8 = 0
        for i in a.indices { d |= a[i] ^ b[i] }
        return d == 0
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
    }
}
