import Foundation
import Testing

/// The history rule through the real `pwguard check` binary when the directory cannot be read (the lab
/// tests, Tests/integration/test_history.sh, cover a real DC).
@Suite(.serialized) struct HistoryCheckTests {
    /// A private dir whose ldapi socket does not exist.
    static func config(_ name: String, extraTop: String = "", rule: String) throws -> String {
        try Pwguard.oneRuleConfig(name, top: """
            [directory]
            private_dir = "/nonexistent/pwguard-test-private"
            \(extraTop)
            """, rule: rule)
    }

    @Test func historyRuleWithoutADirectoryFailsClosed() throws {
        let path = try Self.config("hist.toml", rule: "id = \"history\"\ncount = 24")
        let r = try Pwguard.check("Vx9-Kelp-Zorbu-Frimt", args: ["--config", path])
        #expect(r.status == 3)
        #expect(r.log.count == 1)
        #expect(r.log.first?.contains("cause=directory") == true)
        #expect(r.log.first?.contains("verdict=reject") == true)
    }

    @Test func historyRuleWithoutADirectoryAcceptsOnErrorAccept() throws {
        let path = try Self.config("hist-accept.toml", rule: "id = \"history\"\ncount = 24")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try ("on_error = \"accept\"\n" + text).write(toFile: path, atomically: true, encoding: .utf8)
        let r = try Pwguard.check("Vx9-Kelp-Zorbu-Frimt", args: ["--config", path])
        #expect(r.status == 0)
        #expect(r.log.first?.contains("verdict=accept-on-error") == true)
    }

    /// `without_rule` bookkeeping alone must not block changes when the directory is down.
    @Test func bookkeepingAloneDoesNotBlockWhenTheDirectoryIsDown() throws {
        let path = try Self.config("bookkeeping.toml", extraTop: "[history]\nwithout_rule = \"record\"", rule: "id = \"length\"\nmin = 8")
        let r = try Pwguard.check("Vx9-Kelp-Zorbu-Frimt", args: ["--config", path])
        #expect(r.status == 0)
        #expect(r.log.count == 1)
        #expect(r.log.first?.contains("verdict=accept directory=unresolved:connect") == true)
        #expect(r.log.first?.contains("history_job") == false)
    }

    @Test func noHistoryNoArgon2NoLookup() throws {
        let path = try Pwguard.oneRuleConfig("plain.toml", rule: "id = \"length\"\nmin = 8")
        let r = try Pwguard.check("Vx9-Kelp-Zorbu-Frimt", args: ["--config", path])
        #expect(r.status == 0)
        #expect(r.log.first?.contains("argon2") == false)
        #expect(r.log.first?.contains("directory=") == false)
    }

    @Test func historyCommandsRefuseNonRoot() throws {
        // Run as root in CI: drop to nobody with setpriv when we are root; otherwise we already are not root.
        let args = ["history", "show", "mary"]
        let r: Run
        if geteuid() == 0 {
            r = try Pwguard.run(args, stdin: [], env: [:], via: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
        } else {
            r = try Pwguard.run(args, stdin: [])
        }
        #expect(r.status == 2)
        #expect(r.stderr.contains("must be run as root"))
    }

    /// Finding 6: the record process (root, on a DC) refuses an unframed or injected job and never traps
    /// (a line of spaces killed it with SIGILL; a `config` line after a newline was obeyed).
    @Test func recordProcessRefusesAnUnframedJob() throws {
        let evil = try Pwguard.writeTemp("evil.toml", "this is = not [ a config")
        for job in ["pwguard-history-job 1\naccount x\nconfig \(evil)\nkeep 1 0 1\ndelete\n",
                    "pwguard-history-job 1\n" + String(repeating: " ", count: 30) + "\n", "pwguard-history-job 2\n  \n", "   \n", ""] {
            let r = try Pwguard.run(["__history-record"], stdin: Array(job.utf8))
            #expect(r.status == 2, "\(job.debugDescription): exit \(r.status)")
            #expect(r.log.count == 1 && r.log.first?.contains("event=history_error cause=job") == true, "\(r.log)")
            #expect(r.log.first?.contains("evil") == false)
        }
    }

    /// The record process confirms a change by reading unicodePwd, which only the privileged socket returns.
    @Test func configCheckWarnsWhenHistoryCannotBeConfirmed() throws {
        let other = try Pwguard.oneRuleConfig("hist-ldapi.toml", top: "[directory]\nuri = \"ldapi://%2Fvar%2Flib%2Fsamba%2Fprivate%2Fldapi\"",
                                              rule: "id = \"history\"\ncount = 24")
        let r = try Pwguard.run(["config", "check", other], stdin: [])
        #expect(r.status == 0 && r.stderr.contains("not the DC's privileged ldapi socket"), "\(r.stderr)")
        let priv = try Self.config("hist-priv.toml", rule: "id = \"history\"\ncount = 24")
        let q = try Pwguard.run(["config", "check", priv], stdin: [])
        #expect(q.status == 0 && !q.stderr.contains("privileged ldapi"), "\(q.stderr)")
    }
}
