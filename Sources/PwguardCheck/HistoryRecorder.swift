#if canImport(Glibc)
import Glibc
#endif
import CProcess
import PwguardConfig
import PwguardCore
import PwguardDirectory

// Step 5b of the check: record the new password's hash in the user's history — but never from inside the
// check. Samba runs the script while it holds sam.ldb's write transaction: any directory write from the
// script deadlocks until Samba's 10 s timeout and the change fails (SAMBA-FACTS). So `check` computes the
// record (the hash, never the password) and hands it to a fully detached process (`pwguard
// __history-record`, a fresh exec: it never holds the password in memory), then exits. That process waits
// until the change has committed — the user's unicodePwd version in replPropertyMetaData moved past the one
// read during the check (or, failing that, pwdLastSet changed; for a new account, the account exists) —
// because Samba may still refuse the change after the script (its own NT-hash history) or roll a create
// back. It gives up after [history] confirm_timeout_seconds. Then one modify deletes exactly the records it
// prunes and adds the new one; a concurrent writer makes that modify fail, and it re-reads and retries.

public enum HistoryRecorder {
    /// What the detached process is asked to do, as text lines on its stdin (no password, only a hash).
    public struct Job: Sendable, Equatable {
        public enum Action: Sendable, Equatable {
            case record(HistoryRecord)
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

        public var text: String {
            var lines = ["pwguard-history-job 1", "config \(configPath ?? "-")", "account \(account)",
                         "dn \(distinguishedName ?? "-")", "version \(passwordVersion.map(String.init) ?? "-")",
                         "pwdlastset \(pwdLastSet.map(String.init) ?? "-")",
                         "keep \(keepCount) \(keepDays) \(maxRecords)"]
            switch action {
            case .record(let r): lines.append("record \(r.text)")
            case .delete: lines.append("delete")
            }
            return lines.joined(separator: "\n") + "\n"
        }

        public init(configPath: String?, account: String, distinguishedName: String?, passwordVersion: UInt32?, pwdLastSet: Int64?,
                    action: Action, keepCount: Int, keepDays: Int, maxRecords: Int) {
            self.configPath = configPath
            self.account = account
            self.distinguishedName = distinguishedName
            self.passwordVersion = passwordVersion
            self.pwdLastSet = pwdLastSet
            self.action = action
            self.keepCount = keepCount
            self.keepDays = keepDays
            self.maxRecords = maxRecords
        }

        public init?(text: String) {
            var f: [String: String] = [:]
            let lines = text.split(separator: "\n")
            guard lines.first == "pwguard-history-job 1" else { return nil }
            for line in lines.dropFirst() {
                let kv = line.split(separator: " ", maxSplits: 1)
                f[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
            }
            func opt(_ k: String) -> String? { f[k].flatMap { $0 == "-" ? nil : $0 } }
            guard let account = f["account"], !account.isEmpty, let keep = f["keep"]?.split(separator: " ").compactMap({ Int($0) }),
                  keep.count == 3 else { return nil }
            let action: Action
            if let r = f["record"] {
                guard let rec = HistoryRecord(text: r) else { return nil }
                action = .record(rec)
            } else if f["delete"] != nil {
                action = .delete
            } else { return nil }
            self.init(configPath: opt("config"), account: account, distinguishedName: opt("dn"),
                      passwordVersion: opt("version").flatMap { UInt32($0) }, pwdLastSet: opt("pwdlastset").flatMap { Int64($0) },
                      action: action, keepCount: keep[0], keepDays: keep[1], maxRecords: keep[2])
        }
    }

    /// The attributes `check` reads when history is in use.
    public static func lookupAttributes(_ settings: HistorySettings) -> [String] {
        [settings.attribute, "replPropertyMetaData"]
    }

    /// Whether `config` uses history at all: a policy has a history rule, or histories are recorded or
    /// deleted for everyone else (`without_rule`).
    public static func inUse(_ config: Configuration) -> Bool {
        config.history.withoutRule != .keep || config.policies.contains { historyRule(in: $0) != nil }
    }

    public static func historyRule(in policy: Policy) -> HistoryRule? {
        for set in policy.ruleSets { for r in set.rules { if let h = r as? HistoryRule { return h } } }
        return nil
    }

