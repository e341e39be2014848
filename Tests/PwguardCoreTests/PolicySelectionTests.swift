import Testing
@testable import PwguardCore

/// Policy selection with the Allow/Block semantics of seeds 001 and 004.
@Suite struct PolicySelectionTests {
    static func policy(_ name: String, _ priority: Int, _ filters: PolicyFilters = PolicyFilters()) -> Policy {
        Policy(name: name, priority: priority, filters: filters, ruleSets: [])
    }

    static func facts(_ account: String, groups: [String]? = nil, dn: String? = nil) -> SelectionFacts {
        SelectionFacts(identity: Identity(accountName: account, distinguishedName: dn), groups: groups.map { Set($0.map { $0.lowercased() }) })
    }

    // Seed 001's example: one policy for everyone with the executives exempted (Allow), and a stricter one
    // for the executives (Block).
    static let executives = [
        policy("Executives", 1, PolicyFilters(groups: PrincipalFilter(mode: .block, members: ["Executives"]))),
        policy("Everyone", 2, PolicyFilters(groups: PrincipalFilter(mode: .allow, members: ["Executives"]))),
    ]

    @Test func executiveGetsTheStricterPolicy() {
        let s = PolicySelector.select(Self.executives, defaultPolicy: nil, facts: Self.facts("ceo", groups: ["Domain Users", "Executives"]))
        #expect(s.chosen == 0)
    }

    @Test func everyoneElseGetsTheOrdinaryPolicy() {
        let s = PolicySelector.select(Self.executives, defaultPolicy: nil, facts: Self.facts("clerk", groups: ["Domain Users"]))
        #expect(s.chosen == 1)
        #expect(s.considered[0].matched == false)
        #expect(s.considered[1].filters[0].why.contains("not in the allow list"))
    }

    @Test func blankFiltersMatchEveryone() {
        let s = PolicySelector.select([Self.policy("all", 1)], defaultPolicy: nil, facts: Self.facts("x"))
        #expect(s.chosen == 0)
    }

    @Test func noMatchAndNoDefaultIsNotChecked() {
        let p = Self.policy("bob only", 1, PolicyFilters(accounts: PrincipalFilter(mode: .block, members: ["bob"])))
        let s = PolicySelector.select([p], defaultPolicy: nil, facts: Self.facts("alice"))
        #expect(s.chosen == nil)
        #expect(s.why.contains("not checked"))
    }

    @Test func defaultAppliesWhenNothingElseMatches() {
        let ps = [Self.policy("bob only", 1, PolicyFilters(accounts: PrincipalFilter(mode: .block, members: ["BOB"]))), Self.policy("fallback", 9)]
        #expect(PolicySelector.select(ps, defaultPolicy: "fallback", facts: Self.facts("alice")).chosen == 1)
        #expect(PolicySelector.select(ps, defaultPolicy: "fallback", facts: Self.facts("alice")).byDefault)
        #expect(PolicySelector.select(ps, defaultPolicy: "fallback", facts: Self.facts("bob")).chosen == 0)
    }

    @Test func filtersAndTogether() {
        let p = Self.policy("staff admins", 1, PolicyFilters(
            groups: PrincipalFilter(mode: .block, members: ["Admins"]),
            containers: PrincipalFilter(mode: .block, members: ["OU=Staff,DC=lab,DC=example"], subtree: true)))
        let inBoth = Self.facts("a", groups: ["admins"], dn: "CN=a,OU=IT,OU=Staff,DC=lab,DC=example")
        let groupOnly = Self.facts("a", groups: ["admins"], dn: "CN=a,CN=Users,DC=lab,DC=example")
        #expect(PolicySelector.select([p], defaultPolicy: nil, facts: inBoth).chosen == 0)
        #expect(PolicySelector.select([p], defaultPolicy: nil, facts: groupOnly).chosen == nil)
    }

    @Test func containersMatchExactlyOrWithSubtree() {
        let exact = Self.policy("staff", 1, PolicyFilters(containers: PrincipalFilter(mode: .block, members: ["ou=Staff, dc=lab, dc=example"])))
        let deep = Self.facts("a", dn: "CN=a,OU=IT,OU=Staff,DC=lab,DC=example")
        let direct = Self.facts("a", dn: "CN=a,OU=Staff,DC=lab,DC=example")
        #expect(PolicySelector.select([exact], defaultPolicy: nil, facts: direct).chosen == 0)
        #expect(PolicySelector.select([exact], defaultPolicy: nil, facts: deep).chosen == nil)
        var sub = exact
        sub.filters.containers?.subtree = true
        #expect(PolicySelector.select([sub], defaultPolicy: nil, facts: deep).chosen == 0)
    }

