#if canImport(Glibc)
import Glibc
#endif
import PwguardCore

// The walk over the document: one function per section. Each section runs inside `attempt`, so one bad
// policy or rule does not hide the errors of the next.

extension Loader {
    func configuration(_ document: [String: ConfigValue]) -> Configuration? {
        let root = Reader(self, path: "", document)
        let onError = attempt { try root.choice("on_error", ["reject", "accept"]) } ?? nil
        let deadline = attempt { try root.int("deadline_ms", 50...900) } ?? nil
        let domain = attempt { try root.dnsName("domain") } ?? nil
        let server = attempt { try root.dnsName("server") } ?? nil
        let log = attempt { try logSettings(root.table("log", example: "[log]")) }
        let directory = attempt {
            try directorySettings(root.table("directory", example: "[directory]"), deadline: deadline ?? 500)
        }
        let history = attempt { try historySettings(root.table("history", example: "[history]")) }
        let resources = self.resources(root)
        let policies = self.policies(root, resources)
        let defaultPolicy = attempt { try self.defaultPolicy(root, policies) } ?? nil
        if let history {
            for p in policies.map(\.policy) {
                for set in p.ruleSets {
                    for case let h as HistoryRule in set.rules where h.count > history.maxRecords {
                        attempt {
                            throw root.error("history", "policy \"\(p.name)\" has a history rule with count = \(h.count), more than "
                                + "[history] max_records = \(history.maxRecords) records are ever kept")
                        }
                    }
                }
            }
        }
        root.finish()
        guard !hasErrors, let log, let directory, let history else { return nil }
        let sorted = policies.map(\.policy).enumerated()
            .sorted { $0.element.priority != $1.element.priority ? $0.element.priority < $1.element.priority : $0.offset < $1.offset }
            .map(\.element)
        return Configuration(
            path: file, onError: onError.flatMap(OnError.init(rawValue:)) ?? .reject, deadlineMilliseconds: deadline ?? 500,
            policies: sorted, defaultPolicy: defaultPolicy, resources: resources, log: log, directory: directory,
            history: history, domain: domain, server: server)
    }

    // MARK: [log], [directory]

