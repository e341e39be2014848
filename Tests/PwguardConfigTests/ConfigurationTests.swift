import PwguardConfig
import PwguardCore
import Testing

/// The repository root, found from this file's path (Tests/PwguardConfigTests/ConfigurationTests.swift).
let repositoryRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

/// Parses `text` as "pwguard.toml" and returns every error.
func errors(_ text: String, path: String = "pwguard.toml") -> [ConfigError] {
    Configuration.validate(text: text, path: path)
}

/// The only (or first) error of `text`; records an issue when the text is valid.
func firstError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ConfigError? {
    let all = errors(text)
    if all.isEmpty { Issue.record("expected an error", sourceLocation: sourceLocation) }
    return all.first
}

/// A minimal valid policy, appended to the documents the error tests build.
let onePolicy = """
    [[policy]]
    name = "p"
    [[policy.rule_set]]
    [[policy.rule_set.rule]]
    id = "length"
    min = 8

    """

@Suite struct ValidConfigurations {
    let text = """
        on_error = "accept"
        deadline_ms = 300
        default_policy = "Everyone"
        domain = "lab.example"
        server = "dc1"

        [log]
        facility = "auth"
        json_file = "/var/log/pwguard.json"
        ident = "pwguard-test"

        [directory]
        uri = "ldaps://dc1.lab.example"
        timeout_ms = 150
        bind_dn = "CN=pwguard,CN=Users,DC=lab,DC=example"
        password_file = "/etc/pwguard/bind-password"
        enabled = false

        [lists]
        common = "builtin:common-passwords"

        [substitutions]
        "#" = "h"
        "0" = ""

        [[policy]]
        name = "Everyone"
        priority = 20
        [[policy.rule_set]]
        [[policy.rule_set.rule]]
        id = "length"
        min = 10

        [[policy]]
        name = "Executives"
        priority = 10
        mode = "monitor"
        [policy.applies_to]
        groups = { block = ["Executives"] }
        containers = { block = ["OU=Staff,DC=lab,DC=example"], subtree = true }
        accounts = { allow = ["svc-backup"] }
        domains = { block = ["lab.example"] }
        servers = { allow = ["dc9"] }
        block_if_groups_unresolved = true
        [[policy.rule_set]]
        name = "mandatory"
        [[policy.rule_set.rule]]
        id = "length"
        min = 15
        [[policy.rule_set]]
        require = 1
        passphrase_length = 32
        [[policy.rule_set.rule]]
        id = "length"
        min = 20
        [[policy.rule_set.rule]]
        id = "length"
        max = 40

        [[policy]]
        name = "Also 10"
        priority = 10
        rule_set = [{ rule = [{ id = "length" }] }]
        """