    @Test func unresolvedGroupsFollowBlockIfUnresolved() {
        var f = PolicyFilters(groups: PrincipalFilter(mode: .block, members: ["Executives"]))
        let unresolved = Self.facts("ceo", groups: nil)
        #expect(PolicySelector.select([Self.policy("x", 1, f)], defaultPolicy: nil, facts: unresolved).chosen == nil)
        f.blockIfGroupsUnresolved = true
        #expect(PolicySelector.select([Self.policy("x", 1, f)], defaultPolicy: nil, facts: unresolved).chosen == 0)
    }

    @Test func accountsMatchByNameOrDN() {
        let p = Self.policy("x", 1, PolicyFilters(accounts: PrincipalFilter(mode: .allow, members: ["CN=svc,CN=Users,DC=lab,DC=example"])))
        #expect(PolicySelector.select([p], defaultPolicy: nil, facts: Self.facts("svc", dn: "cn=svc,cn=Users,dc=lab,dc=example")).chosen == nil)
        #expect(PolicySelector.select([p], defaultPolicy: nil, facts: Self.facts("other", dn: "CN=other,CN=Users,DC=lab,DC=example")).chosen == 0)
    }
}

/// Rule sets: "All Required", "Comply with at least N", and the passphrase bypass (seed 001).
@Suite struct EngineTests {
    static func set(_ r: Requirement, passphrase: Int? = nil, mins: [Int]) throws -> RuleSet {
        RuleSet(name: "s", requirement: r, passphraseLength: passphrase,
                rules: try mins.map { try LengthRule(RuleParameters(["min": .int($0)]), resources: Resources()) })
    }

    @Test func allRequired() throws {
        let s = try Self.set(.all, mins: [4, 10])
        #expect(!Engine.evaluate(s, Candidate("abcdef", identity: Identity(accountName: "u"))).passed)
        #expect(Engine.evaluate(s, Candidate("abcdefghijk", identity: Identity(accountName: "u"))).passed)
    }

    @Test func atLeastN() throws {
        let s = try Self.set(.atLeast(2), mins: [4, 6, 10])
        #expect(Engine.evaluate(s, Candidate("abcdefg", identity: Identity(accountName: "u"))).passed)
        #expect(!Engine.evaluate(s, Candidate("abcde", identity: Identity(accountName: "u"))).passed)
    }

    @Test func passphraseSkipsTheOtherRules() throws {
        let s = try Self.set(.all, passphrase: 32, mins: [100])
        let long = Engine.evaluate(s, Candidate(String(repeating: "correct horse ", count: 3), identity: Identity(accountName: "u")))
        #expect(long.passed && long.passphraseBypass)
        // at exactly the threshold the rules still apply (seed 001: "longer than")
        let edge = Engine.evaluate(s, Candidate(String(repeating: "x", count: 32), identity: Identity(accountName: "u")))
        #expect(!edge.passed)
    }

    @Test func monitorModeAcceptsANonCompliantPassword() throws {
        let p = Policy(name: "watch", mode: .monitor, ruleSets: [try Self.set(.all, mins: [50])])
        let r = Engine.evaluate(p, Candidate("short", identity: Identity(accountName: "u")))
        #expect(!r.compliant)
        #expect(r.accepted)
        #expect(r.failures.map(\.ruleID) == ["length"])
    }
}

/// Word list files: comments, blank lines, CRLF endings and surrounding blanks.
@Suite struct WordListTests {
    @Test func parsesLFAndCRLF() {
        let l = WordList(name: "t", text: "# comment\r\nalpha\r\n  beta \r\n\r\ngamma\ndelta")
        #expect(l.words == ["alpha", "beta", "gamma", "delta"])
    }
}

@Suite struct MessageTemplateTests {
    @Test func rendersInsertsAndKeepsUnknownText() {
        #expect(RuleResult.render("{rule}: {matched} in {list}!", ["rule": "r", "matched": "m", "list": "l"]) == "r: m in l!")
        #expect(RuleResult.render("a {b", ["b": "x"]) == "a {b")
        #expect(RuleResult.render("{x} stays", [:]) == "{x} stays")
    }
}

/// Issue 12: domains by labels, servers in both forms, containers by parsed RDNs, empty lists, unknown groups.
@Suite struct SelectionByIdentityTests {
    static func one(_ f: PolicyFilters) -> [Policy] { [PolicySelectionTests.policy("p", 1, f)] }
    static func chosen(_ f: PolicyFilters, _ facts: SelectionFacts) -> Bool {
        PolicySelector.select(one(f), defaultPolicy: nil, facts: facts).chosen == 0
    }

    @Test func domainsMatchWholeLabelsFromTheRight() {
        let f = PolicyFilters(domains: PrincipalFilter(mode: .block, members: ["lab.example"]))
        func on(_ d: String) -> Bool { Self.chosen(f, SelectionFacts(identity: Identity(accountName: "a"), domain: d)) }
        #expect(on("lab.example"))
        #expect(on("LAB.Example."))
        #expect(on("sub.lab.example"))               // documented: a listed domain covers the ones below it
        #expect(!on("lab.example.attacker.net"))     // a prefix is not a domain
        #expect(!on("xlab.example"))
        #expect(!on("example"))
        let org = PolicyFilters(domains: PrincipalFilter(mode: .block, members: ["corp.example.org"]))
        #expect(!Self.chosen(org, SelectionFacts(identity: Identity(accountName: "a"), domain: "corp.example")))
    }

