import Foundation
import Testing

/// Issue 12, finding 12: the admin commands that hold passwords or NT hashes are hardened as `check` is, and
/// the files pwguard takes its policy from are refused when others could have written them. On the binary.
/// Changing a file's owner needs root: the suite runs as root (CI too), so `chown` to 65534 works.
@Suite struct HardeningTests {
    static func dir() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("pwguard-trust-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    static func setMode(_ path: String, _ mode: Int) throws {
        #expect(chmod(path, mode_t(mode)) == 0, "chmod \(path)")
    }

    static func setOwner(_ path: String, _ uid: uid_t) {
        #expect(geteuid() == 0, "changing a file's owner needs root: run the suite as root, as CI does")
        #expect(chown(path, uid, uid) == 0, "chown \(path): \(String(cString: strerror(errno)))")
    }

    static let lengthRule = "id = \"length\"\nmin = 12"

    // ---- configuration, word lists, indexes, stores ---------------------------------------------------------

    @Test func aConfigurationOthersCanWriteOrAnotherUserOwnsIsRefusedNamingTheFile() throws {
        for (name, damage, reason) in [("o+w", { (p: String) in try Self.setMode(p, 0o666) }, "writable by others (mode 0666)"),
                                        ("owner", { (p: String) in Self.setOwner(p, 65534) }, "owned by uid 65534")] {
            // on_error = "accept" in the file changes nothing: an untrusted file's own settings are not trusted
            let cfg = try Pwguard.oneRuleConfig("trust.toml", top: "on_error = \"accept\"", rule: Self.lengthRule)
            try damage(cfg)
            let r = try Pwguard.check("Vx9-Kelp-Zorbu-42", args: ["--config", cfg])
            #expect(r.status == 2, "\(name): \(r.log)")
            let line = try #require(r.log.first)
            #expect(line.contains("cause=config") && line.contains(cfg) && line.contains(reason) && line.contains("verdict=reject"), "\(line)")
            let cc = try Pwguard.run(["config", "check", cfg], stdin: [])
            #expect(cc.status == 2 && cc.stderr.contains(cfg) && cc.stderr.contains(reason), "\(cc.stderr)")
            let ex = try Pwguard.run(["explain", "--config", cfg, "--account", "bob"], stdin: Array("Vx9-Kelp-Zorbu-42".utf8))
            #expect(ex.status == 2 && ex.stderr.contains(reason), "\(ex.stderr)")
        }
    }

    @Test func aGroupWritableConfigurationIsUsedWithAWarning() throws {
        let cfg = try Pwguard.oneRuleConfig("gw.toml", rule: Self.lengthRule)
        try Self.setMode(cfg, 0o664)
        let r = try Pwguard.check("Vx9-Kelp-Zorbu-42", args: ["--config", cfg])
        #expect(r.status == 0, "\(r.log)")
        let warning = try #require(r.log.first { $0.contains("event=warning") }, "\(r.log)")
        #expect(warning.contains("cause=file_trust") && warning.contains(cfg) && warning.contains("group-writable (mode 0664)"), "\(warning)")
        #expect(r.log.contains { $0.contains("event=check") && $0.contains("verdict=accept") })
        let cc = try Pwguard.run(["config", "check", cfg], stdin: [])
        #expect(cc.status == 0 && cc.stderr.contains("warning: \(cfg): group-writable"), "\(cc.stderr)")
        // 0644 (a file written with umask 022, as the other tests' files are): no warning
        try Self.setMode(cfg, 0o644)
        let quiet = try Pwguard.check("Vx9-Kelp-Zorbu-42", args: ["--config", cfg])
        #expect(quiet.status == 0 && quiet.log.count == 1, "\(quiet.log)")
    }

