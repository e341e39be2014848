import ArgumentParser
import PwguardCheck
import PwguardConfig
import PwguardCore
import PwguardDirectory

#if canImport(Glibc)
import Glibc
#endif

/// `pwguard history show|clear ACCOUNT`: an admin's view of a user's password history (never the hashes).
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show or clear a user's password history (root only; never prints hashes).",
        discussion: """
            pwguard keeps salted Argon2id (or SHA-256) hashes of a user's past passwords in the directory \
            attribute named by [history] attribute (default pwguardPasswordHistory, confidential). These \
            commands read it over the same connection as the check ([directory]: by default the DC's \
            privileged ldapi socket, which only root can open). Run them on a DC, not from inside a check.
            """,
        subcommands: [Show.self, Clear.self]
    )

    struct Options: ParsableArguments {
        @Option(help: "Configuration file (default /etc/pwguard/pwguard.toml, else the embedded default).")
        var config: String?
        @Option(help: "The directory to use (ldapi://, ldaps:// or ldap:// with StartTLS) instead of [directory] of the configuration.")
        var directory: String?
        @Argument(help: "The account (sAMAccountName).")
        var account: String
    }

    /// The configuration, the user, and the directory settings to write with (`--directory` applied).
    static func connect(_ o: Options) throws -> (Configuration, DirectoryFacts, DirectorySettings) {
        Hardening.apply()    // it reads the history's hashes
        guard geteuid() == 0 else {
            printError("pwguard history: must be run as root (the history is confidential; the privileged socket is root's)")
            throw ExitCode(2)
        }
        let config: Configuration
        do { config = try loadConfiguration(o.config) } catch {
            printError("pwguard history: \(error)")
            throw ExitCode(2)
        }
        var settings = config.directory
        if let d = o.directory { settings.uri = d; settings.enabled = true }
        settings.timeoutMilliseconds = max(settings.timeoutMilliseconds, 5000)
        switch DirectoryLookup.lookup(account: o.account, settings: settings, extraAttributes: HistoryRecorder.lookupAttributes(config.history),
                                      tokenGroups: false) {
        case .success(let f): return (config, f, settings)
        case .failure(let e):
            printError("pwguard history: \(e)")
            throw ExitCode(3)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count, dates and algorithms of a user's history records.")
        @OptionGroup var options: Options
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() throws {
            let (config, facts, _) = try HistoryCommand.connect(options)
            let values = (facts.extra[config.history.attribute.lowercased()] ?? []).map { String(decoding: $0, as: UTF8.self) }
            let snapshot = HistorySnapshot(values: values, readAt: Int64(time(nil)))
            let records = snapshot.records
            if json {
                let items: [JSON] = records.map { r in
                    .object([("time", .int(Int(r.time))), ("date", .string(Self.date(r.time))), ("hashing", .string(r.hashing.description))])
                }
                print(JSON.object([("account", .string(facts.accountName)), ("dn", .string(facts.distinguishedName)),
                                   ("attribute", .string(config.history.attribute)), ("records", .array(items)),
                                   ("unreadable", .int(snapshot.unreadable))]).render())
                return
            }
            print("\(facts.accountName) (\(facts.distinguishedName))")
            print("  \(records.count) record\(records.count == 1 ? "" : "s") in \(config.history.attribute)"
                + (snapshot.unreadable > 0 ? ", \(snapshot.unreadable) value(s) that are not pwguard records (left alone)" : ""))
            for (i, r) in records.enumerated() {
                print("  \(String(i + 1).leftPad(3))  \(Self.date(r.time))  \(r.hashing)")
            }
        }

        static func date(_ t: Int64) -> String {
            var tt = time_t(t)
            var tmv = tm()
            gmtime_r(&tt, &tmv)
            func p(_ v: Int32, _ w: Int) -> String { String(v).leftPad(w, "0") }
            return "\(tmv.tm_year + 1900)-\(p(tmv.tm_mon + 1, 2))-\(p(tmv.tm_mday, 2)) \(p(tmv.tm_hour, 2)):\(p(tmv.tm_min, 2)) UTC"
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete every pwguard record of a user's history.")
        @OptionGroup var options: Options

        func run() throws {
            let (config, facts, settings) = try HistoryCommand.connect(options)
            let values = facts.extra[config.history.attribute.lowercased()] ?? []
            let ours = values.filter { HistoryRecord(text: String(decoding: $0, as: UTF8.self)) != nil }
            if ours.isEmpty {
                print("\(facts.accountName): no history records")
                return
            }
            switch DirectoryLookup.modify(dn: facts.distinguishedName, attribute: config.history.attribute, delete: ours, add: [], settings: settings) {
            case .success: print("\(facts.accountName): deleted \(ours.count) history record\(ours.count == 1 ? "" : "s")")
            case .failure(let e):
                printError("pwguard history clear: \(e)")
                throw ExitCode(3)
            }
        }
    }
}

extension String {
    func leftPad(_ width: Int, _ pad: Character = " ") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
