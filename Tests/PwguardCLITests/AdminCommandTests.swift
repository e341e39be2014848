import Foundation
import Testing

/// explain, rules and config check, on the real binary.
@Suite struct AdminCommandTests {
    @Test func explainNamesFailingRulesAndMatches() throws {
        let r = try Pwguard.run(["explain", "--account", "maryjones", "--full-name", "Mary Jones"], stdin: Array("Password1".utf8))
        #expect(r.status == 1)
        #expect(r.stdout.contains("Verdict: REJECT"))
        #expect(r.stdout.contains("password_dictionary"))
        #expect(r.stdout.contains("matched:"))
        #expect(r.stdout.contains("9 characters (not shown)"))
    }

    @Test func explainJSONParses() throws {
        let r = try Pwguard.run(["explain", "--account", "maryjones", "--json"], stdin: Array("Password1".utf8))
        #expect(r.status == 1)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["verdict"] as? String == "reject")
        let policy = try #require(obj["policy"] as? [String: Any])
        #expect(policy["name"] as? String == "default")
        #expect(!r.stdout.contains("\"Password1\""))
    }

    @Test func explainWithoutAccountIsUsageError() throws {
        let r = try Pwguard.run(["explain"], stdin: Array("Password1".utf8))
        #expect(r.status == 2)
    }

    @Test func explainRefusesPasswordAsArgument() throws {
        let r = try Pwguard.run(["explain", "--account", "bob", "--password", "x"], stdin: Array("x".utf8))
        #expect(r.status != 0)
        #expect(r.stderr.contains("Unknown option") || r.stderr.contains("unknown option") || r.stderr.contains("Error"))
    }

    @Test func rulesListsEveryRuleWithExamples() throws {
        let r = try Pwguard.run(["rules", "--json"], stdin: [])
        #expect(r.status == 0)
        let arr = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(arr.count >= 20)
        for rule in arr {
            let examples = try #require(rule["examples"] as? [[String: Any]])
            #expect(!examples.isEmpty, "\(rule["id"] ?? "?") has no examples")
        }
        let text = try Pwguard.run(["rules", "length"], stdin: [])
        #expect(text.stdout.contains("length"))
        #expect(text.stdout.contains("examples:"))
    }

    @Test func configCheckAcceptsShippedExamples() throws {
        for file in ["samba-examples/pwguard.toml", "samba-examples/nist-800-63b.toml"] {
            let r = try Pwguard.run(["config", "check", Pwguard.packageRoot + "/" + file], stdin: [])
            #expect(r.status == 0, "\(file): \(r.stderr)")
            #expect(r.stdout.contains("valid"))
        }
    }

    @Test func configCheckReportsFileLineAndKey() throws {
        let cfg = try Pwguard.writeTemp("broken.toml", """
            default_policy = "all"

            [[policy]]
            name = "all"
            [[policy.rule_set]]
            [[policy.rule_set.rule]]
            id = "length"
            min = "eight"
            """)
        let r = try Pwguard.run(["config", "check", cfg], stdin: [])
        #expect(r.status == 2)
        #expect(r.stderr.contains("broken.toml:8"))
        #expect(r.stderr.contains("min"))
    }

    @Test func showDefaultIsAValidConfig() throws {
        let r = try Pwguard.run(["config", "show-default"], stdin: [])
        #expect(r.status == 0)
        let path = try Pwguard.writeTemp("default.toml", r.stdout)
        let c = try Pwguard.run(["config", "check", path], stdin: [])
        #expect(c.status == 0, "\(c.stderr)")
    }
}

/// On a terminal, explain prompts for the password and does not echo it (util-linux `script` gives it a pty).
@Suite struct ExplainTerminalTests {
    @Test func promptsWithoutEcho() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        p.arguments = ["-qc", "\(Pwguard.binary) explain --account bob", "/dev/null"]
        let inPipe = Pipe(), outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = outPipe
        try p.run()
        Thread.sleep(forTimeInterval: 1.0)   // let pwguard turn echo off before typing
        inPipe.fileHandleForWriting.write(Data("Zq7-Secret-Typed\n".utf8))
        let out = String(decoding: outPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(out.contains("Password (not echoed):"))
        #expect(out.contains("16 characters (not shown)"))
        #expect(!out.contains("Zq7-Secret-Typed"))
    }
}

