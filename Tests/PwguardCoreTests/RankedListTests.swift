import Testing
@testable import PwguardCore

/// The built-in lists are ranked lists embedded as bytes (scripts/gen-ranked-data.sh, PwguardData): each must be
/// exactly what the writer makes of its committed source file, and looking a password up in one in place must
/// give the same answer as indexing the same words the ordinary way.
@Suite struct RankedListTests {
    static let name = "builtin:common-passwords"

    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// A source file read as any list file is.
    static func source(_ path: String) -> [String] {
        let bytes = try! readFileBytes(root + "/" + path)
        return WordList(name: "file", text: Substring(String(decoding: bytes, as: UTF8.self))).words
    }

    /// hashes/common-passwords.txt.
    static let sourceWords = source("hashes/common-passwords.txt")

    static let ranked = BuiltinLists.ranked("common-passwords")!

    /// Every embedded blob is byte for byte what the writer builds from its source (so a source edited without
    /// running scripts/gen-ranked-data.sh, or a blob edited by hand, fails here), and its body checksum holds.
    @Test(arguments: ["common-passwords", "passwords", "english", "first-names", "surnames"])
    func embeddedBlobsAreBuiltFromTheirSources(name: String) throws {
        let path = name == "common-passwords" ? "hashes/common-passwords.txt" : "hashes/ranked/\(name).txt"
        let expected = RankedListWriter.build(Self.source(path))
        let embedded = Array(BuiltinLists.bytes(name)!)
        #expect(embedded.count == expected.count)
        #expect(embedded == expected, "\(name): run scripts/gen-ranked-data.sh")
        #expect(BuiltinLists.ranked(name)!.verifyBody())
    }

    /// Ranks follow the source order; a key seen twice (after case folding) keeps its first rank.
    @Test func ranksAreSourcePositions() throws {
        let list = try RankedList(name: "t", bytes: RankedListWriter.build(["password", "Dragon", "123456", "DRAGON", "café", "#c", "", "zz"]))
        #expect(list.count == 6)
        #expect(list.rank(of: lowerScalars("password")) == 1)
        #expect(list.rank(of: lowerScalars("dragon")) == 2)
        #expect(list.rank(of: lowerScalars("123456")) == 3)
        #expect(list.rank(of: lowerScalars("café")) == 5)
        #expect(list.rank(of: lowerScalars("cafe")) == nil)
        #expect(list.rank(of: lowerScalars("drago")) == nil)
        #expect(list.rank(of: lowerScalars("zz")) == 8)
    }

    /// The walk from a position finds every entry the text starts with, in any reading of its positions, and
    /// nothing else.
    @Test func walkFindsEveryPrefixEntry() throws {
        let list = try RankedList(name: "t", bytes: RankedListWriter.build(["pass", "password", "passwords", "word", "sword", "p", "pa"]))
        let text = FoldedText(Array("P@$$w0rdx".unicodeScalars), substitution: .standard)
        var budget = 10_000
        var found: [String] = []
        list.walk(text.sets, from: 0, budget: &budget) { end, row, _ in found.append("\(list.key(row))@\(end)") }
        #expect(found == ["p@1", "pa@2", "pass@4", "password@8"])
        found = []
        list.walk(text.sets, from: 3, budget: &budget) { end, row, _ in found.append("\(list.key(row))@\(end)") }
        #expect(found == ["sword@8"])
    }

    /// A damaged list is refused when opened (header) or reads wrong answers without trapping (body).
    @Test func damagedListsAreRefusedOrHarmless() throws {
        let good = RankedListWriter.build(["alpha", "beta", "gamma"])
        #expect(throws: FileError.self) { try RankedList(name: "t", bytes: Array(good.prefix(40))) }
        #expect(throws: FileError.self) { try RankedList(name: "t", bytes: Array(good.dropLast(4))) }
        var wrongMagic = good
        wrongMagic[0] = 0x58
        #expect(throws: FileError.self) { try RankedList(name: "t", bytes: wrongMagic) }
        for at in stride(from: RankedListFormat.headerSize, to: good.count, by: 1) {
            var bad = good
            bad[at] ^= 0xFF
            let list = try RankedList(name: "t", bytes: bad)
            #expect(!list.verifyBody())
            var budget = 1_000
            let text = FoldedText(Array("alphabetagamma".unicodeScalars))
            for start in 0..<text.count { list.walk(text.sets, from: start, budget: &budget) { _, _, _ in } }
            _ = list.find(text.sets, 0..<5)
        }
    }

