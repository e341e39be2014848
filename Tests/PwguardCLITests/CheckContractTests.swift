import Foundation
import Testing

/// The contract Samba relies on, tested on the real binary: stdin, environment, exit status, no stdout,
/// exactly one syslog event, never the password in it.
@Suite(.serialized) struct CheckContractTests {
    @Test func weakPasswordIsRejectedWithoutConfig() throws {
        let r = try Pwguard.check("Password1")
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.log.count == 1)
        let line = try #require(r.log.first)
        #expect(line.contains("account=maryjones"))
        #expect(line.contains("verdict=reject"))
        #expect(line.contains("policy=default"))
        #expect(!line.contains("Password1"))
        // authpriv (10) * 8 + notice (5) = 85
        #expect(line.hasPrefix("<85>pwguard["))
    }

    @Test func strongPasswordIsAccepted() throws {
        let r = try Pwguard.check("Vx9-Kelp-Zorbu-Frimt")
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)
        #expect(r.log.count == 1)
        #expect(r.log.first?.contains("verdict=accept") == true)
        #expect(r.log.first?.contains("Vx9-Kelp-Zorbu-Frimt") == false)
    }

    @Test func accountNameIsRejectedByDefaultPolicy() throws {
        let r = try Pwguard.check("Maryjones#2024x", account: "maryjones")
        #expect(r.status == 1)
        #expect(r.log.first?.contains("windows_complexity") == true)
    }

    @Test func displayNameTokenIsRejected() throws {
        let r = try Pwguard.check("Qz-Jones-88x", account: "mj", extraEnv: ["SAMBA_CPS_FULL_NAME": "Mary Jones"])
        #expect(r.status == 1)
    }

    @Test func oneTrailingNewlineIsStripped() throws {
        // With the newline kept, the password would be 21 characters containing a control character;
        // either way it must be judged as "Vx9-Kelp-Zorbu-Frimt".
        for suffix in ["\n", "\r\n"] {
            let r = try Pwguard.run(["explain", "--account", "bob", "--json"], stdin: Array(("Vx9-Kelp-Zorbu-Frimt" + suffix).utf8))
            #expect(r.status == 0)
            #expect(r.stdout.contains("\"password_length\": 20"))
        }
        let two = try Pwguard.run(["explain", "--account", "bob", "--json"], stdin: Array("Vx9-Kelp-Zorbu-Frimt\n\n".utf8))
        #expect(two.stdout.contains("\"password_length\": 21"))
    }

    @Test func missingAccountNameIsUsageError() throws {
        let r = try Pwguard.check("Vx9-Kelp-Zorbu-Frimt", account: nil)
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.log.first?.contains("SAMBA_CPS_ACCOUNT_NAME") == true)
    }

    @Test func invalidUTF8IsRejected() throws {
        let r = try Pwguard.run(["check"], stdin: [0x50, 0xFF, 0xFE, 0x41], env: ["SAMBA_CPS_ACCOUNT_NAME": "bob"])
        #expect(r.status == 4)
        #expect(r.log.first?.contains("not valid UTF-8") == true)
    }

    @Test func oversizeInputIsRejected() throws {
        let r = try Pwguard.run(["check"], stdin: Array(repeating: 0x61, count: 5000), env: ["SAMBA_CPS_ACCOUNT_NAME": "bob"])
        #expect(r.status == 4)
        #expect(r.log.first?.contains("longer than 1024 bytes") == true)
        // Samba's longest generated password (~250 bytes) is fine
        let ok = try Pwguard.run(["check"], stdin: Array(("Aa1!" + String(repeating: "x7Q-", count: 62)).utf8), env: ["SAMBA_CPS_ACCOUNT_NAME": "bob"])
        #expect(ok.status != 4)
    }

    @Test func nulByteIsRejected() throws {
        let r = try Pwguard.run(["check"], stdin: Array("Vx9-Kelp".utf8) + [0] + Array("Zorbu".utf8), env: ["SAMBA_CPS_ACCOUNT_NAME": "bob"])
        #expect(r.status == 4)
    }

    @Test func stdinThatNeverClosesHitsTheDeadline() throws {
        let r = try Pwguard.run(["check"], stdin: nil, env: ["SAMBA_CPS_ACCOUNT_NAME": "bob"], closeStdin: false)
        #expect(r.status == 3)
        #expect(r.seconds < 0.95, "must finish before Samba's 1 s warning; took \(r.seconds) s")
        #expect(r.log.first?.contains("cause=deadline") == true)
    }

    @Test func deadlineWithOnErrorAcceptAccepts() throws {
        let cfg = try Pwguard.oneRuleConfig("open.toml", top: "on_error = \"accept\"\ndeadline_ms = 100", rule: "id = \"length\"")
        let r = try Pwguard.run(["check", "--config", cfg], stdin: nil, env: ["SAMBA_CPS_ACCOUNT_NAME": "bob"], closeStdin: false)
        #expect(r.status == 0)
        #expect(r.seconds < 0.5)
        #expect(r.log.first?.contains("verdict=accept-on-error") == true)
    }

    @Test func missingConfigFailsClosed() throws {
        let r = try Pwguard.check("Vx9-Kelp-Zorbu-Frimt", args: ["--config", "/nonexistent/pwguard.toml"])
        #expect(r.status == 2)
        #expect(r.log.first?.contains("/nonexistent/pwguard.toml") == true)
        #expect(r.log.first?.contains("cause=config") == true)
    }

    @Test func invalidConfigFailsClosedAndNamesLineAndKey() throws {
        let cfg = try Pwguard.writeTemp("bad.toml", """
            default_policy = "all"
            [[policy]]
            name = "all"
            [[policy.rule_set]]
            [[policy.rule_set.rule]]
            id = "length"
            minimum = 8
            """)
        let r = try Pwguard.check("Vx9-Kelp-Zorbu-Frimt", args: ["--config", cfg])
        #expect(r.status == 2)
        let line = try #require(r.log.first)
        #expect(line.contains("bad.toml:7"))
        #expect(line.contains("minimum"))
    }

    @Test func monitorModeAcceptsAndLogsWhatItWouldHaveDone() throws {
        let cfg = try Pwguard.oneRuleConfig("monitor.toml", mode: "monitor", rule: "id = \"length\"\nmin = 30")
        let r = try Pwguard.check("Vx9-Kelp-Zorbu-Frimt", args: ["--config", cfg])
        #expect(r.status == 0)
        #expect(r.log.first?.contains("verdict=accept-monitor") == true)
        #expect(r.log.first?.contains("failed=length") == true)
    }

    @Test func noMatchingPolicyAndNoDefaultIsNotChecked() throws {
        let cfg = try Pwguard.writeTemp("scoped.toml", """
            [[policy]]
            name = "only-bob"
            [policy.applies_to]
            accounts = { block = ["bob"] }
            [[policy.rule_set]]
            [[policy.rule_set.rule]]
            id = "length"
            min = 30
            """)
        let r = try Pwguard.check("short", account: "alice", args: ["--config", cfg])
        #expect(r.status == 0)
        #expect(r.log.first?.contains("verdict=accept-not-checked") == true)
        let bob = try Pwguard.check("short", account: "bob", args: ["--config", cfg])
        #expect(bob.status == 1)
    }

    @Test func matchesThatGiveThePasswordAwayAreNotLogged() throws {
        // an exact dictionary hit, and a hit that is most of the password
        for pw in ["iloveyou", "P@ssw0rd2024!"] {
            let r = try Pwguard.check(pw, account: "bob")
            #expect(r.status == 1)
            let line = try #require(r.log.first)
            #expect(!line.contains(pw))
            #expect(line.contains("matched=(withheld: "), "\(line)")
            #expect(!line.contains("matched=password"))
        }
        // the account name is already in the event: logged
        let named = try Pwguard.check("Xy7!maryjones#Qz", account: "maryjones")
        #expect(named.log.first?.contains("matched=maryjones") == true)
    }

    @Test func unknownArgumentIsUsageError() throws {
        let r = try Pwguard.check("Vx9-Kelp-Zorbu-Frimt", args: ["--bogus"])
        #expect(r.status == 2)
    }
}