    @Test func topLevelSettings() throws {
        let c = try Configuration.parse(text: text, path: "/etc/pwguard/pwguard.toml")
        #expect(c.path == "/etc/pwguard/pwguard.toml")
        #expect(c.onError == .accept)
        #expect(c.deadlineMilliseconds == 300)
        #expect(c.defaultPolicy == "Everyone")
        #expect(c.domain == "lab.example")
        #expect(c.server == "dc1")
        #expect(c.log == LogSettings(facility: "auth", jsonFile: "/var/log/pwguard.json", ident: "pwguard-test"))
        #expect(c.directory == DirectorySettings(
            uri: "ldaps://dc1.lab.example", timeoutMilliseconds: 150, bindDN: "CN=pwguard,CN=Users,DC=lab,DC=example",
            passwordFile: "/etc/pwguard/bind-password", enabled: false))
        #expect(c.resources.listPaths == ["common": "builtin:common-passwords"])
        #expect(c.resources.baseDirectory == "/etc/pwguard")
        #expect(c.resources.substitutions.letters(for: "#") == ["h"])
        #expect(c.resources.substitutions.letters(for: "0") == nil)
        #expect(c.resources.substitutions.letters(for: "@") == ["a"])
    }

    @Test func policiesSortedByPriorityStably() throws {
        let c = try Configuration.parse(text: text, path: "pwguard.toml")
        #expect(c.policies.map(\.name) == ["Executives", "Also 10", "Everyone"])
        #expect(c.policies.map(\.priority) == [10, 10, 20])
        #expect(c.policies.map(\.mode) == [.monitor, .enforce, .enforce])
        #expect(c.resources.baseDirectory == ".")
    }

    @Test func filters() throws {
        let c = try Configuration.parse(text: text, path: "pwguard.toml")
        let f = c.policies[0].filters
        #expect(f.groups == PrincipalFilter(mode: .block, members: ["Executives"]))
        #expect(f.containers == PrincipalFilter(mode: .block, members: ["OU=Staff,DC=lab,DC=example"], subtree: true))
        #expect(f.accounts == PrincipalFilter(mode: .allow, members: ["svc-backup"]))
        #expect(f.domains == PrincipalFilter(mode: .block, members: ["lab.example"]))
        #expect(f.servers == PrincipalFilter(mode: .allow, members: ["dc9"]))
        #expect(f.blockIfGroupsUnresolved)
        #expect(c.policies[2].filters.isEmpty)
    }

    @Test func ruleSets() throws {
        let c = try Configuration.parse(text: text, path: "pwguard.toml")
        // a monitor policy (Executives) ends with Samba's complexity, enforced even in monitor mode
        let sets = c.policies[0].ruleSets
        #expect(sets.map(\.name) == ["mandatory", "rule set 2", "Samba's complexity (enforced in monitor mode)"])
        #expect(sets.map(\.requirement) == [.all, .atLeast(1), .all])
        #expect(sets.map(\.passphraseLength) == [nil, 32, nil])
        #expect(sets.map(\.rules.count) == [1, 2, 1])
        #expect(sets.map(\.enforcedInMonitorMode) == [false, false, true])
        #expect(sets[2].rules.map(\.id) == ["windows_complexity"])
        #expect(c.policies[1].rules.map(\.id) == ["length"])
        let short = Candidate("Fourteen-chars", identity: Identity(accountName: "u"))
        #expect(!Engine.evaluate(c.policies[0], short).compliant)
        #expect(Engine.evaluate(c.policies[0], short).accepted, "monitored rules only")
        #expect(Engine.evaluate(c.policies[0], Candidate("Fifteen chars!!", identity: Identity(accountName: "u"))).compliant)
        let simple = Engine.evaluate(c.policies[0], Candidate("fifteen chars!!", identity: Identity(accountName: "u")))
        #expect(!simple.compliant && !simple.accepted, "2 character categories: Samba's complexity refuses it")
    }

    @Test func defaultsWhenOmitted() throws {
        let c = try Configuration.parse(text: onePolicy, path: nil)
        #expect(c.path == nil)
        #expect(c.onError == .reject)
        #expect(c.deadlineMilliseconds == 500)
        #expect(c.defaultPolicy == nil)
        #expect(c.log == LogSettings())
        #expect(c.log.facility == "authpriv" && c.log.ident == "pwguard")
        #expect(c.directory == DirectorySettings())
        #expect(c.directory.timeoutMilliseconds == 200 && c.directory.enabled)
        #expect(c.domain == nil && c.server == nil)
        #expect(c.resources.baseDirectory == nil)
        #expect(c.resources.substitutions == SubstitutionTable.standard)
        #expect(c.policies.first?.ruleSets.first?.name == "rule set 1")
    }

    @Test func explicitlyEmptyRuleSetsExempt() throws {
        let c = try Configuration.parse(text: """
            [[policy]]
            name = "Exempt"
            applies_to = { accounts = { block = ["svc-legacy"] } }
            rule_set = []
            """, path: nil)
        #expect(c.policies[0].ruleSets.isEmpty)
        #expect(Engine.evaluate(c.policies[0], Candidate("x", identity: Identity(accountName: "svc-legacy"))).compliant)
    }
}

