import Foundation
import Testing

/// Configuration situations that must never leave a change less checked than Samba alone would check it.
@Suite(.serialized) struct PolicySafetyTests {
    static let strong = "Vx9-Kelp-Zorbu-Frimt"
    static let bob = ["SAMBA_CPS_ACCOUNT_NAME": "bob"]

    // ---- finding 8: only "no such file" at the default path means "no configuration" --------------------

    /// Runs `pwguard check` (no --config) in a private mount namespace whose /etc is an empty tmpfs with
    /// /etc/pwguard, after `setup` (shell) ran there: the host's /etc is never touched.
    static func checkWithDefaultPath(_ setup: String) throws -> Run {
        try Pwguard.run(["check"], stdin: Array(Self.strong.utf8), env: Self.bob, via: [
            "/usr/bin/unshare", "-m", "/bin/sh", "-c",
            "mount -t tmpfs none /etc && mkdir /etc/pwguard && \(setup) && exec \"$0\" \"$@\"",
        ])
    }

    @Test func noFileAtTheDefaultPathMeansTheEmbeddedDefault() throws {
        let r = try Self.checkWithDefaultPath("true")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.log.first?.contains("config=embedded-default") == true, "\(r.log) \(r.stderr)")
    }

    @Test func aDanglingOrLoopingSymlinkAtTheDefaultPathIsAConfigurationError() throws {
        for (setup, why) in [
            ("ln -s /etc/pwguard/moved-away.toml /etc/pwguard/pwguard.toml", "No such file or directory"),
            ("ln -s /etc/pwguard/pwguard.toml /etc/pwguard/pwguard.toml", "Too many levels of symbolic links"),
        ] {
            let r = try Self.checkWithDefaultPath(setup)
            #expect(r.status == 2, "\(setup): \(r.log) \(r.stderr)")
            let line = try #require(r.log.first, "\(setup): \(r.stderr)")
            #expect(line.contains("cause=config") && line.contains("/etc/pwguard/pwguard.toml") && line.contains(why), "\(line)")
            #expect(line.contains("verdict=reject"))
        }
    }

    // ---- finding 15: a monitor policy still enforces what Samba would have -------------------------------

    @Test func aMonitorPolicyStillEnforcesWindowsComplexity() throws {
        let cfg = try Pwguard.oneRuleConfig("monitor.toml", mode: "monitor", rule: "id = \"length\"\nmin = 20")
        // Samba without a script refuses it (2 categories); a monitor policy must too
        let r = try Pwguard.check("abc-def-ghi", account: "bob", args: ["--config", cfg])
        #expect(r.status == 1, "\(r.log)")
        let line = try #require(r.log.first)
        #expect(line.contains("mode=monitor") && line.contains("verdict=reject") && line.contains("windows_complexity"), "\(line)")
        // complex enough: the monitored rules only log
        let m = try Pwguard.check("Abc-def-ghi7", account: "bob", args: ["--config", cfg])
        #expect(m.status == 0)
        #expect(m.log.first?.contains("verdict=accept-monitor") == true, "\(m.log)")
        #expect(m.log.first?.contains("windows_complexity") == false, "\(m.log)")
        // the account name is part of Windows complexity
        let named = try Pwguard.check("Bob-def-ghi7", account: "bob", args: ["--config", cfg])
        #expect(named.status == 1, "\(named.log)")
    }

    @Test func theOptOutIsExplicitAndOnlyForMonitorPolicies() throws {
        let off = try Pwguard.writeTemp("monitor-off.toml", """
            default_policy = "p"
            [[policy]]
            name = "p"
            mode = "monitor"
            monitor_enforces_windows_complexity = false
            [[policy.rule_set]]
            [[policy.rule_set.rule]]
            id = "length"
            min = 20
            """)
        let r = try Pwguard.check("abc-def-ghi", account: "bob", args: ["--config", off])
        #expect(r.status == 0, "\(r.log)")
        #expect(r.log.first?.contains("verdict=accept-monitor") == true, "\(r.log)")
        let enforce = try Pwguard.writeTemp("enforce-off.toml", """
            default_policy = "p"
            [[policy]]
            name = "p"
            monitor_enforces_windows_complexity = false
            [[policy.rule_set]]
            [[policy.rule_set.rule]]
            id = "length"
            """)
        let e = try Pwguard.check(Self.strong, account: "bob", args: ["--config", enforce])
        #expect(e.status == 2)
        #expect(e.log.first?.contains("monitor_enforces_windows_complexity") == true, "\(e.log)")
    }
}