/// The optional JSON-lines event file.
@Suite struct JSONLogTests {
    static func config(_ jsonPath: String) throws -> String {
        try Pwguard.oneRuleConfig("json.toml", top: "[log]\njson_file = \"\(jsonPath)\"", rule: "id = \"defined_text\"\nwords = [\"kelp\"]")
    }

    @Test func oneObjectPerDecisionWithoutThePassword() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pwguard-json-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let json = dir + "/events.jsonl"
        let cfg = try Self.config(json)
        let bad = try Pwguard.check("Vx9-Kelp-Zorbu-Frimt", account: "bob", args: ["--config", cfg])
        let good = try Pwguard.check("Tangerine-Kettle-42", account: "bob", args: ["--config", cfg])
        #expect(bad.status == 1 && good.status == 0)
        let text = try String(contentsOfFile: json, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["verdict"] as? String == "reject")
        #expect(first["account"] as? String == "bob")
        #expect((first["failed"] as? [[String: Any]])?.first?["rule"] as? String == "defined_text")
        #expect(first["version"] != nil && first["duration_ms"] != nil && first["time"] != nil)
        #expect(!text.contains("Vx9-Kelp-Zorbu-Frimt") && !text.contains("Tangerine-Kettle-42"))
        let attrs = try FileManager.default.attributesOfItem(atPath: json)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func unwritableFileWarnsButKeepsTheVerdict() throws {
        let cfg = try Self.config("/proc/pwguard-cannot-write-here.jsonl")
        let r = try Pwguard.check("Tangerine-Kettle-42", account: "bob", args: ["--config", cfg])
        #expect(r.status == 0)
        #expect(r.log.count == 2)
        #expect(r.log.contains { $0.contains("cause=json_log") })
    }
}

