import PwguardCore
import PwguardConfig

/// What `check` logs about one decision, in one place: the syslog line, the JSON object for
/// `[log] json_file` and the opt-in capture of a rejected password. The fields, their quoting and the secret
/// budget (`Disclosure`: the matched values of all failed rules together show at most half of the
/// password) are the same in every rendering.
public struct CheckEvent {
    public var decision: Decision
    public var account: String
    public var upn: String?
    /// The directory lookup's outcome (`ok`, `new-account`, `unresolved:timeout`…), when there was one.
    public var directory: String?
    public var lookupMilliseconds: Double?
    /// Extra `key=value` fields of the syslog line, between the directory and the configuration (history).
    public var extra: [(String, String?)]
    public var config: String
    public var server: String?
    public var durationMilliseconds: Double

    public init(decision: Decision, account: String, upn: String?, directory: String?, lookupMilliseconds: Double?,
                extra: [(String, String?)] = [], config: String, server: String?, durationMilliseconds: Double) {
        self.decision = decision
        self.account = account
        self.upn = upn
        self.directory = directory
        self.lookupMilliseconds = lookupMilliseconds
        self.extra = extra
        self.config = config
        self.server = server
        self.durationMilliseconds = durationMilliseconds
    }

    public var severity: SyslogSink.Severity { decision.verdict == .reject ? .notice : .info }

    /// The syslog line: `event=check account=… policy=… verdict=… failed="…" …`.
    public var line: String {
        var ev = EventLine()
        ev.add("event", "check")
        ev.add("account", account)
        ev.add("upn", upn)
        ev.add("policy", decision.policy?.name ?? "(none)")
        ev.add("mode", decision.policy?.mode.rawValue)
        ev.add("verdict", decision.verdict.rawValue)
        let failed = decision.failedRuleSummary()
        if !failed.isEmpty { ev.add("failed", failed.joined(separator: "; ")) }
        if decision.verdict == .notChecked { ev.add("detail", decision.selection.why) }
        ev.add("directory", directory)
        ev.add("lookup_ms", lookupMilliseconds.map(CheckCommand.formatMs))
        for (k, v) in extra { ev.add(k, v) }
        ev.add("config", config)
        ev.add("server", server)
        ev.add("version", pwguardVersion)
        ev.add("duration_ms", CheckCommand.formatMs(durationMilliseconds))
        return ev.text
    }

    /// The JSON object of `[log] json_file` (one line).
    public func json(time: String) -> String {
        let failures = decision.result?.failures ?? []
        return JSONLog.render([
            ("time", .string(time)), ("server", .string(server)),
            ("account", .string(account)), ("upn", .string(upn)),
            ("policy", .string(decision.policy?.name)), ("mode", .string(decision.policy?.mode.rawValue)),
            ("verdict", .string(decision.verdict.rawValue)),
            ("failed", .array(zip(failures, decision.failedRuleSummary()).map { r, summary in
                [("rule", .string(r.ruleID)), ("list", .string(r.outcome.list)), ("summary", .string(summary))]
            })),
            ("config", .string(config)),
            ("directory", .string(directory)),
            ("lookup_ms", lookupMilliseconds.map { .number(CheckCommand.formatMs($0)) } ?? .string(nil)),
            ("duration_ms", .number(CheckCommand.formatMs(durationMilliseconds))), ("version", .string(pwguardVersion)),
        ])
    }

    /// Whether seed 001's "Capture Rejected Password" takes this password.
    var captures: Bool { decision.verdict == .reject || decision.verdict == .monitorWouldReject }

    /// The capture file's line: the only place a password is ever written.
    func capture(password: String, time: String) -> String {
        JSONLog.render([
            ("time", .string(time)), ("account", .string(account)),
            ("policy", .string(decision.policy?.name)), ("verdict", .string(decision.verdict.rawValue)),
            ("rules", .string(decision.result?.failures.map(\.ruleID).joined(separator: ","))),
            ("password", .string(password)),
        ])
    }

    /// Logs the event: the syslog line, then the capture file and the JSON file when configured. Nothing here
    /// waits (see `SyslogSink.send`, `LogFile.open`) and nothing changes the verdict: a file that cannot be
    /// written gives an `event=warning … cause=json_log|capture_rejected` line (`context`: its other fields).
    public func write(to sink: SyslogSink, log: LogSettings, password: String, context: String) {
        sink.log(severity, line)
        let time = JSONLog.timestamp()
        let json = log.jsonFile.map { LogFile.open($0) }
        defer { if case .success(let j)? = json { j.close() } }
        if let path = log.captureRejectedFile, captures {
            let problem: String?
            switch LogFile.open(path, private: true) {
            case .failure(let p): problem = p.message
            case .success(let file):
                // the same file as the event file under another name (a hard link): never a password there
                if let jsonPath = log.jsonFile, file.isSameFile(as: json, path: jsonPath) {
                    problem = "\(path): not written: it is the json_file \(jsonPath) (same device and inode)"
                } else {
                    problem = file.append(capture(password: password, time: time) + "\n")
                }
                file.close()
            }
            if let problem {
                sink.log(.warning, "event=warning " + context + " cause=capture_rejected detail=\(EventLine.quote(problem))")
            }
        }
        if let json {
            let problem: String?
            switch json {
            case .failure(let p): problem = p.message
            case .success(let file): problem = file.append(self.json(time: time) + "\n")
            }
            if let problem {
                sink.log(.warning, "event=warning " + context + " cause=json_log detail=\(EventLine.quote(problem))")
            }
        }
    }
}
