import ArgumentParser
import PwguardCheck
import PwguardConfig
import PwguardCore
import PwguardDirectory

#if canImport(Glibc)
import Glibc
#endif

/// `pwguard explain`: the admin's dry run. Same input and decision as `check`, printed in full.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Dry-run a password: which policy applies and why, and every rule's result.",
        discussion: """
            Reads the password from stdin (piped, one trailing newline removed) or, on a terminal, prompts for \
            it without echo. The password is never taken as an argument. The identity comes from the options, \
            falling back to Samba's SAMBA_CPS_* variables. Exit status is the same as `pwguard check`.
            Example:  printf 'Password1' | pwguard explain --account maryjones --full-name 'Mary Jones'
            """
    )

    @Option(help: "Configuration file (default /etc/pwguard/pwguard.toml, else the embedded default policy).")
    var config: String?
    @Option(help: "sAMAccountName (default: SAMBA_CPS_ACCOUNT_NAME).")
    var account: String?
    @Option(help: "userPrincipalName (default: SAMBA_CPS_USER_PRINCIPAL_NAME).")
    var upn: String?
    @Option(name: .customLong("full-name"), help: "displayName (default: SAMBA_CPS_FULL_NAME).")
    var fullName: String?
    @Option(name: .customLong("given-name"), help: "givenName.")
    var givenName: String?
    @Option(help: "sn (surname).")
    var surname: String?
    @Option(help: "The DC's DNS domain name, for domains filters (default: the configuration's domain, else the directory's naming context).")
    var domain: String?
    @Option(help: "The user's DN, for container filters (instead of a directory lookup).")
    var dn: String?
    @Option(name: .customLong("group"), help: "A group the user is in, by name or SID (repeatable), for group filters.")
    var groups: [String] = []
    @Option(help: "Look the user up in this directory (ldapi://, ldaps:// or ldap:// with StartTLS) even if no policy needs it. Default: [directory] of the configuration, when a policy needs it.")
    var directory: String?
    @Flag(name: .customLong("no-directory"), help: "Never query the directory; use only the options given.")
    var noDirectory = false
    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        Hardening.apply()    // before the password is read (as check does)
        let configuration: Configuration
        do { configuration = try loadConfiguration(config) } catch {
            printError("configuration error: \(error)")
            throw ExitCode(PwguardCheck.ExitCode.usageOrConfig.rawValue)
        }
        for w in FileTrust.warnings { printError("warning: \(w)") }
        let env = Environment.read()
        guard let accountName = account ?? env.accountName else {
            printError("no account: give --account NAME (or set SAMBA_CPS_ACCOUNT_NAME)")
            throw ExitCode(PwguardCheck.ExitCode.usageOrConfig.rawValue)
        }
        let password: String
        switch readPassword() {
        case .success(let p): password = p
        case .failure(let f):
            printError("input error: \(f)")
            throw ExitCode(PwguardCheck.ExitCode.invalidInput.rawValue)
        }
        let given = Identity(accountName: accountName, userPrincipalName: upn ?? env.userPrincipalName,
                             displayName: fullName ?? env.fullName, givenName: givenName, surname: surname,
                             domainName: domain ?? configuration.domain, distinguishedName: dn)
        // The directory, as `check` would use it, unless the admin supplied the facts or said not to.
        var resolution = IdentityResolution(identity: given, groups: groups.isEmpty ? nil : Set(groups.map { $0.lowercased() }),
                                            lookedUp: false, error: nil, newAccount: false, lookupMilliseconds: nil)
        let suppliedFacts = !groups.isEmpty || dn != nil
        if !noDirectory && (directory != nil || !suppliedFacts) {
            var settings = configuration.directory
            if let directory { settings.uri = directory; settings.enabled = true }
            let r = IdentityResolution.resolve(given, config: configuration, settings: settings, force: directory != nil)
            if r.lookedUp {
                resolution = r
                resolution.groups = groups.isEmpty ? r.groups : (r.groups ?? []).union(groups.map { $0.lowercased() })
            }
            if let e = r.error, !IdentityResolution.proceedsWithoutDirectory(configuration) {
                printError("directory error: \(e) (check would apply on_error = \(configuration.onError.rawValue))")
                throw ExitCode(configuration.onError == .accept ? 0 : PwguardCheck.ExitCode.internalError.rawValue)
            }
        }
        let identity = resolution.identity
        let facts = resolution.selectionFacts(config: configuration, domain: domain, server: CheckCommand.hostName())
        let decision = Decision.make(password: password, identity: identity, policies: configuration.policies,
                                     defaultPolicy: configuration.defaultPolicy, facts: facts)
        let strength = ExplainReport.strengthEstimates(decision, Candidate(password, identity: identity))
        if json {
            print(ExplainReport.json(decision, configuration: configuration, resolution: resolution, strength: strength, password: password).render())
        } else {
            print(ExplainReport.text(decision, configuration: configuration, resolution: resolution, strength: strength, password: password), terminator: "")
        }
        if let damage = configuration.resources.indexDamage.first {
            printError("configuration error: \(damage) (check refuses the change, exit 2)")
            throw ExitCode(PwguardCheck.ExitCode.usageOrConfig.rawValue)
        }
        if decision.exitCode != PwguardCheck.ExitCode.accepted { throw ExitCode(decision.exitCode.rawValue) }
    }

    /// stdin when piped; a no-echo prompt on the terminal otherwise.
    func readPassword() -> Result<String, PasswordInput.Failure> {
        if isatty(0) == 1 {
            printErrorNoNewline("Password (not echoed): ")
            var old = termios()
            tcgetattr(0, &old)
            var quiet = old
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSANOW, &quiet)
            defer {
                tcsetattr(0, TCSANOW, &old)
                printError("")
            }
            var bytes: [UInt8] = []
            var c: UInt8 = 0
            while read(0, &c, 1) == 1, c != 10 {
                bytes.append(c)
                if bytes.count > PasswordInput.maxBytes { return .failure(.tooLong(limit: PasswordInput.maxBytes)) }
            }
            defer { PasswordInput.wipe(&bytes) }
            return PasswordInput.decode(bytes)
        }
        switch PasswordInput.readAll() {
        case .failure(let f): return .failure(f)
        case .success(var bytes):
            defer { PasswordInput.wipe(&bytes) }
            return PasswordInput.decode(bytes)
        }
    }

    func printErrorNoNewline(_ s: String) {
        _ = s.withCString { write(2, $0, strlen($0)) }
    }
}