    @Test func wordListsAndIndexesOthersCanWriteOrAnotherUserOwnsAreRefused() throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let text = d + "/words.txt"
        try "kelpcorp\nzorbu\n".write(toFile: text, atomically: true, encoding: .utf8)
        let compiled = try Pwguard.run(["words", "compile", text, "-o", d + "/words.pwgw"], stdin: [])
        #expect(compiled.status == 0, "\(compiled.stderr)")
        for list in [text, d + "/words.pwgw"] {
            let cfg = try WordsCommandTests.config(d, list: list)
            let ok = try Pwguard.check("My-Kelpcorp-99x", args: ["--config", cfg])
            #expect(ok.status == 1, "\(list): \(ok.log)")   // trusted: the rule rejects
            for (mode, owner, reason) in [(0o646, uid_t(0), "writable by others (mode 0646)"), (0o644, uid_t(65534), "owned by uid 65534")] {
                try Self.setMode(list, mode)
                Self.setOwner(list, owner)
                let r = try Pwguard.check("My-Kelpcorp-99x", args: ["--config", cfg])
                #expect(r.status == 2, "\(list): \(r.log)")
                let line = try #require(r.log.first)
                #expect(line.contains("cause=config") && line.contains(list) && line.contains(reason), "\(line)")
            }
            try Self.setMode(list, 0o644)
            Self.setOwner(list, 0)
        }
    }

    @Test func aStoreOthersCanWriteIsAConfigurationError() throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let store = d + "/ours.pwgs"
        let imp = try Pwguard.run(["hashes", "import", "--kind", "sha1", "--plain", "-o", store], stdin: Array("Summer2024!\n".utf8))
        #expect(imp.status == 0, "\(imp.stderr)")
        let cfg = try HashesCommandTests.config(d, store: store, top: "on_error = \"accept\"")
        #expect(try Pwguard.check("Summer2024!", args: ["--config", cfg]).status == 1)
        try Self.setMode(store, 0o606)
        let r = try Pwguard.check("Summer2024!", args: ["--config", cfg])
        // not on_error (which says accept here): a configuration error, always refused
        #expect(r.status == 2, "\(r.log)")
        let line = try #require(r.log.first)
        #expect(line.contains("cause=config") && line.contains(store) && line.contains("writable by others"), "\(line)")
        let hc = try Pwguard.run(["hashes", "check", "--store", store], stdin: Array("Summer2024!".utf8))
        #expect(hc.status == 2 && hc.stderr.contains("writable by others"), "\(hc.stderr)")
    }

    @Test func plainImportsArePrivateHashImportsStayReadable() throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        func mode(_ p: String) throws -> Int { (try FileManager.default.attributesOfItem(atPath: p)[.posixPermissions] as? NSNumber)?.intValue ?? -1 }
        let plain = try Pwguard.run(["hashes", "import", "--kind", "ntlm", "--plain", "-o", d + "/ours.pwgs"], stdin: Array("Summer2024!\n".utf8))
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(try mode(d + "/ours.pwgs") == 0o600)
        let hibp = try Pwguard.run(["hashes", "import", "--kind", "ntlm", "-o", d + "/hibp.pwgs"],
                                   stdin: Array("64F12CDDAA88057E06A81B54E73B949B:3\n".utf8))
        #expect(hibp.status == 0, "\(hibp.stderr)")
        #expect(try mode(d + "/hibp.pwgs") == 0o644)
    }

    // ---- process hardening of the admin commands -------------------------------------------------------------

    /// What /proc shows of a pwguard process while it waits (for stdin, or for a writer of its configuration
    /// FIFO): whether its core limit is 0 (soft and hard), and the owner of its /proc files, which the kernel
    /// sets to root once a process is not dumpable.
    static func probe(_ args: [String], asNobody: Bool) throws -> (noCore: Bool, procOwner: uid_t?, limits: String) {
        let p = Process()
        if asNobody {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            p.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", Pwguard.binary] + args
        } else {
            p.executableURL = URL(fileURLWithPath: Pwguard.binary)
            p.arguments = args
        }
        p.environment = ["PATH": "/usr/bin:/bin", "PWGUARD_LOG_SOCKET": "/nonexistent/log.sock", "ASAN_OPTIONS": "detect_leaks=0"]
        let stdin = Pipe()
        p.standardInput = stdin
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        func noCore(_ limits: String) -> Bool {
            limits.split(separator: "\n").contains { $0.hasPrefix("Max core file size") && $0.split(separator: " ").dropFirst(4).prefix(2).elementsEqual(["0", "0"]) }
        }
        var limits = "", owner: uid_t?
        for _ in 0..<200 where !(noCore(limits) && (owner == 0 || !asNobody)) {
            usleep(10_000)
            limits = (try? String(contentsOfFile: "/proc/\(p.processIdentifier)/limits", encoding: .utf8)) ?? ""
            var st = stat()
            owner = stat("/proc/\(p.processIdentifier)/status", &st) == 0 ? st.st_uid : nil
        }
        // SIGKILL: the child may have SIGTERM blocked (Foundation's Process hands it a blocked signal mask)
        kill(p.processIdentifier, SIGKILL)
        try? stdin.fileHandleForWriting.close()
        p.waitUntilExit()
        return (noCore(limits), owner, limits)
    }

    /// A FIFO nobody writes, as a configuration: the command blocks opening it, after hardening itself.
    static func fifo() throws -> String {
        let d = try dir()
        #expect(chmod(d, 0o755) == 0)
        let path = d + "/pwguard.toml"
        #expect(mkfifo(path, 0o644) == 0)
        return path
    }

    @Test func adminCommandsHoldingSecretsAreNotDumpableAndLeaveNoCore() throws {
        let cfg = try Self.fifo()
        // run as nobody, so that /proc shows whether the process made itself non-dumpable (root-owned /proc files)
        let commands: [[String]] = [
            ["hashes", "hash", "--kind", "ntlm"],                       // waits for the password on stdin
            ["hashes", "check", "--store", "/nonexistent.pwgs"],        // the same
            ["explain", "--config", cfg, "--account", "bob", "--no-directory"],
            ["audit", "--config", cfg],
        ]
        for args in commands {
            let r = try Self.probe(args, asNobody: true)
            #expect(r.noCore, "\(args): \(r.limits)")
            #expect(r.procOwner == 0, "\(args): /proc owned by \(String(describing: r.procOwner)): still dumpable")
        }
        // history is root only: as root, /proc cannot tell dumpable apart, but the core limit shows the same hardening ran
        let h = try Self.probe(["history", "show", "--config", cfg, "bob"], asNobody: false)
        #expect(h.noCore, "history: \(h.limits)")
    }
}
