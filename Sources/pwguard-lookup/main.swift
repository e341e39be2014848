// pwguard-lookup: a developer tool that runs pwguard's directory lookup once (or --repeat N times in one
// process) and prints what it found as `key: value` lines. Used by Tests/integration/test_directory.sh
// and for timing; not installed on DCs.
//
//   pwguard-lookup ACCOUNT [--group NAME]... [--uri URI] [--private-dir DIR] [--timeout-ms N]
//                  [--bind-dn DN --password-file FILE] [--sasl gssapi] [--config PATH] [--repeat N]
//
// Exit status: 0 found, 1 no such user, 2 usage or configuration file error, 3 any other lookup error.
// Always prints `elapsed_ms:` (the last lookup, in-process); on failure `error: CAUSE` (DirectoryError.cause)
// on stdout and the message on stderr.

#if canImport(Glibc)
import Glibc
#endif
import PwguardConfig
import PwguardDirectory

func out(_ s: String) { print(s) }
func err(_ s: String) {
    let line = s + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

let usage = """
    usage: pwguard-lookup ACCOUNT [--group NAME]... [--uri URI] [--private-dir DIR] [--timeout-ms N]
                          [--bind-dn DN --password-file FILE] [--sasl gssapi] [--config PATH] [--repeat N]
    """

func ms(_ v: Double?) -> String {
    guard let v else { return "-" }
    let h = Int((v * 1000).rounded())
    let frac = String(h % 1000)
    return "\(h / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
}

func run() -> Int32 {
    signal(SIGPIPE, SIG_IGN)   // as pwguard check does: a directory that hangs up must not kill the process
    let args = Array(CommandLine.arguments.dropFirst())
    var account: String?
    var groups: [String] = []
    var settings = DirectorySettings()
    var repeatCount = 1
    var i = 0
    func value(_ name: String) -> String {
        guard i + 1 < args.count else {
            err("pwguard-lookup: \(name) needs a value\n\(usage)")
            exit(2)
        }
        i += 1
        return args[i]
    }
    var overrides: [(inout DirectorySettings) -> Void] = []
    while i < args.count {
        let a = args[i]
        switch a {
        case "--group": groups.append(value(a))
        case "--uri": let v = value(a); overrides.append { $0.uri = v }
        case "--private-dir": let v = value(a); overrides.append { $0.privateDir = v }
        case "--timeout-ms":
            guard let n = Int(value(a)), n > 0 else { err("pwguard-lookup: --timeout-ms needs a positive integer"); return 2 }
            overrides.append { $0.timeoutMilliseconds = n }
        case "--bind-dn": let v = value(a); overrides.append { $0.bindDN = v }
        case "--password-file": let v = value(a); overrides.append { $0.passwordFile = v }
        case "--sasl": let v = value(a); overrides.append { $0.sasl = v }
        case "--repeat":
            guard let n = Int(value(a)), n > 0 else { err("pwguard-lookup: --repeat needs a positive integer"); return 2 }
            repeatCount = n
        case "--config":
            let path = value(a)
            do { settings = try Configuration.load(path: path).directory } catch {
                err("pwguard-lookup: \(error)")
                return 2
            }
        case "-h", "--help":
            out(usage)
            return 0
        default:
            if a.hasPrefix("-") || account != nil {
                err("pwguard-lookup: unexpected argument \(a)\n\(usage)")
                return 2
            }
            account = a
        }
        i += 1
    }
    guard let account else {
        err(usage)
        return 2
    }
    for apply in overrides { apply(&settings) }

    var result: Result<DirectoryFacts, DirectoryError> = .failure(.disabled)
    var totals: [Double] = []
    var elapsed = 0.0
    for _ in 0..<repeatCount {
        let start = now()
        result = DirectoryLookup.lookup(account: account, groupNames: groups, settings: settings)
        elapsed = now() - start
        if case .success(let f) = result { totals.append(f.timings.total) }
    }
    out("elapsed_ms: \(ms(elapsed))")

    switch result {
    case .success(let f):
        if case .success(let e) = DirectoryLookup.endpoint(for: settings) { out("uri: \(e.uri)") }
        out("dn: \(f.distinguishedName)")
        out("account: \(f.accountName)")
        out("upn: \(f.userPrincipalName ?? "")")
        out("given_name: \(f.givenName ?? "")")
        out("surname: \(f.surname ?? "")")
        out("display_name: \(f.displayName ?? "")")
        out("sid: \(f.objectSID)")
        out("pwd_last_set: \(f.pwdLastSet.map(String.init) ?? "")")
        out("naming_context: \(f.namingContext)")
        out("domain: \(f.domainName ?? "")")
        out("container: \(f.containerDN)")
        out("ou_path: \(f.ouPath)")
        for s in f.groupSIDs { out("group_sid: \(s)") }
        for g in f.groups {
            out("group: \(g.name) sids=\(g.sids.isEmpty ? "(not found)" : g.sids.joined(separator: ",")) member=\(g.isMember ? "yes" : "no")")
        }
        let t = f.timings
        out("time_ms: total=\(ms(t.total)) load=\(ms(t.load)) connect=\(ms(t.connect)) rootdse=\(ms(t.rootDSE)) user=\(ms(t.user)) token_groups=\(ms(t.tokenGroups)) groups=\(ms(t.groups))")
        if totals.count > 1 {
            let sorted = totals.sorted()
            out("repeat: n=\(sorted.count) first=\(ms(totals[0])) median=\(ms(sorted[sorted.count / 2])) min=\(ms(sorted[0])) max=\(ms(sorted[sorted.count - 1]))")
        }
        return 0
    case .failure(let e):
        err("pwguard-lookup: \(e)")
        out("error: \(e.cause)")
        if case .noSuchUser = e { return 1 }
        return 3
    }
}

exit(run())