    @Test func domainsNeverComeFromTheUPNSuffix() {
        // Users choose their UPN suffix: it must not decide which policy applies.
        let f = PolicyFilters(domains: PrincipalFilter(mode: .allow, members: ["lab.example"]))
        let id = Identity(accountName: "a", userPrincipalName: "a@lab.example")
        let v = PolicySelector.evaluate(f, SelectionFacts(identity: id, domain: "other.example"))
        #expect(v[0].matched)                         // not exempt: the DC's domain is other.example
        #expect(v[0].why.contains("other.example"))
        #expect(PolicySelector.evaluate(f, SelectionFacts(identity: id))[0].why.contains("unknown"))
    }

    @Test func serversAcceptShortAndFullNames() {
        #expect(PolicySelector.serverMatches("dc1", "dc1"))
        #expect(PolicySelector.serverMatches("dc1.lab.example", "dc1"))
        #expect(PolicySelector.serverMatches("DC1", "dc1.lab.example"))
        #expect(PolicySelector.serverMatches("dc1.lab.example", "DC1.LAB.EXAMPLE."))
        #expect(!PolicySelector.serverMatches("dc1.lab.example", "dc1.other.example"))
        #expect(!PolicySelector.serverMatches("dc1", "dc2.lab.example"))
        let f = PolicyFilters(servers: PrincipalFilter(mode: .block, members: ["dc1.lab.example"]))
        #expect(Self.chosen(f, SelectionFacts(identity: Identity(accountName: "a"), server: "dc1")))
    }

    @Test func subtreeComparesParsedRDNsNotStrings() {
        let f = PolicyFilters(containers: PrincipalFilter(mode: .allow, members: ["OU=Svc,OU=Dept,DC=lab,DC=example"], subtree: true))
        func applies(_ dn: String) -> Bool { Self.chosen(f, PolicySelectionTests.facts("u", dn: dn)) }
        // A sibling OU named "x,OU=Svc" (escaped comma) is not under OU=Svc: its users are not exempt.
        #expect(applies("CN=u,OU=x\\,OU=Svc,OU=Dept,DC=lab,DC=example"))
        #expect(applies("CN=u,OU=x\\2COU=Svc,OU=Dept,DC=lab,DC=example"))
        // Really under it, however spelled: exempt.
        #expect(!applies("CN=u,OU=Svc,OU=Dept,DC=lab,DC=example"))
        #expect(!applies("cn=u, ou=Deep , ou=SVC,ou=dept,dc=LAB,dc=example"))
        #expect(!applies("CN=u,OU=Deep,OU=S\\76c,OU=Dept,DC=lab,DC=example"))
        let exact = PolicyFilters(containers: PrincipalFilter(mode: .block, members: ["OU=Svc,OU=Dept,DC=lab,DC=example"]))
        #expect(!Self.chosen(exact, PolicySelectionTests.facts("u", dn: "CN=u,OU=x\\,OU=Svc,OU=Dept,DC=lab,DC=example")))
        #expect(Self.chosen(exact, PolicySelectionTests.facts("u", dn: "CN=u+UID=7,OU=Svc,OU=Dept,DC=lab,DC=example")))
    }

    @Test func emptyListsMatchEveryone() {
        // Seed 001: "Selecting Block with no accounts, groups, or containers specified applies the filter rule to all accounts".
        for f in [PolicyFilters(accounts: PrincipalFilter(mode: .block, members: [])),
                  PolicyFilters(groups: PrincipalFilter(mode: .block, members: [])),
                  PolicyFilters(containers: PrincipalFilter(mode: .block, members: [], subtree: true)),
                  PolicyFilters(domains: PrincipalFilter(mode: .block, members: [])),
                  PolicyFilters(groups: PrincipalFilter(mode: .allow, members: []))] {
            #expect(Self.chosen(f, PolicySelectionTests.facts("anyone")))   // no groups, no DN, no domain known
            #expect(!f.needsDirectory)
        }
        let v = PolicySelector.evaluate(PolicyFilters(accounts: PrincipalFilter(mode: .block, members: [])), PolicySelectionTests.facts("x"))
        #expect(v[0].why.contains("empty"))
    }

    @Test func unknownGroupIsNamedInTheFilterLine() {
        let f = PolicyFilters(groups: PrincipalFilter(mode: .block, members: ["Domain Admin", "Executives"]))
        let facts = SelectionFacts(identity: Identity(accountName: "a"), groups: ["domain admins"], unknownGroups: ["domain admin"])
        let v = PolicySelector.evaluate(f, facts)[0]
        #expect(!v.matched)
        #expect(v.why == "not in the block list; no such group in the directory: \"Domain Admin\"")
    }
}