/// Seed 001's opt-in "Capture Rejected Password": off by default; when on, a root-only file only.
@Suite struct CaptureRejectedTests {
    static func setup() throws -> (dir: String, file: String, cfg: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pwguard-capture-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/rejected.jsonl"
        let cfg = try Pwguard.oneRuleConfig("capture.toml", top: "[log]\ncapture_rejected_file = \"\(file)\"", rule: "id = \"length\"\nmin = 12")
        return (dir, file, cfg)
    }

    @Test func capturesOnlyRejectedPasswordsInA0600File() throws {
        let (_, file, cfg) = try Self.setup()
        #expect(try Pwguard.check("short-pw1", account: "bob", args: ["--config", cfg]).status == 1)
        #expect(try Pwguard.check("Long-enough-pass-1", account: "bob", args: ["--config", cfg]).status == 0)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 1)
        #expect(text.contains("\"password\":\"short-pw1\""))
        #expect(!text.contains("Long-enough-pass-1"))
        let mode = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
    }

    @Test func refusesAFileOthersCanRead() throws {
        let (_, file, cfg) = try Self.setup()
        FileManager.default.createFile(atPath: file, contents: Data(), attributes: [.posixPermissions: 0o644])
        let r = try Pwguard.check("short-pw1", account: "bob", args: ["--config", cfg])
        #expect(r.status == 1)
        #expect(try String(contentsOfFile: file, encoding: .utf8).isEmpty)
        #expect(r.log.contains { $0.contains("cause=capture_rejected") })
        #expect(!r.log.joined().contains("short-pw1"))
    }

    @Test func offByDefault() throws {
        let r = try Pwguard.check("short-pw1", account: "bob", args: ["--config", try Pwguard.oneRuleConfig("plain.toml", rule: "id = \"length\"\nmin = 12")])
        #expect(r.status == 1)
        #expect(r.log.count == 1 && !r.log[0].contains("short-pw1"))
    }
}
