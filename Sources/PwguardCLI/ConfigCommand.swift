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

    struct ShowDefault: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show-default",
            abstract: "Print the embedded default policy (used when no configuration file exists) as TOML."
        )
        func run() throws { print(Configuration.embeddedDefaultTOML, terminator: "") }
    }
}