    /// What to do after an accepted change, or nil (nothing to record: history unused, or not accepted, or the
    /// history was not read). The record's hash is computed here (and is usually the one the history rule
    /// already computed: same parameters, same salt).
    public static func plan(decision: Decision, resolution: IdentityResolution, config: Configuration, password: String,
                            now: Int64) -> Result<Job?, HistoryHashError>
    {
        guard inUse(config), decision.verdict != .reject, resolution.lookedUp, resolution.error == nil else { return .success(nil) }
        let settings = config.history
        let snapshot = resolution.identity.passwordHistory
        var deleting = false
        var keepCount = settings.maxRecords, keepDays = 0
        if let rule = decision.policy.flatMap(historyRule(in:)) {
            keepCount = min(rule.count, settings.maxRecords)
            keepDays = rule.days
        } else {
            switch settings.withoutRule {
            case .keep: return .success(nil)
            case .delete:
                guard let snapshot, !snapshot.values.isEmpty else { return .success(nil) }
                (deleting, keepCount) = (true, 0)
            case .record: break
            }
        }
        let action: Job.Action
        if deleting {
            action = .delete
        } else {
            switch config.resources.historyHasher.record(Array(password.utf8), hashing: settings.hashing, snapshot: snapshot, time: now) {
            case .failure(let e): return .failure(e)
            case .success(let record): action = .record(record)
            }
        }
        return .success(Job(configPath: config.path, account: resolution.identity.accountName,
                            distinguishedName: resolution.newAccount ? nil : resolution.identity.distinguishedName,
                            passwordVersion: resolution.passwordVersion, pwdLastSet: resolution.pwdLastSet, action: action,
                            keepCount: keepCount, keepDays: keepDays, maxRecords: settings.maxRecords))
    }

    /// Starts the detached record process. Returns its pid or why it could not start.
    public static func spawn(_ job: Job) -> Result<Int32, HistoryHashError> {
        let bytes = Array(job.text.utf8)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("pwguard"), strdup("__history-record"), nil]
        defer { argv.forEach { free($0) } }
        let pid = bytes.withUnsafeBytes { b in
            argv.withUnsafeBufferPointer { a in pwguard_spawn_detached("/proc/self/exe", a.baseAddress, b.baseAddress, b.count) }
        }
        if pid < 0 { return .failure(HistoryHashError(message: "cannot start the history record process: \(String(cString: strerror(errno)))")) }
        return .success(pid)
    }

    /// The records to keep after adding `new` to `current` (values as stored), and the values to delete.
    /// Values that are not records of this version are kept untouched.
    public static func prune(current: [String], adding new: HistoryRecord?, keepCount: Int, keepDays: Int, maxRecords: Int,
                             now: Int64) -> (keep: [String], delete: [String])
    {
        let parsed = current.map { ($0, HistoryRecord(text: $0)) }
        var records = parsed.compactMap { v, r in r.map { (v, $0) } }
        if let new { records.append((new.text, new)) }
        records.sort { $0.1.time > $1.1.time }
        let cutoff = now - Int64(keepDays) * 86_400
        var keep: [String] = []
        for (i, (v, r)) in records.enumerated() where keep.count < maxRecords {
            if i < keepCount || (keepDays > 0 && r.time >= cutoff) { keep.append(v) }
        }
        let keepSet = Set(keep)
        let delete = records.map(\.0).filter { !keepSet.contains($0) && current.contains($0) }
        return (keep + parsed.filter { $0.1 == nil }.map(\.0), delete)
    }

    // MARK: the detached process

    /// `pwguard __history-record`: reads a job on stdin, waits for the commit, writes. Logs one event.
    public static func runDetached() -> Int32 {
        Hardening.apply()
        var input: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while input.count < 1 << 20 {
            let n = buf.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            input += buf[0..<n]
        }
        var sink = SyslogSink()
        guard let job = Job(text: String(decoding: input, as: UTF8.self)) else {
            sink.log(.err, "event=history_error cause=job detail=\"unreadable job on stdin\"")
            return 2
        }
        let config: Configuration
        do { config = try job.configPath.map { try Configuration.load(path: $0) } ?? Configuration.embeddedDefault() } catch {
            sink.log(.err, "event=history_error account=\(EventLine.quote(job.account)) cause=config detail=\(EventLine.quote("\(error)"))")
            return 2
        }
        if config.log.facility == "auth" || config.log.ident != "pwguard" {
            sink = SyslogSink(facility: config.log.facility == "auth" ? .auth : .authpriv, ident: config.log.ident)
        }
        let outcome = record(job, config: config)
        sink.log(outcome.ok ? .info : .warning, outcome.event)
        return outcome.ok ? 0 : 1
    }

    public struct Outcome: Sendable {
        public var ok: Bool
        public var event: String
    }