    /// The password as typed, upper-cased, substituted ("password" → "P@$$w0rd") and changed so that it is
    /// (most likely) not on the list.
    static func probes(_ word: String) -> [String] {
        let subs: [Character: Character] = ["a": "@", "o": "0", "s": "$", "i": "1", "e": "3", "l": "|", "t": "+", "g": "9"]
        var substituted = ""
        for (i, c) in word.enumerated() { substituted.append(i == 0 ? Character(c.uppercased()) : subs[c] ?? c) }
        return [word, word.uppercased(), substituted, word + "~", String(word.dropLast()) + "é", "x" + word]
    }

    @Test func wordListIsTheSourceFileInOrder() throws {
        #expect(Self.sourceWords.count > 19_000)
        #expect(try Resources().wordList(Self.name).words == Self.sourceWords)
        #expect(try Resources(listPaths: ["common": Self.name]).wordList("common").words == Self.sourceWords)
    }


    @Test(arguments: [false, true])
    func lookupsAgreeWithTheOrdinaryIndex(caseSensitive: Bool) {
        let preIndexed = WholeWordIndex([.ranked(name: Self.name, list: Self.ranked)], caseSensitive: caseSensitive)
        let ordinary = WholeWordIndex(
            [.entries(Self.sourceWords.map { TermEntry(text: $0, list: Self.name) })], caseSensitive: caseSensitive)
        var disagreements: [String] = []
        var found = 0
        for table in [SubstitutionTable.standard, nil] {
            for word in Self.sourceWords {
                for probe in Self.probes(word) {
                    let text = FoldedText(Array(probe.unicodeScalars), caseSensitive: caseSensitive, substitution: table)
                    // the whole password, and (as strip_affixes looks) all but its first character
                    for range in [0..<text.count, 1..<text.count] {
                        let a = preIndexed.lookup(text, range), b = ordinary.lookup(text, range)
                        if a?.text != b?.text || a?.list != b?.list {
                            disagreements.append("\(probe)[\(range)]: \(a?.text ?? "nil") vs \(b?.text ?? "nil")")
                        }
                        if a != nil { found += 1 }
                    }
                }
                // every entry finds itself
                let itself = FoldedText(Array(word.unicodeScalars), caseSensitive: caseSensitive, substitution: table)
                if preIndexed.lookup(itself, 0..<itself.count)?.text != word { disagreements.append("\(word) not found") }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(10))")
        #expect(found > 2 * Self.sourceWords.count)
    }

    /// The default rule (built-in list, pre-indexed) and the same rule over the words given inline decide alike.
    @Test func ruleDecidesAsWithTheWordsInline() throws {
        let builtin = try PasswordDictionaryRule(
            RuleParameters(["strip_affixes": true, "reversed": true]), resources: Resources())
        let inline = try PasswordDictionaryRule(
            RuleParameters(["lists": ["common"], "strip_affixes": true, "reversed": true]),
            resources: Resources(inline: ["common": Self.sourceWords]))
        for (i, word) in Self.sourceWords.enumerated() where i % 7 == 0 {
            for probe in Self.probes(word) + ["2024" + word + "!", "$" + word + "99"] {
                let candidate = Candidate(probe, identity: Identity(accountName: "maryjones"))
                let a = builtin.evaluate(candidate), b = inline.evaluate(candidate)
                #expect(a.passed == b.passed && a.matched == b.matched && a.reason == b.reason, "\(probe)")
                #expect(a.passed || a.list == Self.name)
            }
        }
    }
}
