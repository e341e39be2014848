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
// record (the hash, never the password) and the new password's NT hash, and hands both to a fully detached
// process (`pwguard __history-record`, a fresh exec: it never holds the password) on a pipe, in a framed
// job (HistoryJob), then exits. That process takes a seat (RecordSlots: at most max_record_processes, and
// max_record_processes_per_user, and one at a time per user reads and writes the directory), then waits
// until *this* password has committed (HistoryConfirmation: the user's unicodePwd version moved and Samba's
// NT hash of that change is this password's) — Samba may still refuse the change after the script (its own
// NT-hash history) or roll a create back. It gives up after [history] confirm_timeout_seconds, or at once
// when another password committed first. Then one modify deletes exactly the records it prunes and adds
// the new one; a concurrent writer makes that modify fail, and it re-reads and retries.

public enum HistoryRecorder {
    /// What the detached process is asked to do (the framed job on its stdin).
    public typealias Job = HistoryJob

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
                            now: HistoryTime) -> Result<Job?, HistoryHashError>
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
                // only pwguard's records are ever deleted: none, no job
                guard let snapshot, !snapshot.records.isEmpty else { return .success(nil) }
                (deleting, keepCount) = (true, 0)
            case .record: break
            }
        }
        let action: Job.Action
        if deleting {
            action = .delete
        } else {
            switch config.resources.historyHasher.record(Array(password.utf8), hashing: settings.hashing, snapshot: snapshot,
                                                         time: now.seconds, microseconds: now.microseconds) {
            case .failure(let e): return .failure(e)
            case .success(let record): action = .record(record)
            }
        }
        return .success(Job(configPath: config.path, account: resolution.identity.accountName,
                            distinguishedName: resolution.newAccount ? nil : resolution.identity.distinguishedName,
                            passwordVersion: resolution.passwordVersion, pwdLastSet: resolution.pwdLastSet, action: action,
                            keepCount: keepCount, keepDays: keepDays, maxRecords: settings.maxRecords, ntHash: Digest.ntlm(password)))
    }

    /// Starts the detached record process. Returns its pid or why it could not start.
    public static func spawn(_ job: Job) -> Result<Int32, HistoryHashError> {
        var bytes = job.encoded  // holds the NT hash: wiped below
        defer { for i in bytes.indices { bytes[i] = 0 } }
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("pwguard"), strdup("__history-record"), nil]
        defer { argv.forEach { free($0) } }
        let pid = bytes.withUnsafeBytes { b in
            argv.withUnsafeBufferPointer { a in pwguard_spawn_detached("/proc/self/exe", a.baseAddress, b.baseAddress, b.count) }
        }
        if pid < 0 { return .failure(HistoryHashError(message: "cannot start the history record process: \(String(cString: strerror(errno)))")) }
        return .success(pid)
    }

    /// The records to keep after adding `new` to `current` (values as stored), and the values to delete.
    /// Values that are not records of a known version are kept untouched. Newest first by time with
    /// microseconds; on a tie (whole-second `pwg1` records) the new record counts as the newest.
    public static func prune(current: [String], adding new: HistoryRecord?, keepCount: Int, keepDays: Int, maxRecords: Int,
                             now: Int64) -> (keep: [String], delete: [String])
    {
        let parsed = current.map { ($0, HistoryRecord(text: $0)) }
        var records = parsed.compactMap { v, r in r.map { (v, $0) } }
        if let new { records.insert((new.text, new), at: 0) }
        records.sort { $0.1.isNewer(than: $1.1) }  // stable: the new record (first) stays ahead of a tie
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

    /// How long a record process waits for a seat before it gives up (`result=busy`).
    static let seatWaitMilliseconds = 5_000.0

    /// `pwguard __history-record`: reads a job on stdin, takes a seat, waits for the commit, writes. Logs one
    /// event (syslog, and `[log] json_file` when set).
    public static func runDetached() -> Int32 {
        let start = Deadline.now()
        Hardening.apply()
        setName("pwguard-wait")
        var input: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while input.count <= Job.maxBytes {
            let n = buf.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            input += buf[0..<n]
        }
        let job = Job(bytes: input)
        for i in input.indices { input[i] = 0 }
        for i in buf.indices { buf[i] = 0 }
        var sink = SyslogSink()
        guard let job else {
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
        let outcome = seatedRecord(job, config: config, start: start)
        sink.log(outcome.ok ? .info : .warning, outcome.event)
        if let path = config.log.jsonFile, let problem = JSONLog.append(path, fields: outcome.jsonFields) {
            sink.log(.warning, "event=warning account=\(EventLine.quote(job.account)) cause=json_log detail=\(EventLine.quote(problem))")
        }
        return outcome.ok ? 0 : 1
    }

    /// Takes the seats (RecordSlots), waits for the user's turn, then records.
    static func seatedRecord(_ job: Job, config: Configuration, start: timespec) -> Outcome {
        let h = config.history
        let slots: RecordSlots
        switch RecordSlots.acquire(runDirectory: h.runDirectory, account: job.account, perUser: h.maxRecordProcessesPerUser,
                                   total: h.maxRecordProcesses, waitMilliseconds: seatWaitMilliseconds, since: start) {
        case .success(let s): slots = s
        case .failure(.busy(let why)): return Outcome(job: job, ok: false, result: "busy", detail: why + ": nothing written", start: start)
        case .failure(let f): return Outcome(job: job, ok: false, result: "error", detail: f.description, start: start)
        }
        // The one ahead of us ends by its own deadline; ours counts from our start.
        switch slots.waitForTurn(since: start, limit: hardLimitMilliseconds(config) + seatWaitMilliseconds) {
        case .success(true): break
        case .success(false):
            return Outcome(job: job, ok: false, result: "busy", detail: "another record process of this user kept its turn: nothing written",
                           start: start)
        case .failure(let f): return Outcome(job: job, ok: false, result: "error", detail: f.description, start: start)
        }
        setName("pwguard-record")
        // the seats are held (flock) until the record is written; the name changes before they are released, so
        // `ps` never shows two readers of one user while one of them is only exiting
        return withExtendedLifetime(slots) {
            let outcome = record(job, config: config, start: start)
            setName("pwguard-done")
            return outcome
        }
    }

    static func setName(_ name: String) { _ = name.withCString { pwguard_set_name($0) } }

    /// How long an unanswering directory is waited for before giving up (ms).
    static func hardLimitMilliseconds(_ config: Configuration) -> Double {
        max(Double(config.history.confirmTimeoutSeconds) * 1000, 120_000)
    }

    /// The one event of a record process.
    public struct Outcome: Sendable {
        public var ok: Bool
        /// key, value; the syslog line and the JSON object are rendered from it.
        public var fields: [(String, String)]

        init(job: Job, ok: Bool, result: String, detail: String? = nil, extra: [(String, String)] = [], start: timespec) {
            self.ok = ok
            let what: String
            var f: [(String, String)] = []
            switch job.action {
            case .record(let r): what = "recorded"; f.append(("hashing", r.hashing.description))
            case .delete: what = "deleted"
            }
            fields = [("event", ok ? "history_\(what)" : "history_not_\(what)"), ("account", job.account)] + f + extra
                + [("result", result)] + (detail.map { [("detail", $0)] } ?? [])
                + [("waited_ms", CheckCommand.formatMs(Deadline.milliseconds(since: start))), ("version", pwguardVersion)]
        }

        /// The syslog line: `event=history_recorded account=… result=ok …`.
        public var event: String {
            var e = EventLine()
            for (k, v) in fields { e.add(k, v) }
            return e.text
        }

        var jsonFields: [(String, JSONLog.JSONField)] {
            [("time", .string(JSONLog.timestamp()))] + fields.map { k, v in
                (k, k == "waited_ms" || k == "records" || k == "pruned" || k == "attempts" || k == "reads" ? .number(v) : .string(v))
            }
        }
    }

    /// Waits for the commit of this password, then writes, retrying on conflicts. `start`: when the process
    /// started (its deadlines count from there).
    public static func record(_ job: Job, config: Configuration, start: timespec = Deadline.now(), pollMilliseconds: Int = 100) -> Outcome {
        let attribute = config.history.attribute
        // The record process holds up nobody: it waits as long as the DC needs. A burst of changes keeps the
        // write lock busy (the modify waits for it) and may keep every Samba worker busy (a search then waits
        // for one): generous timeouts, and an unanswered lookup does not count as "not committed".
        var settings = config.directory
        settings.timeoutMilliseconds = max(settings.timeoutMilliseconds, 15_000)
        let hardLimit = hardLimitMilliseconds(config)
        var reads = 0
        func done(_ ok: Bool, _ result: String, _ detail: String? = nil, _ extra: [(String, String)] = []) -> Outcome {
            Outcome(job: job, ok: ok, result: result, detail: detail, extra: extra + [("reads", String(reads))], start: start)
        }
        // 1. Wait until this password has committed.
        let giveUpAfter = Double(config.history.confirmTimeoutSeconds) * 1000
        func read() -> Result<DirectoryFacts, DirectoryError> {
            reads += 1
            return DirectoryLookup.lookup(account: job.account, settings: settings,
                                          extraAttributes: lookupAttributes(config.history) + ["unicodePwd", "ntPwdHistory"], tokenGroups: false)
        }
        var facts: DirectoryFacts?
        var lastProblem: String?
        if Deadline.milliseconds(since: start) < 50 { usleep(50_000) }
        while true {
            switch read() {
            case .success(let f):
                lastProblem = nil
                switch Confirmation.of(job, passwordState(f)) {
                case .committed: facts = f
                case .waiting: break
                case .notCommitted(let why): return done(false, "not_committed", why + ": nothing written")
                case .cannotTell(let why): return done(false, "unconfirmed", why + ": nothing written")
                }
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
                delete = deletions(current)
                kept = 0
            }
            if add.isEmpty && delete.isEmpty { return done(true, "nothing to change") }
            switch DirectoryLookup.modify(dn: f.distinguishedName, attribute: attribute, delete: delete.map { Array($0.utf8) },
                                          add: add.map { Array($0.utf8) }, settings: settings) {
            case .success:
                return done(true, "ok", nil, [("records", String(kept)), ("pruned", String(delete.count)), ("attempts", String(attempt))])
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

    /// What `without_rule = "delete"` deletes: the values that parse as pwguard records of a known version
    /// (pwg1, pwg2), one by one. Another program's values (a `desktopProfile`) and a newer format's stay.
    public static func deletions(_ current: [String]) -> [String] {
        current.filter { HistoryRecord(text: $0) != nil }
    }

    /// The password state the confirmation looks at.
    static func passwordState(_ f: DirectoryFacts) -> PasswordState {
        PasswordState(version: f.passwordVersion, pwdLastSet: f.pwdLastSet, unicodePwd: f.extra["unicodepwd"]?.first,
                      ntPwdHistory: f.extra["ntpwdhistory"]?.first ?? [])
    }
}

/// When a change was checked: seconds since 1970-01-01 UTC and microseconds (a history record's time).
public struct HistoryTime: Sendable, Equatable {
    public var seconds: Int64
    public var microseconds: Int32

    public init(seconds: Int64, microseconds: Int32 = 0) {
        self.seconds = seconds
        self.microseconds = microseconds
    }

    public static func now() -> HistoryTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return HistoryTime(seconds: Int64(ts.tv_sec), microseconds: Int32(ts.tv_nsec / 1000))
    }
}

extension ModifyError {
    var isConflict: Bool { if case .conflict = self { return true } else { return false } }
    var isTimeout: Bool { if case .directory(.timeout) = self { return true } else { return false } }
}