@Suite struct ConfigurationErrors {
    func expect(
        _ e: ConfigError?, line: Int?, key: String, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let e else { return }
        #expect(e.file == "pwguard.toml", sourceLocation: sourceLocation)
        #expect(e.line == line, "\(e)", sourceLocation: sourceLocation)
        #expect(e.key == key, "\(e)", sourceLocation: sourceLocation)
        #expect(e.message.contains(fragment), "\(e)", sourceLocation: sourceLocation)
        if let line {
            #expect(e.description.hasPrefix("pwguard.toml:\(line): \(key.isEmpty ? "" : key + ": ")"), "\(e)", sourceLocation: sourceLocation)
        }
    }

    @Test func syntaxError() {
        let e = firstError("on_error = \"reject\"\ndeadline_ms = \n")
        expect(e, line: 2, key: "", "TOML syntax error (column")
    }

    @Test func unknownTopLevelKey() {
        let e = firstError("on_eror = \"reject\"\n" + onePolicy)
        expect(e, line: 1, key: "on_eror", "unknown key")
        #expect(e?.message.contains("on_error") == true)
    }

    /// Found by the config_loader fuzz target: toml++ asserts (aborts) on these instead of reporting them.
    @Test func tomlThatAbortedTheParserIsASyntaxError() {
        for (text, line) in [("[[#\n", 1), ("[#\n", 1), ("a = 1\n[é]\n", 2), ("[ =]\n", 1), ("[[\n", 1), ("[\r\n", 1),
                             ("on_error = \"accept\"\n  [ .a]\n", 2), ("\u{FEFF}[#\n", 1)] {
            expect(firstError(text), line: line, key: "", "table header must start with a key")
        }
        for (text, line) in [("a = [ }\n", 1), ("a = [1, }\n", 1), ("a = [1, # x\n}\n", 2), ("a = {b = [}]}\n", 1)] {
            expect(firstError(text), line: line, key: "", "'}' where an array element")
        }
        // the same characters inside strings and comments are fine
        #expect(errors(onePolicy + "\nwords = [\"a, }\", '[ }', \"\"\"\n x [ }\n, }\"\"\"] # [ }\n").allSatisfy { !$0.message.contains("array element") && !$0.message.contains("table header") })
        // quoted, bare and spaced headers are fine
        #expect(errors("[ \"log\" ]\nfacility = \"auth\"\n[[ policy ]]\nname = \"p\"\n[[policy.rule_set]]\n[[policy.rule_set.rule]]\nid = \"length\"\n").isEmpty)
    }

    @Test func unknownKeyInSection() {
        expect(firstError("[log]\nfacility = \"auth\"\nlevel = 3\n" + onePolicy), line: 3, key: "log.level", "unknown key")
        expect(firstError(onePolicy + "colour = \"red\"\n"), line: 7, key: "policy[1].rule_set[1].rule[1].colour", "unknown key")
    }

    @Test func unknownRuleKey() {
        let text = onePolicy + """
            [[policy.rule_set.rule]]
            id = "length"
            min = 8
            maximum = 3
            """
        expect(firstError(text), line: 10, key: "policy[1].rule_set[1].rule[2].maximum", "unknown key")
    }

    @Test func unknownRuleID() {
        let text = onePolicy + """
            [[policy.rule_set.rule]]
            id = "lenght"
            """
        expect(firstError(text), line: 8, key: "policy[1].rule_set[1].rule[2].id", "unknown rule \"lenght\"")
    }

    @Test func missingRuleID() {
        let text = onePolicy + "[[policy.rule_set.rule]]\nmin = 3\n"
        expect(firstError(text), line: 7, key: "policy[1].rule_set[1].rule[2].id", "is required")
    }

    @Test func badRuleValue() {
        let text = """
            [[policy]]
            name = "p"
            [[policy.rule_set]]
            rule = [
              { id = "length", min = 8 },
              { id = "length", min = -1 },
            ]
            """
        expect(firstError(text), line: 6, key: "policy[1].rule_set[1].rule[2].min", "must be at least 0")
    }

