/// Seed 004 "History Rule": a password used in the last N changes, or in the last N days, is refused.
public struct HistoryRule: PasswordRule {
    public static let id = "history"
    public static let summary = "Rejects a password used in the last N password changes or the last N days."
    public static let details = """
        Compares the new password with the user's password history: salted Argon2id (or legacy SHA-256) \
        hashes that pwguard keeps in a confidential directory attribute ([history] attribute, schema in \
        samba-examples/schema). `count` checks the N most recent records (the current password included), \
        `days` every record of the last N days; with both, a match within either is refused. Records with \
        the same algorithm and parameters share one salt per user, so the check computes one hash per \
        parameter set present, not one per record: the cost does not grow with the depth (≤ 100). The rule \
        runs after every other rule of the policy passed: a password already refused costs no Argon2. \
        Records are written after a change has committed, by a detached process (see [history]). Samba \
        cannot tell a reset from a change, so seed 004's "enforce when a password is reset" is always on. \
        Seed 004's note holds: with mixed Argon2 and SHA-256 records both hashes are computed.
        """
    public static let parameters = [
        ParameterDoc("count", "integer 0-100", default: "0 (off)", "Refuse a password among the N most recent ones."),
        ParameterDoc("days", "integer 0-3650", default: "0 (off)", "Refuse a password used in the last N days."),
    ]
    public static let isExpensive = true
    public static let usesDirectoryAttributes = true

    public let count: Int
    public let days: Int
    let hasher: HistoryHasher

    public init(_ p: RuleParameters, resources: Resources) throws {
        count = try p.int("count", default: 0, min: 0, max: 100)
        days = try p.int("days", default: 0, min: 0, max: 3650)
        guard count > 0 || days > 0 else { throw p.error("count", "set count (1-100) or days (1-3650), or both") }
        hasher = resources.historyHasher
    }

    public func evaluate(_ candidate: Candidate) -> RuleOutcome {
        guard let snapshot = candidate.identity.passwordHistory else {
            return .pass("not checked: the password history was not read (no directory lookup)")
        }
        let relevant = snapshot.relevant(count: count, days: days)
        let password = Array(candidate.password.utf8)
        for record in relevant {
            switch hasher.hash(password, hashing: record.hashing, salt: record.salt) {
            case .failure(let e):
                return .fail("the password history could not be checked: \(e)")
            case .success(let h) where HistoryHasher.equal(h, record.hash):
                let rank = (snapshot.records.firstIndex(of: record) ?? 0) + 1
                let age = max(0, (snapshot.readAt - record.time) / 86_400)
                return .fail("used before: it is the \(Self.ordinal(rank)) most recent password (set \(age) day\(age == 1 ? "" : "s") ago)")
            case .success:
                continue
            }
        }
        let window = [count > 0 ? "the last \(count) passwords" : nil, days > 0 ? "the last \(days) days" : nil]
            .compactMap { $0 }.joined(separator: " or ")
        return .pass("not used in \(window) (\(relevant.count) of \(snapshot.records.count) records compared)")
    }

    static func ordinal(_ n: Int) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return "\(n)\(suffix)"
    }

    // Examples: histories built from known passwords (SHA-256 records and cheap Argon2id parameters, so the
    // examples run fast; the real default is m=19456 KiB, t=2).
    static let s004 = "seed 004: History Rule"
    static let now: Int64 = 1_790_000_000
    static func history(_ entries: [(String, Int64)], hashing: HistoryHashing = .sha256) -> Identity {
        let salt: [UInt8] = Array("pwguard-example-salt".utf8)
        let hasher = HistoryHasher()
        let values = entries.map { pw, daysAgo -> String in
            let h = (try? hasher.hash(Array(pw.utf8), hashing: hashing, salt: salt).get()) ?? []
            return HistoryRecord(hashing: hashing, salt: salt, time: now - daysAgo * 86_400, hash: h).text
        }
        var id = Identity(accountName: "mary")
        id.passwordHistory = HistorySnapshot(values: values, readAt: now)
        return id
    }
    static let five = history([("Winter2025!x", 10), ("Autumn2025!x", 100), ("Summer2025!x", 200), ("Spring2025!x", 300), ("Winter2024!x", 400)])
    static let cheapArgon = HistoryHashing(algorithm: .argon2id, memoryKiB: 64, iterations: 1, parallelism: 1)
    static let mixed: Identity = {
        var a = history([("Winter2025!x", 10)], hashing: cheapArgon)
        let b = history([("Summer2025!x", 200)])
        a.passwordHistory?.values += b.passwordHistory?.values ?? []
        return a
    }()

    public static let examples: [RuleExample] = [
        .reject("Winter2025!x", ["count": 24], identity: five, source: "\(s004): one of the last 24 passwords (the current one)"),
        .reject("Spring2025!x", ["count": 24], identity: five, source: "\(s004): one of the last 24 passwords (the 4th)"),
        .accept("Fresh-Start-2026", ["count": 24], identity: five, source: "\(s004): never used"),
        .accept("Winter2024!x", ["count": 4], identity: five, source: "\(s004): the 5th most recent is outside the last 4"),
        .reject("Summer2025!x", ["days": 365], identity: five, source: "\(s004): used 200 days ago, within 365 days"),
        .accept("Winter2024!x", ["days": 365], identity: five, source: "\(s004): used 400 days ago, outside 365 days"),
        .reject("Winter2024!x", ["count": 2, "days": 500], identity: five, source: "count and days: a match within either is refused"),
        .reject("Winter2025!x", ["count": 24], identity: mixed,
                source: "\(s004) note: Argon2 and SHA-256 records mixed, the Argon2 one matches"),
        .reject("Summer2025!x", ["count": 24], identity: mixed,
                source: "\(s004) note: Argon2 and SHA-256 records mixed, the SHA-256 one matches"),
        .accept("Winter2025!x", ["count": 24], source: "no history read (explain without the directory): not checked"),
    ]
}
