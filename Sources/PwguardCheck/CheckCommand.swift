#if canImport(Glibc)
import Glibc
#endif
import PwguardCore
import PwguardConfig
import CProcess

/// `pwguard check [--config PATH]`: what Samba's `check password script` runs, once per password change.
///
/// Top to bottom: harden the process, arm the deadline, read the identity (environment) and the password
/// (stdin), load the policy, decide, log one event, exit. Nothing is written to stdout.
public enum CheckCommand {
    public static let defaultConfigPath = ConfigLocation.defaultPath

    public static let usage = """
        usage: pwguard check [--config PATH]
          Reads the new password on stdin and SAMBA_CPS_ACCOUNT_NAME (and SAMBA_CPS_USER_PRINCIPAL_NAME,
          SAMBA_CPS_FULL_NAME) from the environment, as Samba's `check password script` provides them.
          Exit 0 accepts; 1 rejected by policy; 2 usage or configuration error; 3 internal or dependency
          error or deadline; 4 invalid input (too long, not UTF-8, NUL). Never writes to stdout.
          Without --config, \(defaultConfigPath) is used; only when nothing is there (not even a broken
          symbolic link) the embedded default policy applies.
        """

    public static func main(_ arguments: [String]) -> Int32 {
        let start = Deadline.now()
        Hardening.apply()

        // 1. Arguments: only --config.
        var configPath: String?
        var explicitConfig = false
        var i = 0
        while i < arguments.count {
            switch arguments[i] {
            case "--config" where i + 1 < arguments.count:
                configPath = arguments[i + 1]
                explicitConfig = true
                i += 2
            case let a where a.hasPrefix("--config="):
                configPath = String(a.dropFirst("--config=".count))
                explicitConfig = true
                i += 1
            case "-h", "--help":
                _ = usage.withCString { write(2, $0, strlen($0)) }
                return ExitCode.usageOrConfig.rawValue
            default:
                let sink = SyslogSink()
                sink.log(.err, "event=error cause=usage detail=\(EventLine.quote("unknown argument \(arguments[i])")) verdict=reject")
                return ExitCode.usageOrConfig.rawValue
            }
        }

        // 2. Identity from the environment, and a deadline that fails closed until the config says otherwise.
        let env = Environment.read()
        var sink = SyslogSink()
        var base = EventLine()
        base.add("account", env.accountName ?? "(missing)")
        Deadline.arm(milliseconds: 500, since: start, sink: sink,
                     message: sink.datagram(.err, "event=error " + base.text + " cause=deadline detail=\"no decision within 500 ms\" verdict=reject"),
                     exitStatus: ExitCode.internalError.rawValue)
        guard let accountName = env.accountName, !accountName.isEmpty else {
            sink.log(.err, "event=error cause=usage detail=\"SAMBA_CPS_ACCOUNT_NAME is not set: pwguard check must be run by Samba's check password script (use pwguard explain to test)\" verdict=reject")
            return ExitCode.usageOrConfig.rawValue
        }

        // 3. Configuration: the file, or the embedded default policy. An invalid file always fails closed:
        //    its own on_error cannot be trusted. Only "no such file" at the default path means no file.
        let config: Configuration
        do {
            configPath = ConfigLocation.resolve(explicit: configPath)
            config = try configPath.map { try Configuration.load(path: $0) } ?? Configuration.embeddedDefault()
        } catch {
            let what = explicitConfig || configPath != nil ? "configuration \(configPath!)" : "embedded default policy"
            sink.log(.err, "event=error " + base.text + " cause=config detail=\(EventLine.quote("\(what): \(error)")) verdict=reject")
            return ExitCode.usageOrConfig.rawValue
        }
        if config.log.facility == "auth" || config.log.ident != "pwguard" {
            sink = SyslogSink(facility: config.log.facility == "auth" ? .auth : .authpriv, ident: config.log.ident)
        }
        base.add("config", config.path ?? "embedded-default")
        for w in FileTrust.warnings { sink.log(.warning, "event=warning " + base.text + " cause=file_trust detail=\(EventLine.quote(w))") }
        let onError = config.onError
        let errorExit = { (code: ExitCode) -> Int32 in onError == .accept ? ExitCode.accepted.rawValue : code.rawValue }
        let errorVerdict = onError == .accept ? "accept-on-error" : "reject"
        Deadline.arm(milliseconds: config.deadlineMilliseconds, since: start, sink: sink,
                     message: sink.datagram(.err, "event=error " + base.text + " cause=deadline detail=\"no decision within \(config.deadlineMilliseconds) ms\" on_error=\(onError.rawValue) verdict=\(errorVerdict)"),
                     exitStatus: errorExit(.internalError))

        // 4. The password, exactly as Samba wrote it. Bad input is always refused, whatever on_error says.
        var bytes: [UInt8]
        switch PasswordInput.readAll() {
        case .success(let b): bytes = b
        case .failure(let f):
            sink.log(.err, "event=error " + base.text + " cause=input detail=\(EventLine.quote(f.description)) verdict=reject")
            return ExitCode.invalidInput.rawValue
        }
        let password: String
        switch PasswordInput.decode(bytes) {
        case .success(let s): password = s
        case .failure(let f):
            PasswordInput.wipe(&bytes)
            sink.log(.err, "event=error " + base.text + " cause=input detail=\(EventLine.quote(f.description)) verdict=reject")
            return ExitCode.invalidInput.rawValue
        }
        PasswordInput.wipe(&bytes)

        // A breached-password store that is missing, truncated or corrupt is never trusted: follow on_error
        // (after reading stdin, so Samba's write of the password never meets a closed pipe).
        if let (name, problem) = config.resources.storeProblems.first {
            sink.log(.err, "event=error " + base.text + " cause=store store=\(EventLine.quote(name)) detail=\(EventLine.quote(problem.description)) on_error=\(onError.rawValue) verdict=\(errorVerdict)")
            return errorExit(.internalError)
        }

        // 5. Identity: Samba's environment, completed from the directory only when a policy needs it.
        let given = Identity(accountName: accountName, userPrincipalName: env.userPrincipalName,
                             displayName: env.fullName, domainName: config.domain)
        let resolution = IdentityResolution.resolve(given, config: config)
        if let e = resolution.error, !IdentityResolution.proceedsWithoutDirectory(config), IdentityResolution.decisionNeedsDirectory(config) {
            sink.log(.err, "event=error " + base.text + " cause=directory directory=\(e.cause) detail=\(EventLine.quote(e.description)) on_error=\(onError.rawValue) verdict=\(errorVerdict)")
            return errorExit(.internalError)
        }
        let identity = resolution.identity
        // A configured group that names no group (a typo) silently never matches, one that names two cannot be
        // trusted: say so, naming it.
        for w in resolution.warnings { sink.log(.warning, "event=warning " + base.text + " " + w) }

        // 6. Policy, rules, verdict.
        let facts = resolution.selectionFacts(config: config, server: hostName())
        let decision = Decision.make(password: password, identity: identity, policies: config.policies,
                                     defaultPolicy: config.defaultPolicy, facts: facts)
        // A word index whose body the walks found damaged is refused as one that cannot be opened.
        if let damage = config.resources.indexDamage.first {
            sink.log(.err, "event=error " + base.text + " cause=config detail=\(EventLine.quote(damage.description)) verdict=reject")
            return ExitCode.usageOrConfig.rawValue
        }

        // 6b. History: a history rule that could not read or hash the history cannot decide (on_error);
        //     after an accepted change, hand the new record (a hash) to a detached process that writes it
        //     once the change has committed (never from here: a write inside the script deadlocks).
        let hasher = config.resources.historyHasher
        let historyRule = decision.policy.flatMap(HistoryRecorder.historyRule(in:))
        var historyProblem: String?
        // (Unread, the rule passes "not checked"; a password the other rules refused needs no history.)
        if historyRule != nil, identity.passwordHistory == nil, decision.verdict != .reject {
            historyProblem = "the password history could not be read from the directory"
        }
        if let f = hasher.failure { historyProblem = f.message }
        var historyJob: String?
        if historyProblem == nil {
            switch HistoryRecorder.plan(decision: decision, resolution: resolution, config: config, password: password, now: .now()) {
            case .failure(let e): historyProblem = e.message
            case .success(nil): break
            case .success(let job?):
                switch HistoryRecorder.spawn(job) {
                case .success(let pid): historyJob = "started:\(pid)"
                case .failure(let e): historyJob = "failed"; sink.log(.warning, "event=warning " + base.text + " cause=history_record detail=\(EventLine.quote(e.message))")
                }
            }
        }
        if let problem = historyProblem {
            sink.log(.err, "event=error " + base.text + " policy=\(EventLine.quote(decision.policy?.name ?? "(none)")) cause=history detail=\(EventLine.quote(problem)) on_error=\(onError.rawValue) verdict=\(errorVerdict)")
            return errorExit(.internalError)
        }

        // 7. One event, then the exit status Samba reads. The deadline stays armed until exit: if logging
        //    hangs (a disk; sockets and FIFOs are never waited for), it ends the check with this verdict.
        Deadline.prepare(sink: sink, message: sink.datagram(.err, "event=error " + base.text + " cause=deadline detail=\"logging did not finish within \(config.deadlineMilliseconds) ms\" verdict=\(decision.verdict.rawValue)"),
                         exitStatus: decision.exitCode.rawValue)
        var historyFields: [(String, String?)] = []
        if let snapshot = identity.passwordHistory, HistoryRecorder.inUse(config) {
            historyFields.append(("history_records", String(snapshot.records.count)))
            if snapshot.unreadable > 0 { historyFields.append(("history_unreadable", String(snapshot.unreadable))) }
            historyFields.append(("argon2", String(hasher.argon2Computations)))
            if hasher.argon2Computations > 0 { historyFields.append(("argon2_ms", formatMs(hasher.argon2Milliseconds))) }
            historyFields.append(("history_job", historyJob))
        }
        let event = CheckEvent(decision: decision, account: accountName, upn: env.userPrincipalName, directory: resolution.status,
                               lookupMilliseconds: resolution.lookupMilliseconds, extra: historyFields,
                               config: config.path ?? "embedded-default", server: facts.server,
                               durationMilliseconds: Deadline.milliseconds(since: start))
        event.write(to: sink, log: config.log, password: password, context: base.text)
        return decision.exitCode.rawValue
    }

    public static func hostName() -> String? {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count) == 0 else { return nil }
        let full = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return full.split(separator: ".").first.map(String.init)
    }

    public static func formatMs(_ ms: Double) -> String {
        let hundredths = Int((ms * 100).rounded())
        let frac = hundredths % 100
        return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}

/// What Samba puts in the environment.
public struct Environment: Sendable {
    public var accountName: String?
    public var userPrincipalName: String?
    public var fullName: String?

    public static func read() -> Environment {
        func get(_ k: String) -> String? {
            guard let v = getenv(k) else { return nil }
            let s = String(cString: v)
            return s.isEmpty ? nil : s
        }
        return Environment(accountName: get("SAMBA_CPS_ACCOUNT_NAME"), userPrincipalName: get("SAMBA_CPS_USER_PRINCIPAL_NAME"),
                           fullName: get("SAMBA_CPS_FULL_NAME"))
    }
}