    @Test func badTypes() {
        expect(firstError("deadline_ms = \"fast\"\n" + onePolicy), line: 1, key: "deadline_ms", "must be an integer, not a string")
        expect(firstError("deadline_ms = 1000\n" + onePolicy), line: 1, key: "deadline_ms", "must be from 50 to 900")
        expect(firstError("on_error = \"ignore\"\n" + onePolicy), line: 1, key: "on_error", "must be one of \"reject\", \"accept\"")
        expect(firstError("deadline_ms = 1.5\n" + onePolicy), line: 1, key: "deadline_ms", "a floating-point number is not accepted")
        expect(firstError(onePolicy + "max = 2.5\n"), line: 7, key: "policy[1].rule_set[1].rule[1].max", "floating-point number is not accepted")
        #expect(errors("[[policy]]\nname = 1979-05-27\nrule_set = []\n").map(\.key) == ["policy[1].name"])
        expect(firstError("log = \"syslog\"\n" + onePolicy), line: 1, key: "log", "must be a table")
        expect(firstError("[policy]\nname = \"p\"\n"), line: 1, key: "policy", "write [[policy]]")
        expect(firstError(onePolicy + "[policy.applies_to]\ngroups = [\"x\"]\n"), line: 8,
               key: "policy[1].applies_to.groups", "must be a table, such as { block")
    }

    @Test func bothBlockAndAllow() {
        let text = onePolicy + """
            [policy.applies_to]
            groups = { block = ["A"], allow = ["B"] }
            """
        expect(firstError(text), line: 8, key: "policy[1].applies_to.groups", "has both block and allow")
    }

    @Test func filterShape() {
        let header = onePolicy + "[policy.applies_to]\n"
        expect(firstError(header + "groups = {}\n"), line: 8, key: "policy[1].applies_to.groups", "needs block")
        expect(firstError(header + "containers = { block = [\"OU=a,,DC=b\"] }\n"), line: 8,
               key: "policy[1].applies_to.containers.block[1]", "distinguished name")
        expect(firstError(header + "groups = { allow = [\"CN=x,,DC=b\"] }\n"), line: 8,
               key: "policy[1].applies_to.groups.allow[1]", "a group's sAMAccountName, a SID or a distinguished name")
        expect(firstError(header + "groups = { block = [\"A\"], subtree = true }\n"), line: 8,
               key: "policy[1].applies_to.groups.subtree", "unknown key")
        expect(firstError(header + "containers = { block = [\"Staff\"] }\n"), line: 8,
               key: "policy[1].applies_to.containers.block[1]", "distinguished name")
        expect(firstError(header + "block_if_groups_unresolved = true\n"), line: 8,
               key: "policy[1].applies_to.block_if_groups_unresolved", "only applies with a block group filter")
    }

    @Test func requireTooLarge() {
        let text = """
            [[policy]]
            name = "p"
            [[policy.rule_set]]
            require = 3
            [[policy.rule_set.rule]]
            id = "length"
            [[policy.rule_set.rule]]
            id = "length"
            """
        expect(firstError(text), line: 4, key: "policy[1].rule_set[1].require", "from 1 to 2")
        expect(firstError(text.replacingFirst("3", "0")), line: 4, key: "policy[1].rule_set[1].require", "from 1 to 2")
        expect(firstError(text.replacingFirst("3", "\"any\"")), line: 4, key: "policy[1].rule_set[1].require", "not \"any\"")
    }

    @Test func defaultPolicyNamingNothing() {
        expect(firstError("default_policy = \"Everybody\"\n" + onePolicy), line: 1, key: "default_policy", "names no policy: \"Everybody\"")
    }

    @Test func defaultPolicyWithFilters() {
        let text = "default_policy = \"p\"\n" + onePolicy + "[policy.applies_to]\ngroups = { block = [\"A\"] }\n"
        expect(firstError(text), line: 1, key: "default_policy", "its filters would be ignored")
    }

    @Test func duplicatePolicyName() {
        expect(firstError(onePolicy + onePolicy), line: 8, key: "policy[2].name", "already the name of policy[1]")
    }

    @Test func noPolicy() {
        expect(firstError("on_error = \"reject\"\n"), line: nil, key: "policy", "at least one [[policy]]")
        expect(firstError("[[policy]]\nname = \"p\"\n"), line: 1, key: "policy[1].rule_set", "is required")
        expect(firstError("[[policy]]\nname = \"p\"\n[[policy.rule_set]]\nname = \"s\"\n"), line: 3, key: "policy[1].rule_set[1].rule", "is required")
        expect(firstError("[[policy]]\npriority = 1\nrule_set = []\n"), line: 1, key: "policy[1].name", "is required")
    }

