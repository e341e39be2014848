import Testing
@testable import PwguardCore

/// The bundled list is compiled in pre-indexed (scripts/gen-common-passwords.sh writes CommonPasswords.swift,
/// see `GroupedWordList`): it must hold exactly hashes/common-passwords.txt, and looking a password up in it in
/// place must give the same answer as indexing the same words the ordinary way.
@Suite struct BuiltinListIndexTests {
    static let name = "builtin:common-passwords"

    /// hashes/common-passwords.txt, read as any list file is.
    static let sourceWords: [String] = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let bytes = try! readFileBytes(parts.joined(separator: "/") + "/hashes/common-passwords.txt")
        return WordList(name: "file", text: Substring(String(decoding: bytes, as: UTF8.self))).words
    }()

    static let grouped = BuiltinLists.grouped("common-passwords")!

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

    @Test func textHoldsTheSourceEntries() {
        let words = WordList(name: "text", text: Substring(BuiltinLists.text("common-passwords")!)).words
        #expect(words.count == Self.sourceWords.count)
        #expect(Set(words) == Set(Self.sourceWords))
    }

    @Test func groupsAreSortedRowsOfPlainBytes() {
        var text = Self.grouped.text
        text.withUTF8 { bytes in
            var total = 0
            for length in 1..<Self.grouped.lengthLimit {
                var previous: [UInt8]?
                for row in 0..<Self.grouped.rowCount(length) {
                    let at = Int(Self.grouped.groupStart[length]) + row * (length + 1)
                    let entry = Array(bytes[at..<(at + length)])
                    #expect(bytes[at + length] == 0x0A)
                    #expect(!entry.contains { $0 >= 0x80 || ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x0A })
                    if let previous { #expect(!entry.lexicographicallyPrecedes(previous)) }
                    previous = entry
                    total += 1
                }
            }
            #expect(total + Self.grouped.otherEntries().count == Self.sourceWords.count)
        }
    }

    @Test(arguments: [false, true])
    func lookupsAgreeWithTheOrdinaryIndex(caseSensitive: Bool) {
        let preIndexed = WholeWordIndex([.grouped(name: Self.name, list: Self.grouped)], caseSensitive: caseSensitive)
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

    /// Entries that are not their own folded form (upper-case, non-ASCII) follow the groups and are indexed as
    /// ordinary entries; reading the list as words restores bytewise order.
    @Test func otherEntriesAfterTheGroups() {
        let list = GroupedWordList(text: "ab\ncd\nxyz\nZebra\ncafé\n", groupStart: [0, 0, 0, 6, 10])
        let words = ["ab", "cd", "xyz", "Zebra", "café"]
        #expect(list.otherEntries() == ["Zebra", "café"])
        #expect(list.sourceOrder() == ["Zebra", "ab", "café", "cd", "xyz"])
        for caseSensitive in [false, true] {
            let preIndexed = WholeWordIndex([.grouped(name: "l", list: list)], caseSensitive: caseSensitive)
            let ordinary = WholeWordIndex([.entries(words.map { TermEntry(text: $0, list: "l") })], caseSensitive: caseSensitive)
            for probe in ["ab", "AB", "cd", "xyz", "XYZ", "Zebra", "zebra", "ZEBRA", "café", "CAFÉ", "cafe", "abc", "c"] {
                let text = FoldedText(Array(probe.unicodeScalars), caseSensitive: caseSensitive)
                #expect(preIndexed.lookup(text, 0..<text.count)?.text == ordinary.lookup(text, 0..<text.count)?.text, "\(probe)")
            }
            let zebra = FoldedText(Array("ZEBRA".unicodeScalars), caseSensitive: caseSensitive)
            #expect(preIndexed.lookup(zebra, 0..<5)?.text == (caseSensitive ? nil : "Zebra"))
        }
    }
}
