import Foundation
import Testing
import PwguardCheck
@testable import PwguardCore

/// What `check` logs about a decision: never more than half of a rejected password in one event, and
/// logging that can neither hold the check past its deadline nor write a password into the event file.
@Suite(.serialized) struct EventLoggingTests {
    static let strong = "Vx9-Kelp-Zorbu-Frimt"
    static let bob = ["SAMBA_CPS_ACCOUNT_NAME": "bob"]

    static func tempDir(_ tag: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pwguard-\(tag)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The values an event shows after `matched=` (withheld ones excluded), up to the next key or entry.
    static func shownMatches(_ text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while let r = rest.range(of: "matched=") {
            rest = rest[r.upperBound...]
            let value = rest.prefix { $0 != " " && $0 != ";" && $0 != "\"" }
            if !value.hasPrefix("(withheld") { out.append(String(value)) }
        }
        return out
    }

    // ---- finding 1: the secret budget covers the whole event ---------------------------------------------

    @Test func twoRulesTogetherNeverLogMoreThanHalfThePassword() throws {
        let dir = try Self.tempDir("budget")
        let json = dir + "/events.jsonl"
        let nist = try String(contentsOfFile: Pwguard.packageRoot + "/samba-examples/nist-800-63b.toml", encoding: .utf8)
        let cfg = try Pwguard.writeTemp("nist.toml", nist + "\n[log]\njson_file = \"\(json)\"\n")
        let pw = "passwordabcdefgh"
        let r = try Pwguard.check(pw, account: "maryjones", args: ["--config", cfg])
        #expect(r.status == 1)
        let line = try #require(r.log.first)
        // both rules fail, each on 8 of 16 characters: one of them is withheld (strength, in the NIST preset too,
        // may show the same 8 characters again: the same positions, so the same budget)
        #expect(line.contains("dictionary") && line.contains("sequential"), "\(line)")
        #expect(line.contains("(withheld: 8 of 16 characters)"), "\(line)")
        let shown = Self.shownMatches(line)
        #expect(Set(shown).map(\.count).reduce(0, +) <= 8, "\(shown) in \(line)")
        let text = try String(contentsOfFile: json, encoding: .utf8)
        let shownInJSON = Self.shownMatches(text)
        #expect(Set(shownInJSON).map(\.count).reduce(0, +) <= 8, "\(shownInJSON) in \(text)")
        #expect(!(text.contains("matched=password") && text.contains("matched=abcdefgh")))
    }

    @Test func overlappingMatchesShareTheBudgetAndIdentityMatchesCountInIt() throws {
        func rule(_ id: String, _ values: [String: ConfigValue]) throws -> any PasswordRule {
            try #require(RuleRegistry.type(id)).init(RuleParameters(values), resources: Resources())
        }
        let words = try rule("dictionary", ["words": .array([.string("password")])])
        let defined = try rule("defined_text", ["words": .array([.string("passw")])])
        let seq = try rule("sequential", ["min_length": .int(4)])
        let name = try rule("logon_name", [:])
        let policy = Policy(name: "p", ruleSets: [RuleSet(name: "all", rules: [words, defined, seq, name])])
        // "password" and "passw" cover the same 8 of 16 positions: both shown; "abcd" would go over half
        let d = Decision.make(password: "password-Zq-abcd", identity: Identity(accountName: "bob"), policies: [policy], defaultPolicy: "p")
        let summary = d.failedRuleSummary().joined(separator: "; ")
        #expect(summary.contains("matched=password") && summary.contains("matched=passw;"), "\(summary)")
        #expect(summary.contains("sequential matched=(withheld: 4 of 16 characters)"), "\(summary)")
        // the account name is shown (it is in the event already), but its positions are spent:
        // "abcd" no longer fits
        let named = Decision.make(password: "maryjonesX-abcd7", identity: Identity(accountName: "maryjones"), policies: [policy], defaultPolicy: "p")
        let s2 = named.failedRuleSummary().joined(separator: "; ")
        #expect(s2.contains("matched=maryjones") || s2.contains("matched=Maryjones") || s2.contains("matched=maryjonesx"), "\(s2)")
        #expect(s2.contains("sequential matched=(withheld"), "\(s2)")
    }

    @Test func everyOccurrenceOfAValueCountsNotTheCheapestOne() {
        func failing(_ values: [String]) -> [RuleResult] {
            values.map { RuleResult(ruleID: "r", outcome: .fail("x", matched: $0), evaluated: true) }
        }
        let bob = Identity(accountName: "bob")
        // found by the rule_engine fuzz target: twice 14 a's "in the same place" were both shown for 28 a's
        let a28 = String(repeating: "a", count: 28), a14 = String(repeating: "a", count: 14)
        #expect(Disclosure.shown(failing([a14, a14]), password: a28, identity: bob)
                == ["(withheld: 14 of 28 characters)", "(withheld: 14 of 28 characters)"])
        // a value and its reverse: a reader cannot tell where either was matched
        #expect(Disclosure.shown(failing(["abcdef", "fedcba"]), password: "abcdef-fedcba", identity: bob)
                == ["(withheld: 6 of 13 characters)", "(withheld: 6 of 13 characters)"])
        // values that do not occur (a fuzzy list word) count in full; nil stays nil
        #expect(Disclosure.shown(failing(["qwerty"]) + [RuleResult(ruleID: "length", outcome: .fail("short"), evaluated: true)],
                                 password: "Zx9-Kelp-Zorb", identity: bob) == ["qwerty", nil])
        #expect(Disclosure.shown(failing(["qwerty", "zorb"]), password: "Zx9-Kelp-Zorb", identity: bob)
                == ["qwerty", "(withheld: 4 of 13 characters)"])
    }

    // ---- finding 2: logging is inside the deadline -------------------------------------------------------

    /// A datagram socket at a fresh path whose receive queue is full: a hung journald/rsyslog.
    static func fullLogSocket() throws -> (path: String, fd: Int32) {
        let path = try Self.tempDir("fullsock") + "/log.sock"
        let fd = try LogSocket.bound(path: path, type: SOCK_DGRAM)
        let tx = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(tx) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
            raw[path.utf8.count] = 0
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(tx, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(rc == 0)
        var sent = 0
        while sent < 100_000, send(tx, "x", 1, Int32(MSG_DONTWAIT)) == 1 { sent += 1 }
        try #require(errno == EAGAIN && sent < 100_000, "the socket's queue never filled")
        return (path, fd)
    }

    /// Runs check under `timeout`, so a hang before the fix ends as a failed expectation, not a hung suite.
    static func bounded(_ args: [String], stdin: [UInt8]?, env: [String: String], closeStdin: Bool = true) throws -> Run {
        try Pwguard.run(args, stdin: stdin, env: env, closeStdin: closeStdin, via: ["/usr/bin/timeout", "-s", "KILL", "5"])
    }

    @Test func aFullSyslogSocketNeitherHoldsTheCheckNorLosesTheEvent() throws {
        let full = try Self.fullLogSocket()
        defer { close(full.fd) }
        var env = Self.bob
        env["PWGUARD_LOG_SOCKET"] = full.path
        for (pw, status, verdict) in [(Self.strong, Int32(0), "verdict=accept"), ("Password1", 1, "verdict=reject")] {
            let r = try Self.bounded(["check"], stdin: Array(pw.utf8), env: env)
            #expect(r.status == status, "\(r.stderr)")
            #expect(r.seconds < 0.5, "took \(r.seconds) s")
            #expect(r.stderr.contains("event=check") && r.stderr.contains(verdict), "\(r.stderr)")
            #expect(r.stderr.contains("syslog socket \(full.path) is full"), "\(r.stderr)")
        }
        // the deadline's own message, sent from the signal handler, must not block either
        let hung = try Self.bounded(["check"], stdin: nil, env: env, closeStdin: false)
        #expect(hung.status == 3)
        #expect(hung.seconds < 0.95, "took \(hung.seconds) s")
        #expect(hung.stderr.contains("cause=deadline"), "\(hung.stderr)")
    }

    @Test func loggingThatBlocksEndsAtTheDeadlineWithTheDecidedVerdict() throws {
        // syslog full, and stderr a pipe nobody reads: an event larger than the pipe (a 100 KB account name)
        // blocks in write(2) until the deadline, which must end the check with the verdict already decided
        // (accept: exit 0), without blocking in its own handler
        let full = try Self.fullLogSocket()
        defer { close(full.fd) }
        let fifo = try Self.tempDir("stderr") + "/stderr"
        #expect(mkfifo(fifo, 0o600) == 0)
        let env = ["SAMBA_CPS_ACCOUNT_NAME": String(repeating: "b", count: 100_000), "PWGUARD_LOG_SOCKET": full.path]
        let r = try Pwguard.run(["check"], stdin: Array(Self.strong.utf8), env: env, via: [
            "/usr/bin/timeout", "-s", "KILL", "5", "/bin/sh", "-c", "exec 3<>'\(fifo)'; exec \"$0\" \"$@\" 2>'\(fifo)'",
        ])
        #expect(r.status == 0, "the decided verdict, not on_error's 3 (or 137: killed after hanging)")
        #expect(r.seconds > 0.4 && r.seconds < 0.95, "took \(r.seconds) s (deadline 500 ms)")
    }

    @Test func aFIFOAtTheJSONOrCaptureFileIsRefusedAtOnce() throws {
        let dir = try Self.tempDir("fifo")
        let json = dir + "/events.jsonl", capture = dir + "/rejected.jsonl"
        #expect(mkfifo(json, 0o600) == 0 && mkfifo(capture, 0o600) == 0)
        let cfg = try Pwguard.oneRuleConfig("fifo.toml", top: "[log]\njson_file = \"\(json)\"\ncapture_rejected_file = \"\(capture)\"",
                                            rule: "id = \"length\"\nmin = 12")
        for (pw, status) in [("Long-enough-pass-1", Int32(0)), ("short-pw1", 1)] {
            let r = try Self.bounded(["check", "--config", cfg], stdin: Array(pw.utf8), env: Self.bob)
            #expect(r.status == status)
            #expect(r.seconds < 0.5, "took \(r.seconds) s")
            #expect(r.log.contains { $0.contains("event=check") })
            #expect(r.log.contains { $0.contains("cause=json_log") && $0.contains("not a regular file") }, "\(r.log)")
            if status == 1 {
                #expect(r.log.contains { $0.contains("cause=capture_rejected") && $0.contains("not a regular file") }, "\(r.log)")
            }
            #expect(!r.log.joined().contains(pw))
        }
    }

    // ---- finding 11: the capture file is never the event file ----------------------------------------------

    static func captureConfig(json: String, capture: String) throws -> String {
        try Pwguard.oneRuleConfig("capture.toml", top: "[log]\njson_file = \"\(json)\"\ncapture_rejected_file = \"\(capture)\"",
                                  rule: "id = \"length\"\nmin = 12")
    }

    @Test func theSameFileSpelledDifferentlyIsAConfigurationError() throws {
        let dir = try Self.tempDir("samefile")
        try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/real")
        let json = dir + "/real/events.jsonl"
        for capture in [dir + "/real/./events.jsonl", dir + "/real/../real/events.jsonl", dir + "/link/events.jsonl"] {
            let cfg = try Self.captureConfig(json: json, capture: capture)
            let r = try Pwguard.check("short-pw1", account: "bob", args: ["--config", cfg])
            #expect(r.status == 2, "\(capture): \(r.log)")
            #expect(r.log.first?.contains("capture_rejected_file") == true, "\(r.log)")
            let checked = try Pwguard.run(["config", "check", cfg], stdin: [])
            #expect(checked.status != 0, "\(capture): config check passed")
            #expect(!((try? String(contentsOfFile: json, encoding: .utf8)) ?? "").contains("short-pw1"))
        }
    }

    @Test func aHardLinkToTheEventFileGetsNoPassword() throws {
        let dir = try Self.tempDir("hardlink")
        let json = dir + "/events.jsonl", capture = dir + "/rejected.jsonl"
        #expect(FileManager.default.createFile(atPath: json, contents: Data(), attributes: [.posixPermissions: 0o600]))
        #expect(link(json, capture) == 0)
        let r = try Pwguard.check("short-pw1", account: "bob", args: ["--config", try Self.captureConfig(json: json, capture: capture)])
        #expect(r.status == 1)
        let text = try String(contentsOfFile: json, encoding: .utf8)
        #expect(!text.contains("short-pw1"), "\(text)")
        #expect(text.contains("\"verdict\":\"reject\""), "the event itself is still written: \(text)")
        #expect(r.log.contains { $0.contains("cause=capture_rejected") && $0.contains("json_file") }, "\(r.log)")
    }
}