    @Test func missingListFile() {
        let listed = firstError("[lists]\ncommon = \"builtin:common-passwords\"\ncompany = \"words/nope.txt\"\n" + onePolicy)
        expect(listed, line: 3, key: "lists.company", "No such file or directory")
        #expect(listed?.message.contains("words/nope.txt") == true)
        expect(firstError("[lists]\nx = \"builtin:nope\"\n" + onePolicy), line: 2, key: "lists.x", "no built-in list \"nope\"")
        let direct = onePolicy + """
            [[policy.rule_set.rule]]
            id = "password_dictionary"
            lists = ["/nonexistent/words.txt"]
            """
        expect(firstError(direct), line: 9, key: "policy[1].rule_set[1].rule[2].lists", "/nonexistent/words.txt")
    }

    @Test func stores() throws {
        expect(firstError("[stores]\nhibp = 3\n" + onePolicy), line: 2, key: "stores.hibp", "must be a string")
        expect(firstError("[stores]\nhibp = \"\"\n" + onePolicy), line: 2, key: "stores.hibp", "must not be empty")
        let withRule = "[stores]\nhibp = \"/nonexistent/hibp.pwgs\"\n" + onePolicy + """
            [[policy.rule_set.rule]]
            id = "breached"
            stores = ["hibp"]
            """
        // A missing store is not a syntax error: it is a store problem, which check and config check report.
        let c = try Configuration.parse(text: withRule, path: "/etc/pwguard/pwguard.toml")
        #expect(c.resources.storePaths == ["hibp": "/nonexistent/hibp.pwgs"])
        #expect(c.resources.storeProblems.map(\.name) == ["hibp"])
        #expect(c.resources.storeProblems.first?.error.reason.contains("No such file") == true)
        expect(firstError(withRule + "\nmin_count = \"x\""), line: 12, key: "policy[1].rule_set[1].rule[2].min_count", "integer")
    }

    @Test func substitutions() {
        expect(firstError("[substitutions]\n\"ab\" = \"x\"\n" + onePolicy), line: 2, key: "substitutions.ab", "one character")
        expect(firstError("[substitutions]\n\"4\" = \"a1\"\n" + onePolicy), line: 2, key: "substitutions.4", "letters")
        expect(firstError("[substitutions]\n\"a b\" = \"x\"\n" + onePolicy), line: 2, key: "substitutions.\"a b\"", "one character")
    }

    @Test func directorySettings() {
        let d = "[directory]\n"
        expect(firstError(d + "uri = \"http://dc1\"\n" + onePolicy), line: 2, key: "directory.uri", "ldapi://")
        expect(firstError(d + "bind_dn = \"CN=x,DC=lab\"\n" + onePolicy), line: 1, key: "directory.password_file", "is required with bind_dn")
        expect(firstError(d + "password_file = \"/x\"\n" + onePolicy), line: 2, key: "directory.password_file", "only used with bind_dn")
        expect(firstError(d + "password_file = \"x\"\n" + onePolicy), line: 2, key: "directory.password_file", "absolute path")
        expect(firstError(d + "sasl = \"plain\"\n" + onePolicy), line: 2, key: "directory.sasl", "\"gssapi\"")
        expect(firstError("deadline_ms = 100\n" + d + "timeout_ms = 200\n" + onePolicy), line: 3, key: "directory.timeout_ms", "less than deadline_ms (100)")
        expect(firstError(d + "enabled = \"yes\"\n" + onePolicy), line: 2, key: "directory.enabled", "true or false")
    }

    @Test func namesAndLog() {
        expect(firstError("domain = \"lab example\"\n" + onePolicy), line: 1, key: "domain", "DNS name")
        expect(firstError("[log]\nfacility = \"local0\"\n" + onePolicy), line: 2, key: "log.facility", "\"authpriv\", \"auth\"")
        expect(firstError("[log]\nident = \"pw guard\"\n" + onePolicy), line: 2, key: "log.ident", "printable")
    }