/// Renders a decision for people (text) and programs (JSON). Never includes the password.
enum ExplainReport {
    /// The strength rules' decompositions, by rule set and rule: the admin's dry run shows them, `check` never
    /// computes them (the event carries only the outcome).
    static func strengthEstimates(_ d: Decision, _ candidate: Candidate) -> [[StrengthEstimate?]] {
        guard let p = d.policy, let r = d.result else { return [] }
        return zip(p.ruleSets, r.sets).map { set, result in
            zip(set.rules, result.results).map { rule, res in res.evaluated ? (rule as? StrengthRule)?.estimate(candidate) : nil }
        }
    }

    /// The password's characters a..<b, for the decomposition (explain only); nil for a part that is the whole
    /// password, which explain never prints.
    static func token(_ s: [Unicode.Scalar], _ seg: StrengthSegment) -> String? {
        if seg.start == 0 && seg.end == s.count { return nil }
        var t = ""
        t.unicodeScalars.append(contentsOf: s[seg.start..<seg.end])
        return t
    }

    static func strengthText(_ e: StrengthEstimate, password: [Unicode.Scalar], indent: String) -> String {
        var out = "\(indent)decomposition (10^\(StrengthRule.format(e.guessesLog10)) guesses in all):\n"
        for seg in e.segments {
            var what = seg.pattern.rawValue
            if let l = seg.list { what += " " + l }
            if let r = seg.rank { what += " #\(r)" }
            if !seg.notes.isEmpty { what += " (" + seg.notes.joined(separator: ", ") + ")" }
            out += "\(indent)  \(token(password, seg).map { "\"\($0)\"" } ?? "(the whole password)")  \(what): 10^\(StrengthRule.format(seg.guessesLog10))\n"
        }
        out += "\(indent)suggestion: \(e.suggestion)\n"
        return out
    }

    static func strengthJSON(_ e: StrengthEstimate, password: [Unicode.Scalar]) -> JSON {
        .object([
            ("guesses_log10", .double((e.guessesLog10 * 100).rounded() / 100)),
            ("segments", .array(e.segments.map { seg in
                .object([
                    ("token", .opt(token(password, seg))), ("start", .int(seg.start)), ("end", .int(seg.end)),
                    ("pattern", .string(seg.pattern.rawValue)), ("list", .opt(seg.list)), ("rank", seg.rank.map(JSON.int) ?? .null),
                    ("notes", .array(seg.notes.map(JSON.string))), ("guesses_log10", .double((seg.guessesLog10 * 100).rounded() / 100)),
                ])
            })),
            ("suggestion", .string(e.suggestion)),
        ])
    }

    static func text(
        _ d: Decision, configuration: Configuration, resolution: IdentityResolution? = nil, strength: [[StrengthEstimate?]] = [],
        password: String = ""
    ) -> String {
        var out = ""
        let id = d.identity
        out += "Identity\n"
        out += "  account       \(id.accountName)\n"
        if let v = id.userPrincipalName { out += "  upn           \(v)\n" }
        if let v = id.displayName { out += "  display name  \(v)\n" }
        if let v = id.givenName { out += "  given name    \(v)\n" }
        if let v = id.surname { out += "  surname       \(v)\n" }
        if let v = id.domainName { out += "  domain        \(v)\n" }
        if let v = id.distinguishedName { out += "  dn            \(v)\n" }
        if let r = resolution { out += "  directory     \(directoryText(r))\n" }
        if let g = resolution?.groups { out += "  groups        \(g.isEmpty ? "(none)" : g.sorted().joined(separator: ", "))\n" }
        out += "  password      \(d.candidateLength) characters (not shown)\n"
        out += "\nPolicy selection (\(configuration.path ?? "embedded default policy"))\n"
        for c in d.selection.considered {
            out += "  \(c.matched ? "match   " : "no match") \"\(c.policy)\" (priority \(c.priority))\n"
            for f in c.filters { out += "      \(f.matched ? "+" : "-") \(f.filter): \(f.why)\n" }
        }
        out += "  => \(d.selection.why)\n"
        if let p = d.policy, let r = d.result {
            out += "\nPolicy \"\(p.name)\" (\(p.mode.rawValue))\n"
            for (si, s) in r.sets.enumerated() {
                let status = s.passphraseBypass ? "PASS (passphrase)" : (s.passed ? "PASS" : "FAIL")
                let count = s.results.filter(\.evaluated).count
                out += "  rule set \"\(s.name)\": requires \(s.requirement); \(s.passedCount) of \(count) passed: \(status)\n"
                let width = max(12, s.results.map(\.ruleID.count).max() ?? 0)
                for (ri, r) in s.results.enumerated() {
                    let mark = !r.evaluated ? "skip" : (r.outcome.passed ? "pass" : "FAIL")
                    let pad = String(repeating: " ", count: width - r.ruleID.count)
                    out += "    \(mark)  \(r.ruleID)\(pad)  \(r.outcome.reason)\n"
                    if !r.outcome.passed {
                        if let m = r.outcome.matched { out += "          \(String(repeating: " ", count: width))  matched: \(m)\n" }
                        if let l = r.outcome.list { out += "          \(String(repeating: " ", count: width))  list: \(l)\n" }
                        if let m = r.message() { out += "          \(String(repeating: " ", count: width))  message: \(m)\n" }
                    }
                    if si < strength.count, ri < strength[si].count, let e = strength[si][ri] {
                        out += strengthText(e, password: Array(password.unicodeScalars), indent: "          " + String(repeating: " ", count: width) + "  ")
                    }
                }
            }
        }
        let verdictText: String
        switch d.verdict {
        case .accept: verdictText = "ACCEPT"
        case .reject: verdictText = "REJECT"
        case .monitorWouldReject: verdictText = "ACCEPT (monitor mode: enforce would reject)"
        case .notChecked: verdictText = "ACCEPT (not checked: no policy applies)"
        }
        out += "\nVerdict: \(verdictText) (exit \(d.exitCode.rawValue))\n"
        return out
    }

    static func directoryText(_ r: IdentityResolution) -> String {
        guard r.lookedUp else { return r.groups == nil ? "not queried (no policy needs it)" : "not queried (facts from the options)" }
        if r.newAccount { return "no such user yet (a new account: in no group)" }
        if let e = r.error { return "lookup failed: \(e)" }
        return "looked up" + (r.lookupMilliseconds.map { " in \(CheckCommand.formatMs($0)) ms" } ?? "")
    }

    static func json(
        _ d: Decision, configuration: Configuration, resolution: IdentityResolution? = nil, strength: [[StrengthEstimate?]] = [],
        password: String = ""
    ) -> JSON {
        let id = d.identity
        var obj: [(String, JSON)] = [
            ("verdict", .string(d.verdict.rawValue)),
            ("exit_code", .int(Int(d.exitCode.rawValue))),
            ("config", .opt(configuration.path)),
            ("identity", .object([
                ("account", .string(id.accountName)), ("upn", .opt(id.userPrincipalName)),
                ("display_name", .opt(id.displayName)), ("given_name", .opt(id.givenName)),
                ("surname", .opt(id.surname)), ("domain", .opt(id.domainName)), ("dn", .opt(id.distinguishedName)),
                ("groups", resolution?.groups.map { .array($0.sorted().map(JSON.string)) } ?? .null),
                ("directory", .opt(resolution.map(directoryText))),
            ])),
            ("password_length", .int(d.candidateLength)),
            ("selection", .object([
                ("why", .string(d.selection.why)),
                ("by_default", .bool(d.selection.byDefault)),
                ("considered", .array(d.selection.considered.map { c in
                    .object([
                        ("policy", .string(c.policy)), ("priority", .int(c.priority)), ("matched", .bool(c.matched)),
                        ("filters", .array(c.filters.map { .object([("filter", .string($0.filter)), ("matched", .bool($0.matched)), ("why", .string($0.why))]) })),
                    ])
                })),
            ])),
        ]
        if let p = d.policy, let r = d.result {
            obj.append(("policy", .object([
                ("name", .string(p.name)), ("mode", .string(p.mode.rawValue)), ("compliant", .bool(r.compliant)),
                ("rule_sets", .array(r.sets.enumerated().map { si, s in
                    .object([
                        ("name", .string(s.name)), ("require", .string(s.requirement.description)),
                        ("passed", .bool(s.passed)), ("passphrase_bypass", .bool(s.passphraseBypass)),
                        ("rules", .array(s.results.enumerated().map { ri, r in
                            var fields: [(String, JSON)] = [
                                ("id", .string(r.ruleID)), ("evaluated", .bool(r.evaluated)), ("passed", .bool(r.outcome.passed)),
                                ("reason", .string(r.outcome.reason)), ("matched", .opt(r.outcome.matched)), ("list", .opt(r.outcome.list)),
                                ("message", .opt(r.message())),
                            ]
                            if si < strength.count, ri < strength[si].count, let e = strength[si][ri] {
                                fields.append(("strength", strengthJSON(e, password: Array(password.unicodeScalars))))
                            }
                            return .object(fields)
                        })),
                    ])
                })),
            ])))
        } else {
            obj.append(("policy", .null))
        }
        return .object(obj)
    }
}
