import Foundation
import Testing

/// Issue 12, findings 3 and 16 on the binary: where the DC's domain comes from, what `config check` says
/// about it, and seed 001's empty block list.
@Suite struct SelectionCommandTests {
    /// A "strict" policy (min 20) for the listed domain, before a default that accepts 8.
    static func domainsConfig(top: String = "", directory: String = "") throws -> String {
        try Pwguard.writeTemp("domains.toml", """
            default_policy = "Everyone"
            \(top)
            \(directory)
            [[policy]]
            name = "Lab"
            priority = 1
            [policy.applies_to]
            domains = { block = ["lab.example"] }
            [[policy.rule_set]]
            [[policy.rule_set.rule]]
            id = "length"
            min = 20

            [[policy]]
            name = "Everyone"
            [[policy.rule_set]]
            [[policy.rule_set.rule]]
            id = "length"
            min = 8
            """)
    }

    static func explainPolicy(_ cfg: String, _ extra: [String]) throws -> String {
        let r = try Pwguard.run(["explain", "--config", cfg, "--account", "eve", "--no-directory", "--json"] + extra,
                                stdin: Array("Vexa-Lumb-42".utf8))
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return ((obj?["policy"] as? [String: Any])?["name"] as? String) ?? "(none)"
    }

    @Test func theUPNSuffixNeverDecidesTheDomain() throws {
        // Without `domain`, a user whose UPN ends in @lab.example used to select the lab policy.
        let cfg = try Self.domainsConfig(directory: "[directory]\nenabled = false")
        #expect(try Self.explainPolicy(cfg, ["--upn", "eve@lab.example"]) == "Everyone")
        #expect(try Self.explainPolicy(cfg, ["--domain", "sub.lab.example"]) == "Lab")
        #expect(try Self.explainPolicy(cfg, ["--domain", "lab.example.attacker.net"]) == "Everyone")
        let withDomain = try Self.domainsConfig(top: "domain = \"LAB.example\"")
        #expect(try Self.explainPolicy(withDomain, ["--upn", "eve@other.example"]) == "Lab")
    }

    @Test func configCheckWarnsAboutDomainsWithoutDomain() throws {
        let off = try Pwguard.run(["config", "check", try Self.domainsConfig(directory: "[directory]\nenabled = false")], stdin: [])
        #expect(off.status == 0)
        #expect(off.stderr.contains("with no `domain` set and [directory] enabled = false: this DC's domain is unknown"))
        let lookup = try Pwguard.run(["config", "check", try Self.domainsConfig()], stdin: [])
        #expect(lookup.status == 0)
        #expect(lookup.stderr.contains("looks the directory up only to read its naming context"))
        let set = try Pwguard.run(["config", "check", try Self.domainsConfig(top: "domain = \"lab.example\"")], stdin: [])
        #expect(set.status == 0)
        #expect(!set.stderr.contains("domain"), "\(set.stderr)")
    }

    @Test func aDomainsFilterWithoutDomainAsksTheDirectory() throws {
        // No `domain`: the check needs the directory's naming context; with no DC here the lookup fails: on_error.
        let cfg = try Self.domainsConfig(directory: "[directory]\nprivate_dir = \"/nonexistent/pwguard-test\"")
        let r = try Pwguard.check("Vexa-Lumb-42", account: "eve", args: ["--config", cfg])
        #expect(r.status == 3)
        #expect(r.log.joined().contains("cause=directory directory=connect"))
        let known = try Pwguard.check("Vexa-Lumb-42", account: "eve", args: ["--config", try Self.domainsConfig(top: "domain = \"lab.example\"")])
        #expect(known.status == 1)   // the lab policy (min 20), no lookup
        #expect(known.log.joined().contains("policy=Lab"))
    }

    @Test func anEPEStyleEmptyBlockListAppliesToEveryone() throws {
        // Seed 001: "Selecting Block with no accounts, groups, or containers specified applies the filter rule to all accounts".
        let cfg = try Pwguard.writeTemp("epe.toml", """
            [[policy]]
            name = "EPE"
            [policy.applies_to]
            accounts = { block = [] }
            groups = { block = [] }
            containers = { block = [] }
            [[policy.rule_set]]
            [[policy.rule_set.rule]]
            id = "length"
            min = 12
            """)
        #expect(try Pwguard.run(["config", "check", cfg], stdin: []).status == 0)
        let short = try Pwguard.check("Vexa-Lumb-4", account: "anyone", args: ["--config", cfg])
        #expect(short.status == 1)
        #expect(short.log.joined().contains("policy=EPE"))
        #expect(try Pwguard.check("Vexa-Lumb-42x", account: "anyone", args: ["--config", cfg]).status == 0)
    }
}