    @Test func linesAfterMultilineValues() {
        let text = #"""
            [[policy]]
            name = """
            a name
            on three lines"""
            description = 'x'
            [[policy.rule_set]]
            rule = [
              # a comment [with brackets]
              { id = "length", min = 8, note = "}" },
            ]
            """#
        let all = errors(text)
        #expect(all.map(\.key) == ["policy[1].description", "policy[1].rule_set[1].rule[1].note"])
        #expect(all.map(\.line) == [5, 9])
    }

    @Test func allErrorsInFileOrder() {
        let text = """
            colour = "red"
            deadline_ms = 5
            [[policy]]
            name = "p"
            [[policy.rule_set]]
            [[policy.rule_set.rule]]
            id = "nope"
            [[policy.rule_set.rule]]
            id = "length"
            min = "eight"
            """
        let all = errors(text)
        #expect(all.map(\.line) == [1, 2, 7, 10])
        #expect(all.map(\.key) == ["colour", "deadline_ms", "policy[1].rule_set[1].rule[1].id", "policy[1].rule_set[1].rule[2].min"])
        #expect(throws: ConfigError.self) { try Configuration.parse(text: text, path: "pwguard.toml") }
        do {
            _ = try Configuration.parse(text: text, path: "pwguard.toml")
        } catch let e as ConfigError {
            #expect(e == all[0])
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func unreadableFile() {
        let path = repositoryRoot + "/samba-examples/no-such-file.toml"
        do {
            _ = try Configuration.load(path: path)
            Issue.record("loaded a missing file")
        } catch let e as ConfigError {
            #expect(e.file == path)
            #expect(e.line == nil)
            #expect(e.description.hasPrefix(path + ": "))
            #expect(e.message.contains("No such file or directory"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(Configuration.validate(path: repositoryRoot + "/samba-examples").first?.message.contains("directory") == true)
    }
}

@Suite struct ShippedConfigurations {
    @Test func embeddedDefault() throws {
        let c = try Configuration.embeddedDefault()
        #expect(c.path == nil)
        #expect(c.onError == .reject)
        #expect(c.defaultPolicy == "default")
        #expect(c.policies.count == 1)
        let p = c.policies[0]
        #expect(p.name == "default" && p.mode == .enforce && p.filters.isEmpty)
        #expect(p.rules.map(\.id) == ["windows_complexity", "length", "password_dictionary", "strength"])
        let user = Identity(accountName: "maryjones", displayName: "Mary Jones")
        for weak in ["Password1", "P@ssw0rd2024!", "Short1!", "simplepassword", "Maryjones#2024"] {
            #expect(!Engine.evaluate(p, Candidate(weak, identity: user)).compliant, "\(weak)")
        }
        #expect(Engine.evaluate(p, Candidate("Tangerine-Kettle-42", identity: user)).compliant)
        #expect(Configuration.embeddedDefaultTOML.contains("id = \"windows_complexity\""))
    }

    /// The programmatic default (no TOML parsing on the hot path) and the TOML that show-default prints
    /// are the same policy and decide the same way.
    @Test func embeddedDefaultMatchesItsTOML() throws {
        let built = try Configuration.embeddedDefault()
        let parsed = try Configuration.parse(text: Configuration.embeddedDefaultTOML, path: nil)
        #expect(built.onError == parsed.onError && built.deadlineMilliseconds == parsed.deadlineMilliseconds)
        #expect(built.defaultPolicy == parsed.defaultPolicy)
        #expect(built.policies.map(\.name) == parsed.policies.map(\.name))
        #expect(built.policies.map(\.mode) == parsed.policies.map(\.mode))
        #expect(built.policies[0].ruleSets.map(\.name) == parsed.policies[0].ruleSets.map(\.name))
        #expect(built.policies[0].ruleSets.map(\.requirement) == parsed.policies[0].ruleSets.map(\.requirement))
        #expect(built.policies[0].rules.map(\.id) == parsed.policies[0].rules.map(\.id))
        let user = Identity(accountName: "maryjones", displayName: "Mary Jones")
        for pw in ["Password1", "P@ssw0rd2024!", "Short1!", "Maryjones#2024", "Tangerine-Kettle-42", "Summer2024!", "Vx9-Kelp-Zorbu-Frimt"] {
            let a = Engine.evaluate(built.policies[0], Candidate(pw, identity: user))
            let b = Engine.evaluate(parsed.policies[0], Candidate(pw, identity: user))
            #expect(a.compliant == b.compliant, "\(pw)")
            #expect(a.failures.map(\.ruleID) == b.failures.map(\.ruleID), "\(pw)")
        }
    }

    @Test func exampleConfiguration() throws {
        let path = repositoryRoot + "/samba-examples/pwguard.toml"
        let c = try Configuration.load(path: path)
        #expect(c.path == path)
        #expect(c.policies.map(\.name) == ["Executives", "Everyone", "Baseline"])
        #expect(c.defaultPolicy == "Baseline")
        #expect(c.domain == "lab.example")
        #expect(c.policies[0].filters.groups?.mode == .block)
        #expect(c.policies[0].ruleSets.map(\.requirement) == [.all, .atLeast(3)])
        #expect(c.policies[1].filters.groups?.mode == .allow)
        #expect(c.policies[1].filters.containers?.subtree == true)
        #expect(c.resources.substitutions.letters(for: "#") == ["h"])
        // the company list is read relative to the file
        let staff = Identity(accountName: "jdoe", displayName: "Jane Doe", domainName: "lab.example")
        #expect(!Engine.evaluate(c.policies[1], Candidate("Examplecorp-Rocks-7", identity: staff)).compliant)
        #expect(Engine.evaluate(c.policies[1], Candidate("Tangerine-Kettle-42", identity: staff)).compliant)
    }

    @Test func nistConfiguration() throws {
        let c = try Configuration.load(path: repositoryRoot + "/samba-examples/nist-800-63b.toml")
        #expect(c.policies.map(\.name) == ["NIST 800-63B"])
        let user = Identity(accountName: "jdoe", displayName: "Jane Doe")
        let p = c.policies[0]
        #expect(!Engine.evaluate(p, Candidate("Tangerine-42", identity: user)).compliant)  // too short
        #expect(Engine.evaluate(p, Candidate("tangerine kettle sunrise", identity: user)).compliant)  // no composition
        #expect(!Engine.evaluate(p, Candidate("jdoe tangerine kettle", identity: user)).compliant)
        #expect(!Engine.evaluate(p, Candidate("tangerine 12345 kettle", identity: user)).compliant)
        #expect(!Engine.evaluate(p, Candidate("tangerine aaaaa kettle", identity: user)).compliant)
        // long enough, but a word, a year and a surname: the strength rule
        let weak = Engine.evaluate(p, Candidate("Generated2024Jones", identity: user))
        #expect(weak.failures.map(\.ruleID) == ["strength"])
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, _ replacement: String) -> String {
        guard let r = firstRange(of: target) else { return self }
        var s = self
        s.replaceSubrange(r, with: replacement)
        return s
    }
}

/// Seed 001: "Selecting Block with no accounts, groups, or containers specified applies the filter rule to all
/// accounts". An EPE-style configuration with empty lists loads, and its filters match everyone (issue 12, 16).
@Suite struct EmptyFilterListTests {
    @Test func emptyBlockAndAllowListsLoadAndMatchEveryone() throws {
        let text = """
            [[policy]]
            name = "EPE"
            [policy.applies_to]
            accounts = { block = [] }
            groups = { block = [] }
            containers = { block = [], subtree = true }
            servers = { allow = [] }
            [[policy.rule_set]]
            [[policy.rule_set.rule]]
            id = "length"
            min = 12

            """
        #expect(errors(text).isEmpty)
        let c = try Configuration.parse(text: text, path: "epe.toml")
        let p = c.policies[0]
        #expect(p.filters.groups?.members == [])
        #expect(!p.filters.needsDirectory)   // nothing to look up: everyone matches
        let s = PolicySelector.select(c.policies, defaultPolicy: nil, facts: SelectionFacts(identity: Identity(accountName: "anyone")))
        #expect(s.chosen == 0)
    }
}
