import Testing
@testable import PwguardConfig
@testable import PwguardCore

#if canImport(Glibc)
import Glibc
#endif

/// The strength rule: its decomposition, what its outcome may show, its lists, and its bounds on bad input.
@Suite struct StrengthTests {
    static func rule(_ p: [String: ConfigValue] = [:], resources: Resources = Resources()) throws -> StrengthRule {
        try StrengthRule(RuleParameters(p), resources: resources)
    }

    static let bob = Identity(accountName: "bob")

    func estimate(_ pw: String, _ p: [String: ConfigValue] = [:], identity: Identity = bob) throws -> StrengthEstimate {
        try Self.rule(p).estimate(Candidate(pw, identity: identity))
    }

    /// The segments cover the password in order, without gaps, and the patterns are the expected ones.
    @Test func decompositionOfTypicalConstructions() throws {
        func patterns(_ pw: String) throws -> [StrengthSegment.Pattern] {
            let e = try estimate(pw)
            var at = 0
            for s in e.segments {
                #expect(s.start == at, "\(pw): gap before \(s)")
                at = s.end
            }
            #expect(at == pw.unicodeScalars.count)
            return e.segments.map(\.pattern)
        }
        #expect(try patterns("Review2024!") == [.dictionary, .affix])
        #expect(try patterns("Review2024").suffix(1) == [.year])
        #expect(try patterns("PasswordPasswordPasswordPassword9") == [.repeat, .bruteforce])
        #expect(try patterns("Serenity.Serenity7") == [.repeat, .bruteforce])
        #expect(try patterns("!QAZ2wsx#EDC").contains(.spatial))
        #expect(try patterns("abcdefgh") == [.sequence])
        #expect(try patterns("12/05/1987") == [.date])
        let reversed = try estimate("Drowssap1!")
        #expect(reversed.segments[0].notes.contains("reversed"))
        #expect(reversed.segments[0].rank != nil && reversed.segments[0].rank! < 100)
        let leet = try estimate("P@$$w0rd")
        #expect(leet.segments.count == 1 && leet.segments[0].notes.contains("look-alike characters"))
    }

    /// Guesses grow with what an attacker must try: rank, capitals, substitutions, more words.
    @Test func guessesFollowTheModel() throws {
        let plain = try estimate("manatee").guessesLog10
        let capital = try estimate("ManaTee").guessesLog10
        let leet = try estimate("ManaT33").guessesLog10
        #expect(plain < capital && capital < leet)
        #expect(try estimate("password").segments[0].guessesLog10 == StrengthScoring.minMulti)
        // one random character: 11 guesses, + 10,000^0; in general l! × product + 10,000^(l−1)
        #expect(abs(try estimate("~").guessesLog10 - log10(11.0 + 1)) < 1e-9)
        let two = try estimate("Review2024")
        let product = two.segments.map(\.guessesLog10).reduce(0, +)
        #expect(abs(two.guessesLog10 - StrengthScoring.logAdd(log10(2.0) + product, 4)) < 1e-9)
    }

    /// The user's names and the organisation's words are guessed first.
    @Test func contextWords() throws {
        let mary = Identity(accountName: "mjones", userPrincipalName: "mjones@fabrikam.com", displayName: "Mary Jones")
        let e = try estimate("Fabrikam-Jones-88", identity: mary)
        #expect(e.segments[0].pattern == .context && e.segments[0].list == "domain")
        let org = try estimate("Quetzalcoatl77", ["words": ["quetzalcoatl"]])
        #expect(org.segments[0].pattern == .context && org.segments[0].list == "organisation words")
        #expect(try estimate("Quetzalcoatl77").guessesLog10 > org.guessesLog10 + 3)
    }

