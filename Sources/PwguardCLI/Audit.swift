import ArgumentParser
import PwguardCheck
import PwguardConfig
import PwguardCore
import PwguardDirectory

#if canImport(Glibc)
import Glibc
#endif

/// `pwguard audit`: which enabled accounts already use a breached password (their NT hash is in an NTLM
/// store). Run as root on a DC: the privileged ldapi socket returns `unicodePwd` (the NT hash) only to root.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report enabled accounts whose current password is in an NTLM breached-password store.",
        discussion: """
            Reads every enabled user's NT hash over the privileged ldapi socket ([directory] settings of the \
            configuration; root only) and looks it up in the NTLM stores: those given with --store, else every \
            NTLM store of the configuration's [stores]. Prints a table (account, store, count) or --json. NT \
            hashes are never printed unless --show-hashes is given. Exit 0 when no account is found, 1 when \
            some are, 2 on an error (a store that cannot be used, the directory unreachable).
            """
    )
    @Option(help: "Configuration file (default /etc/pwguard/pwguard.toml, else the embedded default).")
    var config: String?
    @Option(name: .customLong("store"), help: "An NTLM store: a name from [stores] or a path; repeat for several.")
    var stores: [String] = []
    @Flag(help: "Print JSON instead of a table.")
    var json = false
    @Flag(help: "Also print the NT hash of each account found (they are password equivalents: handle with care).")
    var showHashes = false
    @Option(help: "Time allowed for the directory search, in milliseconds.")
    var timeoutMs: Int = 60_000

    struct Finding {
        var account: String
        var store: String
        var count: UInt32?
        var hash: [UInt8]
    }

    func run() throws {
        Hardening.apply()    // it holds every user's NT hash
        func fail(_ message: String) -> ArgumentParser.ExitCode {
            printError("pwguard audit: \(message)")
            return ArgumentParser.ExitCode(2)
        }
        let configuration: Configuration
        do { configuration = try loadConfiguration(config) } catch { throw fail("\(error)") }
        let resources = configuration.resources
        let names = stores.isEmpty ? resources.storePaths.keys.sorted() : stores
        var opened: [(name: String, store: HashStore)] = []
        for name in names {
            switch resources.store(name) {
            case .mapped(let s) where s.header.kind == .ntlm: opened.append((name, s))
            case .mapped(let s):
                if !stores.isEmpty { throw fail("store \"\(name)\" (\(s.path)) holds \(s.header.kind.name) hashes: an audit needs NTLM") }
            case .broken(let e): throw fail("store \"\(name)\": \(e)")
            case .inline: break
            }
        }
        guard !opened.isEmpty else {
            throw fail("no NTLM store to audit against: give --store PATH or configure one in [stores] (pwguard hashes import --kind ntlm)")
        }
        let accounts: [AccountHash]
        switch DirectoryLookup.listAccounts(settings: configuration.directory, timeoutMilliseconds: timeoutMs) {
        case .success(let a): accounts = a
        case .failure(let e): throw fail("\(e)" + (geteuid() == 0 ? "" : " (run as root: only root may use the privileged ldapi socket)"))
        }
        var findings: [Finding] = []
        var withoutHash: [String] = []
        for a in accounts where !a.disabled {
            guard let h = a.ntHash, h.count == 16 else { withoutHash.append(a.accountName); continue }
            for (name, store) in opened {
                switch store.lookup(digest: h) {
                case .absent: continue
                case .found(let count): findings.append(Finding(account: a.accountName, store: name, count: count, hash: h))
                case .corrupt(let why): throw fail("store \"\(name)\" (\(store.path)) is corrupt: \(why)")
                }
                break
            }
        }
        findings.sort { $0.account.lowercased() < $1.account.lowercased() }
        let checked = accounts.filter { !$0.disabled }.count
        if json {
            var fields: [(String, JSON)] = [
                ("accounts", .int(checked)), ("without_nt_hash", .int(withoutHash.count)),
                ("stores", .array(opened.map { .object([("name", .string($0.name)), ("path", .string($0.store.path))]) })),
                ("found", .array(findings.map { f in
                    var o: [(String, JSON)] = [("account", .string(f.account)), ("store", .string(f.store)),
                                               ("count", f.count.map { .int(Int($0)) } ?? .null)]
                    if showHashes { o.append(("nt_hash", .string(Digest.hex(f.hash)))) }
                    return .object(o)
                })),
            ]
            if withoutHash.count == checked && checked > 0 {
                fields.append(("warning", .string("no account had an NT hash: is this the privileged ldapi socket, as root?")))
            }
            print(JSON.object(fields).render())
        } else {
            let width = max(7, findings.map(\.account.count).max() ?? 0)
            let storeWidth = max(5, findings.map(\.store.count).max() ?? 0)
            func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
            if !findings.isEmpty {
                print(pad("ACCOUNT", width) + "  " + pad("STORE", storeWidth) + "  COUNT" + (showHashes ? "  NT HASH" : ""))
                for f in findings {
                    let count = f.count.map(String.init) ?? "-"
                    print(pad(f.account, width) + "  " + pad(f.store, storeWidth) + "  "
                          + (showHashes ? pad(count, 5) + "  " + Digest.hex(f.hash) : count))
                }
            }
            print("\(findings.count) of \(checked) enabled accounts use a password found in \(opened.map(\.name).joined(separator: ", "))"
                  + (withoutHash.isEmpty ? "" : "; \(withoutHash.count) had no NT hash"))
            if withoutHash.count == checked && checked > 0 {
                printError("warning: no account had an NT hash: is this the privileged ldapi socket, as root?")
            }
        }
        if !findings.isEmpty { throw ArgumentParser.ExitCode(1) }
    }
}
