import Foundation
import Testing

/// `pwguard hashes import|check|info`, and the breached rule through `pwguard check` and `explain`.
@Suite struct HashesCommandTests {
    static func dir() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("pwguard-hashes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// NTLM hashes of a few passwords, as HIBP's NTLM download writes them (upper-case HASH:COUNT).
    static let ntlmLines = """
        64F12CDDAA88057E06A81B54E73B949B:3645804
        not a hash line
        A4F49C406510BDCAB6824EE7C30FD852:99
        """  // Password1, Password (count 99)

    @Test func importFromStdinThenCheckAndInfo() throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let store = d + "/ntlm.pwgs"
        let imp = try Pwguard.run(["hashes", "import", "--kind", "ntlm", "--keep-counts", "-o", store], stdin: Array(Self.ntlmLines.utf8))
        #expect(imp.status == 0, "\(imp.stderr)")
        #expect(imp.stdout.contains("2 ntlm records"))
        #expect(imp.stdout.contains("1 malformed (first at stdin:2)"))
        #expect(!imp.stdout.contains("not a hash line"))

        let found = try Pwguard.run(["hashes", "check", "--store", store], stdin: Array("Password1\n".utf8))
        #expect(found.status == 1)
        #expect(found.stdout == "found in \(store) (count 3645804)\n")
        let absent = try Pwguard.run(["hashes", "check", "--store", store], stdin: Array("Vx9-Kelp-Zorbu".utf8))
        #expect(absent.status == 0)
        #expect(absent.stdout == "not found\n")

        let hash = try Pwguard.run(["hashes", "hash", "--kind", "ntlm"], stdin: Array("Password1".utf8))
        #expect(hash.stdout == "64F12CDDAA88057E06A81B54E73B949B\n")
        let sha = try Pwguard.run(["hashes", "hash", "--kind", "sha1"], stdin: Array("password\n".utf8))
        #expect(sha.stdout == "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8\n")
        let timed = try Pwguard.run(["hashes", "check", "--timing", "--store", store], stdin: Array("Password1".utf8))
        #expect(timed.status == 1)
        #expect(timed.stderr.hasPrefix("timing: open "))

        let info = try Pwguard.run(["hashes", "info", store, "--verify"], stdin: [])
        #expect(info.status == 0)
        #expect(info.stdout.contains("kind ntlm, 2 records of 10 bytes"))
        #expect(info.stdout.contains("verified"))

        // A damaged copy: info --verify and check refuse it.
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: store)))
        bytes[bytes.count - 1] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: d + "/bad.pwgs"))
        let bad = try Pwguard.run(["hashes", "info", d + "/bad.pwgs", "--verify"], stdin: [])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("checksum mismatch"))
        try Data(bytes.dropLast(3)).write(to: URL(fileURLWithPath: d + "/short.pwgs"))
        let short = try Pwguard.run(["hashes", "check", "--store", d + "/short.pwgs"], stdin: Array("x".utf8))
        #expect(short.status == 2)
        #expect(short.stderr.contains("truncated"))
    }

    @Test func importRefusesBadArgumentsAndKeepsTheOldStore() throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let store = d + "/s.pwgs"
        #expect(try Pwguard.run(["hashes", "import", "--kind", "md5", "-o", store], stdin: []).status != 0)
        let ok = try Pwguard.run(["hashes", "import", "--kind", "sha1", "--plain", "-o", store], stdin: Array("hunter2\n".utf8))
        #expect(ok.status == 0)
        let missing = try Pwguard.run(["hashes", "import", "--kind", "sha1", "-o", store, d + "/nope.txt"], stdin: [])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nope.txt"))
        // the earlier store is intact, and no temporary file was left behind
        let still = try Pwguard.run(["hashes", "check", "--store", store], stdin: Array("hunter2".utf8))
        #expect(still.status == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: d) == ["s.pwgs"])
    }

    /// A temporary directory holding hibp.pwgs, the NTLM store of `ntlmLines`.
    static func withStore() throws -> (dir: String, store: String) {
        let d = try dir()
        let store = d + "/hibp.pwgs"
        _ = try Pwguard.run(["hashes", "import", "--kind", "ntlm", "-o", store], stdin: Array(ntlmLines.utf8))
        return (d, store)
    }

    static func config(_ d: String, store: String, top: String = "") throws -> String {
        let path = d + "/pwguard.toml"
        try """
            default_policy = "p"
            \(top)
            [stores]
            hibp = "\(store)"
            [log]
            json_file = "\(d)/events.jsonl"
            [[policy]]
            name = "p"
            [[policy.rule_set]]
            [[policy.rule_set.rule]]
            id = "breached"
            stores = ["hibp"]
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func checkRejectsABreachedPasswordAndNamesTheStore() throws {
        let (d, store) = try Self.withStore()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let cfg = try Self.config(d, store: store)
        let r = try Pwguard.check("Password1", account: "bob", args: ["--config", cfg])
        #expect(r.status == 1)
        let line = try #require(r.log.first)
        #expect(line.contains("failed=\"breached"), "\(line)")
        #expect(line.contains("hibp"))
        #expect(!line.contains("Password1"))
        let event = try String(contentsOfFile: d + "/events.jsonl", encoding: .utf8)
        #expect(event.contains("\"rule\":\"breached\""))
        #expect(event.contains("\"list\":\"hibp\""))
        #expect(try Pwguard.check("Vx9-Kelp-Zorbu", account: "bob", args: ["--config", cfg]).status == 0)

        let explain = try Pwguard.run(["explain", "--config", cfg, "--account", "bob"], stdin: Array("Password1".utf8))
        #expect(explain.status == 1)
        #expect(explain.stdout.contains("breached"))
        #expect(explain.stdout.contains("hibp"))

        let valid = try Pwguard.run(["config", "check", cfg], stdin: [])
        #expect(valid.status == 0, "\(valid.stderr)")
    }

    @Test func brokenStoreFollowsOnErrorWithALogLine() throws {
        let (d, store) = try Self.withStore()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: store)))
        try Data(bytes.dropLast(1)).write(to: URL(fileURLWithPath: store))
        let cfg = try Self.config(d, store: store)
        let r = try Pwguard.check("Vx9-Kelp-Zorbu", account: "bob", args: ["--config", cfg])
        #expect(r.status == 3)
        let line = try #require(r.log.first)
        #expect(line.contains("cause=store store=hibp"), "\(line)")
        #expect(line.contains("truncated"))
        #expect(line.contains("verdict=reject"))
        let check = try Pwguard.run(["config", "check", cfg], stdin: [])
        #expect(check.status == 2)
        #expect(check.stderr.contains("hibp"))
        #expect(check.stderr.contains("truncated"))

        let open = try Self.config(d, store: d + "/missing.pwgs", top: "on_error = \"accept\"")
        let accepted = try Pwguard.check("Password1", account: "bob", args: ["--config", open])
        #expect(accepted.status == 0)
        #expect(accepted.log.first?.contains("cause=store") == true)
        #expect(accepted.log.first?.contains("verdict=accept-on-error") == true)
    }
}