    /// The outcome never holds the whole password: its reason names kinds and lists, `matched` is at most half.
    @Test func outcomeNeverShowsThePassword() throws {
        let r = try Self.rule()
        for pw in ["Review2024!", "password", "Password1", "PasswordPassword", "qwertyuiop", "Mendez1!", "P@ssw0rd!", "aaaaaaaaaa", "MANATEE2025!"] {
            let o = r.evaluate(Candidate(pw, identity: Self.bob))
            #expect(!o.passed, "\(pw)")
            let reason = o.reason.lowercased().replacing("builtin:passwords", with: "")
            #expect(!reason.contains(pw.lowercased()), "\(pw): \(o.reason)")
            if let m = o.matched { #expect(m.unicodeScalars.count * 2 <= pw.unicodeScalars.count, "\(pw): \(m)") }
        }
    }

    /// Admins add ranked lists: text or compiled, by path or through [lists]; a missing or damaged one is a
    /// configuration error naming the file, like any word list.
    @Test func ownRankedLists() throws {
        let dir = "/tmp/pwguard-strength-\(getpid())"
        mkdir(dir, 0o700)
        defer {
            for f in ["terms.txt", "terms.pwgr", "bad.pwgr", "big.txt"] { unlink(dir + "/" + f) }
            rmdir(dir)
        }
        func write(_ name: String, _ bytes: [UInt8]) {
            let fd = open(dir + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        write("terms.txt", Array("zorblaxian\nquibbletron\n".utf8))
        write("terms.pwgr", RankedListWriter.build(["zorblaxian", "quibbletron"]))
        var bad = RankedListWriter.build(["zorblaxian"])
        bad[20] ^= 1
        write("bad.pwgr", bad)
        write("big.txt", [UInt8](repeating: 0x61, count: Resources.rankedTextLimit + 1))
        let pw = "Zorblaxian-Quibbletron"
        let without = try estimate(pw).guessesLog10
        for ref in ["\(dir)/terms.txt", "\(dir)/terms.pwgr", "company"] {
            let r = try Self.rule(["lists": ["builtin:english", .string(ref)]],
                                  resources: Resources(listPaths: ["company": dir + "/terms.pwgr"]))
            let e = r.estimate(Candidate(pw, identity: Self.bob))
            #expect(e.guessesLog10 < without - 5, "\(ref)")
            #expect(e.segments.contains { $0.list == ref && $0.rank == 1 })
        }
        for (ref, why) in [("\(dir)/missing.txt", "No such file"), ("\(dir)/bad.pwgr", "header checksum"), ("\(dir)/big.txt", "pwguard words rank"),
                           ("builtin:klingon", "no built-in list")] {
            do {
                _ = try Self.rule(["lists": [.string(ref)]])
                Issue.record("\(ref) accepted")
            } catch {
                let text = "\(error)"
                #expect(text.contains("lists") && text.contains(ref.hasPrefix("builtin") ? ref : dir) && text.contains(why), "\(text)")
            }
        }
    }

    /// Adversarial input stays bounded: 1,024 characters that are all ambiguous under substitution, long
    /// repeats, keyboard runs. The release build's figure is in the README (scripts/bench/check-bench.sh); here,
    /// in a debug build, only that it finishes and decides.
    @Test func adversarialInputIsBounded() throws {
        let r = try Self.rule()
        let inputs = [
            String(repeating: "1", count: 1024), String(repeating: "@$3!", count: 256), String(repeating: "password", count: 128),
            String(repeating: "qwertyuiop", count: 102) + "1234", String(repeating: "a1!", count: 341) + "x",
            String((0..<1024).map { i in Character(Unicode.Scalar(UInt8(33 + (i * 7919) % 94))) }),
        ]
        for pw in inputs {
            var t0 = timespec(), t1 = timespec()
            clock_gettime(CLOCK_MONOTONIC, &t0)
            let o = r.evaluate(Candidate(pw, identity: Self.bob))
            clock_gettime(CLOCK_MONOTONIC, &t1)
            let ms = Double(t1.tv_sec - t0.tv_sec) * 1000 + Double(t1.tv_nsec - t0.tv_nsec) / 1e6
            #expect(ms < 2000, "\(pw.prefix(12))…: \(ms) ms")
            _ = o
        }
        #expect(!r.evaluate(Candidate(String(repeating: "password", count: 128), identity: Self.bob)).passed)
    }

    /// The embedded default holds the rule; the default refuses the issue's weak constructions and accepts its
    /// strong ones.
    @Test func embeddedDefaultRefusesWeakAndAcceptsStrong() throws {
        let c = try Configuration.embeddedDefault()
        func verdict(_ pw: String) -> Bool {
            Engine.evaluate(c.policies[0], Candidate(pw, identity: Self.bob)).compliant
        }
        for weak in ["Review2024!", "Mendez1!", "Generated2024!", "Pr3$3rv3d1", "MANATEE2025!", "!QAZ2wsx#EDC",
                     "PasswordPasswordPasswordPassword9", "Drowssap1!", "FinanceFinance1", "Serenity.Serenity7"] {
            #expect(!verdict(weak), "\(weak) accepted")
        }
        for strong in ["Fabrikam-Quasar-Tundra-Sextant7", "k8#Qz!w2Lp9@vX", "Vx9-Kelp-Zorbu-Frimt", "Marzipan7Octagon&Wobble"] {
            #expect(verdict(strong), "\(strong) refused")
        }
    }
}