    /// Waits for the commit, then writes, retrying on conflicts.
    public static func record(_ job: Job, config: Configuration, pollMilliseconds: Int = 100) -> Outcome {
        let start = Deadline.now()
        let attribute = config.history.attribute
        // The record process holds up nobody: it waits as long as the DC needs. A burst of changes keeps the
        // write lock busy (the modify waits for it) and may keep every Samba worker busy (a search then waits
        // for one): generous timeouts, and an unanswered lookup does not count as "not committed".
        var settings = config.directory
        settings.timeoutMilliseconds = max(settings.timeoutMilliseconds, 15_000)
        let hardLimit = max(Double(config.history.confirmTimeoutSeconds) * 1000, 120_000)
        var ev = EventLine()
        ev.add("account", job.account)
        let what: String
        switch job.action {
        case .record(let r): what = "record"; ev.add("hashing", r.hashing.description)
        case .delete: what = "delete"
        }
        func done(_ ok: Bool, _ result: String, _ detail: String? = nil) -> Outcome {
            var e = EventLine()
            e.add("event", ok ? "history_\(what == "record" ? "recorded" : "deleted")" : "history_not_\(what == "record" ? "recorded" : "deleted")")
            return Outcome(ok: ok, event: e.text + " " + ev.text + " result=\(EventLine.quote(result))"
                + (detail.map { " detail=\(EventLine.quote($0))" } ?? "")
                + " waited_ms=\(CheckCommand.formatMs(Deadline.milliseconds(since: start))) version=\(pwguardVersion)")
        }
        // 1. Wait until the change has committed.
        let giveUpAfter = Double(config.history.confirmTimeoutSeconds) * 1000
        func read() -> Result<DirectoryFacts, DirectoryError> {
            DirectoryLookup.lookup(account: job.account, settings: settings, extraAttributes: lookupAttributes(config.history), tokenGroups: false)
        }
        var facts: DirectoryFacts?
        var lastProblem: String?
        usleep(50_000)
        while true {
            switch read() {
            case .success(let f):
                lastProblem = nil
                if committed(job, f) { facts = f }
            case .failure(.noSuchUser):
                lastProblem = nil  // an account being created: not there until the create commits
            case .failure(let e):
                lastProblem = e.description
            }
            if facts != nil { break }
            let elapsed = Deadline.milliseconds(since: start)
            if let lastProblem, elapsed >= hardLimit {
                return done(false, "error", "the directory did not answer for \(Int(hardLimit / 1000)) s: \(lastProblem)")
            }
            if lastProblem == nil, elapsed >= giveUpAfter {
                return done(false, "unconfirmed", "the change did not commit within \(config.history.confirmTimeoutSeconds) s "
                    + "(Samba refused it after the check, e.g. its own password history, or rolled the create back): nothing written")
            }
            usleep(useconds_t(pollMilliseconds * 1000))
        }
        // 2. One modify: delete exactly what is pruned, add the new record. A concurrent writer makes it fail;
        //    re-read and retry.
        var attempt = 0
        while true {
            attempt += 1
            guard let f = facts else { break }
            let current = (f.extra[attribute.lowercased()] ?? []).map { String(decoding: $0, as: UTF8.self) }
            let add: [String], delete: [String], kept: Int
            switch job.action {
            case .record(let r):
                let p = prune(current: current, adding: r, keepCount: job.keepCount, keepDays: job.keepDays, maxRecords: job.maxRecords,
                              now: r.time)
                add = p.keep.contains(r.text) ? [r.text] : []
                delete = p.delete
                kept = p.keep.count
            case .delete:
                add = []
                delete = current
                kept = 0
            }
            if add.isEmpty && delete.isEmpty { return done(true, "nothing to change") }
            switch DirectoryLookup.modify(dn: f.distinguishedName, attribute: attribute, delete: delete.map { Array($0.utf8) },
                                          add: add.map { Array($0.utf8) }, settings: settings) {
            case .success:
                ev.add("records", String(kept))
                ev.add("pruned", String(delete.count))
                ev.add("attempts", String(attempt))
                return done(true, "ok")
            case .failure(let e) where attempt < 8 && (e.isConflict || (e.isTimeout && Deadline.milliseconds(since: start) < hardLimit)):
                let why = e.description
                usleep(useconds_t(20_000 * attempt))
                switch read() {
                case .success(let again): facts = again
                case .failure(let e): return done(false, "error", "re-reading after a conflict (\(why)): \(e)")
                }
            case .failure(let e):
                return done(false, "error", "writing \(attribute) of \(f.distinguishedName): \(e)")
            }
        }
        return done(false, "error", "no entry")
    }

    /// Whether the directory shows the change committed.
    static func committed(_ job: Job, _ f: DirectoryFacts) -> Bool {
        if job.distinguishedName == nil { return true }  // created since the check
        if let before = job.passwordVersion, let now = f.passwordVersion { return now > before }
        if let before = job.pwdLastSet { return f.pwdLastSet != before }
        return false
    }
}

extension ModifyError {
    var isConflict: Bool { if case .conflict = self { return true } else { return false } }
    var isTimeout: Bool { if case .directory(.timeout) = self { return true } else { return false } }
}