    func logSettings(_ r: Reader?) throws -> LogSettings {
        guard let r else { return LogSettings() }
        var s = LogSettings()
        s.facility = try r.choice("facility", ["authpriv", "auth"]) ?? s.facility
        s.jsonFile = try r.absolutePath("json_file")
        s.captureRejectedFile = try r.absolutePath("capture_rejected_file")
        // Compared as real paths ("/x/./events.jsonl", a symlinked directory); `check` compares the opened
        // files by device and inode as well (a hard link).
        if let c = s.captureRejectedFile, let j = s.jsonFile, ConfigLocation.canonicalPath(c) == ConfigLocation.canonicalPath(j) {
            throw r.error("capture_rejected_file", "must not be the json_file (\(j)): captured passwords need a file of their own")
        }
        if let ident = try r.text("ident") {
            guard ident.utf8.count <= 32, ident.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
                throw r.error("ident", "must be at most 32 printable ASCII characters without spaces")
            }
            s.ident = ident
        }
        r.finish()
        return s
    }

    func directorySettings(_ r: Reader?, deadline: Int) throws -> DirectorySettings {
        guard let r else { return DirectorySettings() }
        var s = DirectorySettings()
        if let uri = try r.text("uri") {
            let lower = uri.lowercased()
            guard ["ldapi://", "ldaps://", "ldap://"].contains(where: { lower.hasPrefix($0) }) else {
                throw r.error("uri", "must start with ldapi://, ldaps:// or ldap://, not \"\(uri)\"")
            }
            s.uri = uri
        }
        s.privateDir = try r.absolutePath("private_dir")
        if let timeout = try r.int("timeout_ms", 1...900) {
            guard timeout < deadline else {
                throw r.error("timeout_ms", "must be less than deadline_ms (\(deadline)), not \(timeout)")
            }
            s.timeoutMilliseconds = timeout
        }
        s.bindDN = try r.text("bind_dn")
        if let dn = s.bindDN, !dn.contains("=") {
            throw r.error("bind_dn", "must be a distinguished name such as \"CN=pwguard,CN=Users,DC=lab,DC=example\"")
        }
        s.passwordFile = try r.absolutePath("password_file")
        s.sasl = try r.choice("sasl", ["gssapi"])
        s.enabled = try r.bool("enabled") ?? true
        if s.bindDN != nil && s.passwordFile == nil {
            throw r.error("password_file", "is required with bind_dn (the file holding the bind password)")
        }
        if s.bindDN == nil && s.passwordFile != nil {
            throw r.error("password_file", "is only used with bind_dn")
        }
        if s.bindDN != nil && s.sasl != nil {
            throw r.error("sasl", "cannot be combined with bind_dn: use either a simple bind or SASL")
        }
        r.finish()
        return s
    }

    func historySettings(_ r: Reader?) throws -> HistorySettings {
        guard let r else { return HistorySettings() }
        var s = HistorySettings()
        if let a = try r.text("attribute") {
            guard let first = a.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII,
                  a.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }) else {
                throw r.error("attribute", "must be an attribute's lDAPDisplayName (letters, digits, -), not \"\(a)\"")
            }
            s.attribute = a
        }
        let algorithm = try r.choice("algorithm", HistoryAlgorithm.allCases.map(\.rawValue)).flatMap(HistoryAlgorithm.init(rawValue:))
        let m = try r.int("argon2_memory_kib", 64...4_194_304)
        let t = try r.int("argon2_iterations", 1...64)
        let p = try r.int("argon2_parallelism", 1...16)
        if algorithm == .sha256, m != nil || t != nil || p != nil {
            throw r.error("algorithm", "argon2_* settings are for algorithm = \"argon2id\"")
        }
        if algorithm == .sha256 {
            s.hashing = .sha256
        } else {
            s.hashing.memoryKiB = UInt32(m ?? Int(s.hashing.memoryKiB))
            s.hashing.iterations = UInt32(t ?? Int(s.hashing.iterations))
            s.hashing.parallelism = UInt32(p ?? Int(s.hashing.parallelism))
            if s.hashing.memoryKiB < 8 * s.hashing.parallelism {
                throw r.error("argon2_memory_kib", "must be at least 8 × argon2_parallelism")
            }
        }
        s.maxRecords = try r.int("max_records", 1...100) ?? s.maxRecords
        s.confirmTimeoutSeconds = try r.int("confirm_timeout_seconds", 1...600) ?? s.confirmTimeoutSeconds
        if let w = try r.choice("without_rule", HistorySettings.WithoutRule.allCases.map(\.rawValue)) {
            s.withoutRule = HistorySettings.WithoutRule(rawValue: w)!
        }
        if let d = try r.text("run_directory") {
            guard d.hasPrefix("/"), !d.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw r.error("run_directory", "must be an absolute path")
            }
            s.runDirectory = d
        }
        s.maxRecordProcesses = try r.int("max_record_processes", 1...256) ?? s.maxRecordProcesses
        s.maxRecordProcessesPerUser = try r.int("max_record_processes_per_user", 1...64) ?? s.maxRecordProcessesPerUser
        r.finish()
        return s
    }

    // MARK: [lists], [substitutions], [stores]

    func resources(_ root: Reader) -> Resources {
        let base = file.map(directoryOf)
        var listPaths: [String: String] = [:]
        if let lists = attempt({ try root.table("lists", example: "[lists]") }) ?? nil {
            for name in lists.values.keys.sorted() {
                attempt {
                    guard let path = try lists.text(name) else { return }
                    if let problem = listProblem(path, base: base) { throw lists.error(name, problem) }
                    listPaths[name] = path
                }
            }
            lists.finish()
        }
        var overrides: [String: String] = [:]
        if let subs = attempt({ try root.table("substitutions", example: "[substitutions]") }) ?? nil {
            for key in subs.values.keys.sorted() {
                attempt {
                    guard key.unicodeScalars.count == 1 else {
                        throw subs.error(key, "a substitution key must be one character")
                    }
                    guard let letters = try subs.string(key) else { return }
                    guard letters.unicodeScalars.allSatisfy(\.isLetter) else {
                        throw subs.error(key, "must be the letters the character may stand for (\"\" removes it), not \"\(letters)\"")
                    }
                    overrides[key] = letters
                }
            }
            subs.finish()
        }
        // [stores]: breached-password stores by name. Opening them is the rules' business: a store that
        // cannot be used is kept as a problem (check follows on_error), not a configuration error.
        var storePaths: [String: String] = [:]
        if let stores = attempt({ try root.table("stores", example: "[stores]") }) ?? nil {
            for name in stores.values.keys.sorted() {
                attempt {
                    guard let path = try stores.text(name) else { return }
                    storePaths[name] = path
                }
            }
            stores.finish()
        }
        return Resources(substitutions: SubstitutionTable.standard.merging(overrides), listPaths: listPaths, baseDirectory: base,
                         storePaths: storePaths)
    }

    // MARK: [[policy]]

    func policies(_ root: Reader, _ resources: Resources) -> [(policy: Policy, hasFilters: Bool)] {
        guard let readers = attempt({ try root.tables("policy", header: "policy") }) ?? nil else {
            if !root.has("policy") {
                record(root.error("policy", "at least one [[policy]] is required (see `pwguard config show-default`)"))
            }
            return []
        }
        if readers.isEmpty { record(root.error("policy", "at least one [[policy]] is required")) }
        var out: [(policy: Policy, hasFilters: Bool)] = []
        var names: [String: String] = [:]
        for r in readers {
            if case .string(let name)? = r.values["name"] {
                if let first = names[name] {
                    record(r.error("name", "\"\(name)\" is already the name of \(first)"))
                } else {
                    names[name] = r.path
                }
            }
            if let p = attempt({ try policy(r, resources) }) { out.append(p) }
        }
        return out
    }

    func policy(_ r: Reader, _ resources: Resources) throws -> (policy: Policy, hasFilters: Bool) {
        let name = try r.required("name", "the policy's name, shown in logs and by `pwguard explain`")
        let priority = try r.int("priority") ?? 0
        let mode = try r.choice("mode", PolicyMode.allCases.map(\.rawValue)).flatMap(PolicyMode.init(rawValue:)) ?? .enforce
        let appliesTo = try r.table("applies_to", example: "[policy.applies_to]")
        let filters = try appliesTo.map(self.filters) ?? PolicyFilters()
        // `rule_set = []`, written out, is seed 004's policy with every rule disabled: it exempts its users.
        guard let setReaders = try r.tables("rule_set", header: "policy.rule_set") else {
            throw r.error("rule_set", "is required: at least one [[policy.rule_set]] with its rules (or rule_set = [] for a policy that exempts its users from every rule)")
        }
        var sets: [RuleSet] = []
        for (n, s) in setReaders.enumerated() {
            if let set = attempt({ try ruleSet(s, number: n + 1, resources) }) { sets.append(set) }
        }
        // Samba skips its own complexity check once a script is set: a monitor policy still enforces it,
        // unless the configuration says so in as many words.
        let keepsComplexity = try r.bool("monitor_enforces_windows_complexity")
        if keepsComplexity != nil && mode != .monitor {
            throw r.error("monitor_enforces_windows_complexity", "only applies to a policy with mode = \"monitor\"")
        }
        r.finish()
        guard sets.count == setReaders.count else { throw AlreadyRecorded() }
        if mode == .monitor && keepsComplexity != false { sets.append(Policy.windowsComplexityUnderMonitor()) }
        return (Policy(name: name, priority: priority, mode: mode, filters: filters, ruleSets: sets), appliesTo != nil)
    }

    func defaultPolicy(_ root: Reader, _ policies: [(policy: Policy, hasFilters: Bool)]) throws -> String? {
        guard let name = try root.text("default_policy") else { return nil }
        // A policy that failed to load was reported already; look its name up among the raw tables too.
        var declared = policies.map(\.policy.name)
        if case .array(let items)? = root.values["policy"] {
            for case .table(let t) in items { if case .string(let n)? = t["name"] { declared.append(n) } }
        }
        guard declared.contains(name) else {
            let known = policies.map { "\"\($0.policy.name)\"" }.joined(separator: ", ")
            throw root.error("default_policy", "names no policy: \"\(name)\"" + (known.isEmpty ? "" : " (policies: \(known))"))
        }
        if let p = policies.first(where: { $0.policy.name == name }), p.hasFilters {
            throw root.error("default_policy", "\"\(name)\" has applies_to, but the default policy applies whenever no other policy matches, so its filters would be ignored: remove them or choose another default")
        }
        return name
    }

    // MARK: [policy.applies_to]

    func filters(_ r: Reader) throws -> PolicyFilters {
        var f = PolicyFilters()
        f.accounts = try filter(r, "accounts")
        f.groups = try filter(r, "groups")
        f.containers = try filter(r, "containers")
        f.domains = try filter(r, "domains")
        f.servers = try filter(r, "servers")
        f.blockIfGroupsUnresolved = try r.bool("block_if_groups_unresolved") ?? false
        if f.blockIfGroupsUnresolved && f.groups?.mode != .block {
            throw r.error("block_if_groups_unresolved", "only applies with a block group filter: groups = { block = [...] }")
        }
        r.finish()
        return f
    }

    func filter(_ parent: Reader, _ kind: String) throws -> PrincipalFilter? {
        guard let r = try parent.table(kind, example: "{ block = [\"...\"] } or { allow = [\"...\"] }") else { return nil }
        // An empty list is seed 001's "Block with nothing listed": the filter matches everyone (so does `allow = []`).
        let block = try r.strings("block", allowEmpty: true)
        let allow = try r.strings("allow", allowEmpty: true)
        let subtree = kind == "containers" ? try r.bool("subtree") ?? false : false
        r.finish()
        let mode: FilterMode
        let members: [String]
        switch (block, allow) {
        case (let b?, nil): (mode, members) = (.block, b)
        case (nil, let a?): (mode, members) = (.allow, a)
        case (.some, .some):
            throw r.error("", "has both block and allow: use one (block = validated by this policy, allow = exempt from it)")
        case (nil, nil):
            throw r.error("", "needs block (validated by this policy) or allow (exempt from it)")
        }
        let key = mode.rawValue
        for (n, m) in members.enumerated() {
            let bad: String?
            switch kind {
            case "containers": bad = DN(m).map { $0.rdns.isEmpty } == false ? nil : "must be a distinguished name such as \"OU=Staff,DC=lab,DC=example\""
            case "accounts" where m.contains("="), "groups" where m.contains("="):
                bad = DN(m).map { $0.rdns.isEmpty } == false ? nil
                    : "must be \(kind == "groups" ? "a group's sAMAccountName, a SID" : "a sAMAccountName") or a distinguished name such as \"CN=x,CN=Users,DC=lab,DC=example\""
            case "domains", "servers": bad = isDNSName(m) ? nil : "must be a DNS name such as \"lab.example\""
            default: bad = nil
            }
            if let bad { throw error(r.keyPath(key) + "[\(n + 1)]", "\(bad), not \"\(m)\"") }
        }
        return PrincipalFilter(mode: mode, members: members, subtree: subtree)
    }

    // MARK: [[policy.rule_set]], [[policy.rule_set.rule]]

    func ruleSet(_ r: Reader, number: Int, _ resources: Resources) throws -> RuleSet {
        let name = try r.text("name") ?? "rule set \(number)"
        let passphrase = try r.int("passphrase_length", 1...1024)
        guard let ruleReaders = try r.tables("rule", header: "policy.rule_set.rule"), !ruleReaders.isEmpty else {
            throw r.error("rule", "is required: at least one [[policy.rule_set.rule]]")
        }
        let requirement: Requirement
        switch r.node("require") {
        case nil, .string("all")?: requirement = .all
        case .int(let n)? where (1...ruleReaders.count).contains(n): requirement = .atLeast(n)
        case let v?:
            let shown: String
            switch v {
            case .int(let n): shown = String(n)
            case .string(let s): shown = "\"\(s)\""
            default: shown = v.typeName
            }
            throw r.error("require", "must be \"all\" or a number of rules from 1 to \(ruleReaders.count) (this rule set has \(ruleReaders.count) rules), not \(shown)")
        }
        var rules: [any PasswordRule] = []
        var messages: [String?] = []
        for rr in ruleReaders {
            if let (rule, message) = attempt({ try self.rule(rr, resources) }) {
                rules.append(rule)
                messages.append(message)
            }
        }
        r.finish()
        guard rules.count == ruleReaders.count else { throw AlreadyRecorded() }
        return RuleSet(name: name, requirement: requirement, passphraseLength: passphrase, rules: rules, messages: messages)
    }

    /// A rule and its optional `message` (a rejection message template, valid for every rule).
    func rule(_ r: Reader, _ resources: Resources) throws -> (any PasswordRule, String?) {
        var lines: [String: Int] = [:]
        for key in r.values.keys { lines[key] = self.lines.line(r.keyPath(key)) }
        let p = RuleParameters(r.values, lines: lines, path: r.path, tableLine: self.lines.line(r.path))
        do {
            let message = try p.optionalString("message")
            if let message {
                var rest = Substring(message)
                while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                    let name = String(rest[rest.index(after: open)..<close])
                    if !RuleResult.inserts.contains(name) {
                        throw p.error("message", "unknown insert {\(name)}: use \(RuleResult.inserts.map { "{\($0)}" }.joined(separator: ", "))")
                    }
                    rest = rest[rest.index(after: close)...]
                }
            }
            return (try RuleRegistry.make(p, resources: resources), message)
        } catch let e as FileError {
            throw listError(e, values: r.values, resources: resources, p)
        }
    }

    /// A rule could not read a list: blame the key that names it.
    func listError(_ e: FileError, values: [String: ConfigValue], resources: Resources, _ p: RuleParameters) -> ConfigError {
        for key in values.keys.sorted() {
            let named: [String]
            switch values[key]! {
            case .string(let s): named = [s]
            case .array(let a): named = a.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
            default: named = []
            }
            for s in named {
                let target = resources.listPaths[s] ?? s
                if e.path == s || e.path == target || e.path.hasSuffix("/" + target) {
                    return p.error(key, "list \"\(s)\": cannot read \(e.path): \(e.reason)")
                }
            }
        }
        return p.error("", "cannot read \(e.path): \(e.reason)")
    }
}

/// The directory part of a path ("." for a bare file name).
func directoryOf(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}

/// Why a `[lists]` entry cannot be used, or nil: unknown built-in, or a file that cannot be read.
func listProblem(_ path: String, base: String?) -> String? {
    if path.hasPrefix("builtin:") {
        let name = String(path.dropFirst("builtin:".count))
        if BuiltinLists.ranked(name) != nil { return nil }
        return "no built-in list \"\(name)\" (known: \(BuiltinLists.names.map { "builtin:\($0)" }.joined(separator: ", ")))"
    }
    var full = path
    if !path.hasPrefix("/"), let base { full = base + "/" + path }
    let fd = open(full, O_RDONLY | O_CLOEXEC)
    if fd < 0 { return "cannot read \(full): \(String(cString: strerror(errno)))" }
    defer { close(fd) }
    var st = stat()
    if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { return "cannot read \(full): it is a directory" }
    do { try FileTrust.check(st, path: full) } catch { return "\(error)" }
    return nil
}