@Suite struct GeneratedDocsTests {
    /// docs/rules.md is `pwguard rules --markdown` (regenerate with scripts/gen-docs.sh).
    @Test func rulesReferenceIsCurrent() throws {
        let r = try Pwguard.run(["rules", "--markdown"], stdin: [])
        let doc = try String(contentsOfFile: Pwguard.packageRoot + "/docs/rules.md", encoding: .utf8)
        #expect(doc.hasSuffix(r.stdout), "docs/rules.md is stale: run scripts/gen-docs.sh")
    }
}

/// `pwguard stats` over the event file that `check` itself writes.
@Suite struct StatsTests {
    @Test func summarisesWhatCheckLogged() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pwguard-stats-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let json = dir + "/events.jsonl"
        let cfg = try Pwguard.oneRuleConfig("stats.toml", top: "[log]\njson_file = \"\(json)\"", rule: "id = \"length\"\nmin = 12")
        for pw in ["short1", "tiny", "Long-enough-pass-1"] {
            _ = try Pwguard.check(pw, account: "bob", args: ["--config", cfg])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: json))
        handle.seekToEndOfFile()
        handle.write(Data("garbage line\n".utf8))
        try handle.close()
        let r = try Pwguard.run(["stats", json, "--json"], stdin: [])
        #expect(r.status == 0)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["events"] as? Int == 3)
        #expect(obj["skipped_lines"] as? Int == 1)
        #expect((obj["verdicts"] as? [String: Int])?["reject"] == 2)
        #expect((obj["rejections_by_rule"] as? [String: Int])?["length"] == 2)
        #expect((obj["rejections_by_policy"] as? [String: Int])?["p"] == 2)
        let recent = try Pwguard.run(["stats", json, "--since", "1h"], stdin: [])
        #expect(recent.stdout.hasPrefix("3 decisions"))
        let none = try Pwguard.run(["stats", json, "--since", "0s"], stdin: [])
        #expect(none.stdout.hasPrefix("0 decisions"))
    }
}

/// Custom rejection messages (seed 004's message inserts, Specops' "show the found word").
@Suite struct RejectionMessageTests {
    static func config(_ message: String) throws -> String {
        try Pwguard.oneRuleConfig("msg.toml", rule: "id = \"defined_text\"\nwords = [\"acme\"]\nmessage = \"\(message)\"")
    }

    @Test func explainAndEventShowTheMessage() throws {
        let cfg = try Self.config("No company name ({matched}) please; rule {rule}.")
        let e = try Pwguard.run(["explain", "--config", cfg, "--account", "bob"], stdin: Array("Acme-Vx9-Kelp-Zorbu".utf8))
        #expect(e.status == 1)
        #expect(e.stdout.contains("message: No company name (acme) please; rule defined_text."))
        let c = try Pwguard.check("Acme-Vx9-Kelp-Zorbu", account: "bob", args: ["--config", cfg])
        #expect(c.log.first?.contains("message=No company name (acme) please; rule defined_text.") == true)
        let ok = try Pwguard.check("Vx9-Kelp-Zorbu-Frimt", account: "bob", args: ["--config", cfg])
        #expect(ok.status == 0 && ok.log.first?.contains("message=") == false)
    }

    @Test func theEventNeverGetsAWithheldValueThroughAMessage() throws {
        let cfg = try Self.config("found {matched}")
        let c = try Pwguard.check("acme1", account: "bob", args: ["--config", cfg])
        let line = try #require(c.log.first)
        #expect(line.contains("message=found (withheld: 4 of 5 characters)"))
        #expect(!line.contains("found acme"))
    }

    @Test func unknownInsertIsAConfigError() throws {
        let cfg = try Self.config("found {word}")
        let r = try Pwguard.run(["config", "check", cfg], stdin: [])
        #expect(r.status == 2)
        #expect(r.stderr.contains("msg.toml:10"))
        #expect(r.stderr.contains("message: unknown insert {word}"))
    }
}
