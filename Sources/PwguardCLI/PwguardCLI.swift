import ArgumentParser
import PwguardCheck
import PwguardConfig
import PwguardCore

#if canImport(Glibc)
import Glibc
#endif



/// The admin's commands. `pwguard check` never reaches this type: main.swift dispatches it first, so
/// Samba's hot path pays nothing for argument parsing.
public struct PwguardCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pwguard",
        abstract: "Password policy enforcement for Samba Active Directory domain controllers.",
        discussion: """
            Samba runs `pwguard check` as its `check password script` on every password change:
              check password script = exec /usr/local/sbin/pwguard check
            The password arrives on stdin, the account in SAMBA_CPS_ACCOUNT_NAME. Exit status 0 accepts; \
            1 rejected by policy; 2 usage or configuration error; 3 internal or dependency error (or the \
            deadline passed); 4 invalid input. Run `pwguard check --help` for the hot path's own usage.
            Use `pwguard explain` to dry-run a password and see which policy applies and why it fails.
            """,
        version: pwguardVersion,
        subcommands: [Explain.self, Rules.self, ConfigCommand.self, Stats.self, HistoryCommand.self, Hashes.self, Audit.self, Words.self, CheckHelp.self]
    )

    public init() {}
}

/// Only here so `pwguard help check` and `pwguard --help` list it; real invocations never get here.
struct CheckHelp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "What Samba runs: read the password on stdin, decide, log one event, exit 0 to accept.",
        discussion: CheckCommand.usage
    )
    @Option(help: "Configuration file (default /etc/pwguard/pwguard.toml, else the embedded default policy).")
    var config: String?

    func run() throws {
        throw ExitCode(CheckCommand.main(config.map { ["--config", $0] } ?? []))
    }
}

/// Writes to stderr without Foundation.
func printError(_ s: String) {
    let line = s + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

/// Loads `--config PATH`, else the default path unless nothing is there (as `check` does: a dangling
/// symbolic link is an error), else the embedded default.
func loadConfiguration(_ path: String?) throws -> Configuration {
    if let path = ConfigLocation.resolve(explicit: path) { return try Configuration.load(path: path) }
    return try Configuration.embeddedDefault()
}
