import ArgumentParser
import PwguardCheck
import PwguardConfig
import PwguardCore
import PwguardDirectory

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate a configuration file, or print the embedded default policy.",
        subcommands: [Check.self, ShowDefault.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate a configuration file: every error names the file, line and key. Exit 0 when valid, 2 when not."
        )
        @Argument(help: "The file to check (default /etc/pwguard/pwguard.toml).")
        var path: String = CheckCommand.defaultConfigPath

        func run() throws {
            do {
                let c = try Configuration.load(path: path)
                let broken = c.resources.storeProblems
                for (name, problem) in broken { printError("\(path): [stores] \(name): \(problem) (check follows on_error)") }
                if !broken.isEmpty { throw ExitCode(PwguardCheck.ExitCode.usageOrConfig.rawValue) }
                try checkGroups(c)
                print("\(path): valid: \(c.policies.count) \(c.policies.count == 1 ? "policy" : "policies")"
                      + (c.defaultPolicy.map { ", default \"\($0)\"" } ?? ", no default policy")
                      + ", on_error = \(c.onError.rawValue), deadline \(c.deadlineMilliseconds) ms")
                for w in FileTrust.warnings { printError("warning: \(w)") }
                if let uri = c.directory.uri, uri.hasPrefix("ldaps://") || c.directory.bindDN != nil, !DirectoryLookup.tlsAvailable {
                    printError("warning: [directory] uses TLS (\(uri)), which this fully static pwguard cannot load "
                               + "(GnuTLS crashes when dlopen'ed into a static executable): use the privileged ldapi socket, "
                               + "sasl = \"gssapi\", or a build made without -static-executable")
                }
                if c.history.attribute != HistorySettings.defaultAttribute, c.policies.contains(where: { $0.ruleSets.contains { $0.rules.contains { $0 is HistoryRule } } }) {
                    printError("warning: [history] attribute = \"\(c.history.attribute)\": unless this attribute is confidential "
                               + "(searchFlags 128) or its read access restricted, every authenticated user can read the password "
                               + "hashes in it (docs/history.md)")
                }
                domainWarning(c)
                if HistoryRecorder.inUse(c), c.directory.bindDN != nil || c.directory.sasl != nil
                    || (c.directory.uri.map { !$0.contains("ldap_priv") } ?? false) {
                    printError("warning: history is in use but [directory] is not the DC's privileged ldapi socket: the record "
                               + "process confirms a change by reading unicodePwd and ntPwdHistory, which only that socket "
                               + "returns, so no record would be written (result=unconfirmed; docs/history.md)")
                }
                for p in c.policies {
                    print("  policy \"\(p.name)\" priority \(p.priority) \(p.mode.rawValue): "
                          + p.ruleSets.map { "\($0.rules.count) rules (\($0.requirement))" }.joined(separator: ", "))
                }
            } catch let e as ArgumentParser.ExitCode {
                throw e
            } catch {
                printError("\(error)")
                throw ExitCode(PwguardCheck.ExitCode.usageOrConfig.rawValue)
            }
        }
    }

    /// `domains` filters without `domain`: say where the domain comes from (the directory's naming context,
    /// which costs a lookup on every check when nothing else needs one), or that it is unknown.
    static func domainWarning(_ c: Configuration) {
        guard c.domain == nil else { return }
        let named = c.policies.filter { $0.name != c.defaultPolicy && $0.filters.needsDomain }.map { "\"\($0.name)\"" }
        guard !named.isEmpty else { return }
        let what = "domains filter of \(named.joined(separator: ", ")) with no `domain` set"
        if !c.directory.enabled {
            printError("warning: \(what) and [directory] enabled = false: this DC's domain is unknown, so a block list never "
                       + "matches and an allow list always does; set domain = \"…\"")
        } else if !c.policies.contains(where: { ($0.name != c.defaultPolicy && $0.filters.needsDirectory) || $0.rulesNeedDirectory }),
                  !HistoryRecorder.inUse(c) {
            printError("warning: \(what): every check looks the directory up only to read its naming context (the "
                       + "domain; ~7 ms, and a failed lookup follows on_error); set domain = \"…\" (a configured domain wins "
                       + "over the directory's; the UPN suffix is never used)")
        }
    }

    /// On a DC (the directory reachable as the configuration says): every configured group name must name one
    /// group. A name that names several is an error (exit 2); one that names none is a warning. Elsewhere the
    /// names are not checked, and a note says so.
    static func checkGroups(_ c: Configuration) throws {
        let names = IdentityResolution.groupNames(c)
        guard !names.isEmpty, c.directory.enabled else { return }
        switch DirectoryLookup.resolveGroups(names, settings: c.directory) {
        case .success(let resolved):
            for r in resolved where r.sids.isEmpty {
                printError("warning: groups filter: no group \"\(r.name)\" in the directory (a typo?): the filters naming it never match; "
                           + "check logs event=warning cause=unknown_group while it is missing")
            }
        case .failure(let e):
            if case .ambiguousGroup = e {
                printError("\(c.path ?? "configuration"): \(e) (check follows on_error)")
                throw ExitCode(PwguardCheck.ExitCode.usageOrConfig.rawValue)
            }
            printError("note: group names not checked against the directory (\(e.description))")
        }
    }

    struct ShowDefault: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show-default",
            abstract: "Print the embedded default policy (used when no configuration file exists) as TOML."
        )
        func run() throws { print(Configuration.embeddedDefaultTOML, terminator: "") }
    }
}
