import Foundation
import Testing
@testable import PwguardCore

/// SHA-1 / MD4 / NTLM against published vectors, and the store: import → lookup round trips, min-count,
/// malformed lines, range-file directories, truncation and corruption detection, the breached rule.
@Suite struct DigestTests {
    func hex(_ s: String, _ f: ([UInt8]) -> [UInt8]) -> String { Digest.hex(f(Array(s.utf8))) }

    @Test func sha1MatchesRFC3174() {
        #expect(hex("abc", Digest.sha1) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", Digest.sha1) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(hex("", Digest.sha1) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(hex(String(repeating: "a", count: 1_000_000), Digest.sha1) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        #expect(Digest.hex(HashKind.sha1.digest("password")) == "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8")
    }

    @Test func md4MatchesRFC1320() {
        #expect(hex("", Digest.md4) == "31d6cfe0d16ae931b73c59d7e0c089c0")
        #expect(hex("a", Digest.md4) == "bde52cb31de33e46245e05fbdbd6fb24")
        #expect(hex("abc", Digest.md4) == "a448017aaf21d8525fc10ae87aa6729d")
        #expect(hex("message digest", Digest.md4) == "d9130a8164549fe818874806e1c7014b")
        #expect(hex("abcdefghijklmnopqrstuvwxyz", Digest.md4) == "d79e1c308aa5bbcdeea8ed63df412da9")
        #expect(hex(String(repeating: "1234567890", count: 8), Digest.md4) == "e33b4ddc9c38f2199c3e7b164fcc0536")
    }

    @Test func ntlmIsMD4OfUTF16LE() {
        #expect(Digest.hex(Digest.ntlm("Password1")) == "64f12cddaa88057e06a81b54e73b949b")
        #expect(Digest.hex(Digest.ntlm("")) == "31d6cfe0d16ae931b73c59d7e0c089c0")
        // Non-ASCII: UTF-16LE of "é" is E9 00 (what Samba's NT hash uses), not CP1252's single E9 byte.
        #expect(Digest.ntlm("é") == Digest.md4([0xE9, 0x00]))
        #expect(Digest.ntlm("€") == Digest.md4([0xAC, 0x20]))
    }
}

/// A deterministic generator for synthetic hashes.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

func tempDir() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pwguard-store-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func importStore(_ kind: HashKind, text: String, dir: String, configure: (inout ImportOptions) -> Void = { _ in })
    throws -> (HashStore, ImportStats)
{
    let input = dir + "/input.txt"
    try text.write(toFile: input, atomically: true, encoding: .utf8)
    var o = ImportOptions(kind: kind)
    configure(&o)
    let importer = HashImporter(options: o)
    try importer.add(path: input)
    let path = dir + "/store.pwgs"
    _ = try importer.write(to: path)
    return (try HashStore(path: path), importer.stats)
}

@Suite struct HashStoreTests {
    func roundTrip(_ kind: HashKind, exact: Bool) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var rng = SplitMix(state: kind == .sha1 ? 1 : 2)
        var lines: [String] = []
        var present: [[UInt8]] = []
        for i in 0..<20_000 {
            let d = rng.bytes(kind.byteCount)
            present.append(d)
            lines.append(Digest.hex(d).uppercased() + (i % 2 == 0 ? ":\(i + 1)" : ""))
        }
        for pw in ["Password1", "Summer2024!", "correct horse"] {
            present.append(kind.digest(pw))
            lines.append(Digest.hex(kind.digest(pw)).uppercased() + ":42")
        }
        lines.shuffle()  // unsorted input
        let (store, stats) = try importStore(kind, text: lines.joined(separator: "\r\n") + "\n", dir: dir) { $0.exact = exact }
        #expect(stats.accepted == 20_003)
        #expect(stats.malformed == 0)
        #expect(store.header.recordCount == 20_003)
        #expect(store.header.kind == kind)
        #expect(store.header.exact == exact)
        #expect(store.header.prefixBits == StoreFormat.prefixBits(for: 20_003))
        try store.verify()
        for d in present { #expect(store.lookup(digest: d) == .found(count: nil)) }
        for pw in ["Password1", "Summer2024!", "correct horse"] {
            #expect(store.lookup(digest: kind.digest(pw)) == .found(count: nil))
        }
        var absentFound = 0
        for _ in 0..<20_000 where store.lookup(digest: rng.bytes(kind.byteCount)) != .absent { absentFound += 1 }
        #expect(absentFound == 0)
        #expect(store.lookup(digest: kind.digest("Vx9-Kelp-Zorbu")) == .absent)
        if !exact {
            #expect(store.header.recordBytes == 6)
            // 64-byte header + the index + 6-byte records
            #expect(store.header.fileSize == StoreFormat.recordsOffset(prefixBits: store.header.prefixBits) + 20_003 * 6)
        }
    }

    @Test func sha1RoundTrip() throws { try roundTrip(.sha1, exact: false) }
    @Test func ntlmRoundTrip() throws { try roundTrip(.ntlm, exact: false) }
    @Test func exactRoundTrip() throws {
        try roundTrip(.sha1, exact: true)
        try roundTrip(.ntlm, exact: true)
    }

    @Test func emptyStoreFindsNothing() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (store, _) = try importStore(.sha1, text: "", dir: dir)
        #expect(store.header.recordCount == 0)
        #expect(store.lookup(digest: HashKind.sha1.digest("x")) == .absent)
        try store.verify()
    }

    @Test func minCountKeepsFrequentHashesAndCountsAreKept() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = Digest.hex(HashKind.sha1.digest("often")), b = Digest.hex(HashKind.sha1.digest("rare"))
        let c = Digest.hex(HashKind.sha1.digest("nocount"))
        let (store, stats) = try importStore(.sha1, text: "\(a):1000\n\(b):2\n\(c)\n", dir: dir) {
            $0.minCount = 10
            $0.keepCounts = true
        }
        #expect(stats.belowMinCount == 2)
        #expect(store.header.hasCounts)
        #expect(store.lookup(digest: HashKind.sha1.digest("often")) == .found(count: 1000))
        #expect(store.lookup(digest: HashKind.sha1.digest("rare")) == .absent)
        #expect(store.lookup(digest: HashKind.sha1.digest("nocount")) == .absent)
    }

    @Test func duplicatesMergeAndCountsAdd() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = Digest.hex(HashKind.ntlm.digest("twice"))
        let (store, stats) = try importStore(.ntlm, text: "\(a):3\n\(a.uppercased()):4\n", dir: dir) { $0.keepCounts = true }
        #expect(stats.duplicates == 1)
        #expect(store.header.recordCount == 1)
        #expect(store.lookup(digest: HashKind.ntlm.digest("twice")) == .found(count: 7))
    }

    @Test func malformedLinesAreCountedNotFatal() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = Digest.hex(HashKind.sha1.digest("good"))
        let text = """
            # a comment
            \(good):5
            NOTHEX0000000000000000000000000000000000:1
            \(good.dropLast()):1
            \(good):x
            \(good):

            \(Digest.hex(HashKind.sha1.digest("also good")))
            """
        let (store, stats) = try importStore(.sha1, text: text, dir: dir)
        #expect(stats.malformed == 4)
        #expect(stats.malformedExamples.first?.hasSuffix("input.txt:3") == true)
        #expect(store.header.recordCount == 2)
        #expect(store.lookup(digest: HashKind.sha1.digest("also good")) == .found(count: nil))
    }

    @Test func plainListsAreHashedOnImport() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (store, stats) = try importStore(.ntlm, text: "Password1\nwith space \r\nCafé2024\n\n", dir: dir) { $0.plain = true }
        #expect(stats.accepted == 3)
        #expect(store.lookup(digest: Digest.ntlm("Password1")) == .found(count: nil))
        #expect(store.lookup(digest: Digest.ntlm("with space ")) == .found(count: nil))
        #expect(store.lookup(digest: Digest.ntlm("Café2024")) == .found(count: nil))
        #expect(store.lookup(digest: Digest.ntlm("with space")) == .absent)
    }

    @Test func rangeFileDirectoryImport() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ranges = dir + "/ranges"
        try FileManager.default.createDirectory(atPath: ranges, withIntermediateDirectories: true)
        var byPrefix: [String: [String]] = [:]
        let passwords = ["Password1", "letmein", "dragon", "monkey123"]
        for pw in passwords {
            let h = Digest.hex(HashKind.sha1.digest(pw)).uppercased()
            byPrefix[String(h.prefix(5)), default: []].append(String(h.dropFirst(5)) + ":12")
        }
        for (i, (prefix, lines)) in byPrefix.enumerated() {
            try (lines.joined(separator: "\r\n") + "\r\n").write(toFile: ranges + "/" + prefix + (i % 2 == 0 ? ".txt" : ""), atomically: true, encoding: .utf8)
        }
        try "not a range file".write(toFile: ranges + "/README", atomically: true, encoding: .utf8)
        let importer = HashImporter(options: ImportOptions(kind: .sha1))
        try importer.add(path: ranges)
        _ = try importer.write(to: dir + "/r.pwgs")
        let store = try HashStore(path: dir + "/r.pwgs")
        #expect(importer.stats.malformed == 0)
        #expect(store.header.recordCount == passwords.count)
        for pw in passwords { #expect(store.lookup(digest: HashKind.sha1.digest(pw)) == .found(count: nil)) }
        #expect(store.lookup(digest: HashKind.sha1.digest("Password2")) == .absent)

        let empty = dir + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        #expect(throws: StoreError.self) { try HashImporter(options: ImportOptions(kind: .sha1)).add(path: empty) }
    }

    func storeBytes(_ dir: String) throws -> (String, [UInt8]) {
        var rng = SplitMix(state: 7)
        let text = (0..<5000).map { _ in Digest.hex(rng.bytes(20)) }.joined(separator: "\n")
        _ = try importStore(.sha1, text: text, dir: dir)
        let path = dir + "/store.pwgs"
        return (path, Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test func truncatedStoreIsRefused() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (path, bytes) = try storeBytes(dir)
        for size in [bytes.count - 1, bytes.count - 6000, 100, 10, 0] {
            try Data(bytes[0..<size]).write(to: URL(fileURLWithPath: path))
            let e = #expect(throws: StoreError.self) { try HashStore(path: path) }
            #expect(e?.reason.hasPrefix("truncated") == true)
        }
        try Data(bytes + [0]).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { try HashStore(path: path) }
    }

    @Test func flippedBytesAreDetected() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (path, bytes) = try storeBytes(dir)
        // A header byte: refused at open.
        for offset in [0, 10, 16, 40, 50, 60] {
            var b = bytes
            b[offset] ^= 0x01
            try Data(b).write(to: URL(fileURLWithPath: path))
            #expect(throws: StoreError.self) { try HashStore(path: path) }
        }
        // A record byte: opens (open checks header and index ends), verify (import, `hashes info --verify`) refuses.
        for offset in [bytes.count - 1, bytes.count - 3000, 200] {
            var b = bytes
            b[offset] ^= 0x40
            try Data(b).write(to: URL(fileURLWithPath: path))
            if let store = try? HashStore(path: path) {
                let e = #expect(throws: StoreError.self) { try store.verify() }
                #expect(e?.reason.contains("checksum") == true)
            }
        }
        // Not a store at all.
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        let e = #expect(throws: StoreError.self) { try HashStore(path: path) }
        #expect(e?.reason.contains("magic") == true)
        #expect(throws: StoreError.self) { try HashStore(path: dir + "/missing.pwgs") }
    }

    /// Found by the store_reader fuzz target: header fields no Int can hold, behind a valid header checksum,
    /// trapped in the decoder instead of being refused.
    @Test func absurdHeaderFieldsBehindAValidChecksumAreRefused() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (path, bytes) = try storeBytes(dir)
        for offset in [16, 24, 32, 40] {
            var b = bytes
            for k in 0..<8 { b[offset + k] = 0xFF }
            let sum = b.withUnsafeBytes { StoreChecksum.of(UnsafeRawBufferPointer(rebasing: $0[0..<56])) }
            withUnsafeBytes(of: sum.littleEndian) { for (k, v) in $0.enumerated() { b[56 + k] = v } }
            try Data(b).write(to: URL(fileURLWithPath: path))
            let e = #expect(throws: StoreError.self) { try HashStore(path: path) }
            #expect(e?.reason.hasPrefix("corrupt") == true)
        }
    }

    @Test func smallWriteBuffersWriteTheSameStore() throws {
        // The index and the records flushed in many small pieces (at odd offsets for the checksum's words):
        // the bytes must be those of a store written in one piece. (A 100 M store's 2 MiB index is flushed
        // twice at the normal buffer size.)
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var rng = SplitMix(state: 11)
        try (0..<3000).map { _ in Digest.hex(rng.bytes(20)) }.joined(separator: "\n").write(toFile: dir + "/in.txt", atomically: true, encoding: .utf8)
        var stores: [[UInt8]] = []
        for limit in [1 << 20, 7, 64] {
            let importer = HashImporter(options: ImportOptions(kind: .sha1))
            importer.writeBufferLimit = limit
            try importer.add(path: dir + "/in.txt")
            _ = try importer.write(to: dir + "/s\(limit).pwgs")
            stores.append(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/s\(limit).pwgs"))))
            try HashStore(path: dir + "/s\(limit).pwgs").verify()
        }
        #expect(stores[0] == stores[1])
        #expect(stores[0] == stores[2])
    }

    @Test func prefixBitsGrowWithTheStore() {
        #expect(StoreFormat.prefixBits(for: 0) == 4)
        #expect(StoreFormat.prefixBits(for: 1000) == 4)
        #expect(StoreFormat.prefixBits(for: 100_000_000) == 19)
        #expect(StoreFormat.prefixBits(for: 2_000_000_000) == 23)
    }
}

@Suite struct BreachedRuleTests {
    func rule(_ values: [String: ConfigValue], _ resources: Resources) throws -> any PasswordRule {
        try RuleRegistry.make(RuleParameters(values.merging(["id": "breached"]) { a, _ in a }), resources: resources)
    }

    @Test func storesByNameAndPathNameTheMatchingStore() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ntlm = HashImporter(options: { var o = ImportOptions(kind: .ntlm); o.plain = true; return o }())
        try "Summer2024!\n".write(toFile: dir + "/a.txt", atomically: true, encoding: .utf8)
        try ntlm.add(path: dir + "/a.txt")
        _ = try ntlm.write(to: dir + "/ntlm.pwgs")
        let sha = HashImporter(options: { var o = ImportOptions(kind: .sha1); o.plain = true; return o }())
        try "Winter2024!\n".write(toFile: dir + "/b.txt", atomically: true, encoding: .utf8)
        try sha.add(path: dir + "/b.txt")
        _ = try sha.write(to: dir + "/sha.pwgs")
        let resources = Resources(baseDirectory: dir, storePaths: ["hibp": "ntlm.pwgs"])
        let r = try rule(["stores": .array([.string("hibp"), .string(dir + "/sha.pwgs")])], resources)
        let id = Identity(accountName: "u")
        let a = r.evaluate(Candidate("Summer2024!", identity: id))
        #expect(!a.passed)
        #expect(a.list == "hibp")
        #expect(a.matched == nil)
        let b = r.evaluate(Candidate("Winter2024!", identity: id))
        #expect(!b.passed)
        #expect(b.list == dir + "/sha.pwgs")
        #expect(r.evaluate(Candidate("Autumn2024!", identity: id)).passed)
        #expect(resources.storeProblems.isEmpty)
    }

    @Test func minCountNeedsCountsAndFilters() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let often = Digest.hex(HashKind.sha1.digest("often")), rare = Digest.hex(HashKind.sha1.digest("rare"))
        _ = try importStore(.sha1, text: "\(often):500\n\(rare):3\n", dir: dir) { $0.keepCounts = true }
        let resources = Resources(storePaths: ["s": dir + "/store.pwgs"])
        let r = try rule(["stores": "s", "min_count": 10], resources)
        let id = Identity(accountName: "u")
        let o = r.evaluate(Candidate("often", identity: id))
        #expect(!o.passed && o.reason.contains("500"))
        #expect(r.evaluate(Candidate("rare", identity: id)).passed)
        #expect(!(try rule(["stores": "s"], resources)).evaluate(Candidate("rare", identity: id)).passed)

        let other = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: other) }
        _ = try importStore(.sha1, text: "\(often)\n", dir: other)  // no counts
        let plain = Resources(storePaths: ["n": other + "/store.pwgs"])
        let e = #expect(throws: ConfigError.self) { try rule(["stores": "n", "min_count": 2], plain) }
        #expect(e?.message.contains("--keep-counts") == true)
    }

    @Test func brokenStoreFailsClosedAndIsReported() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(repeating: 0, count: 10).write(to: URL(fileURLWithPath: dir + "/bad.pwgs"))
        let resources = Resources(storePaths: ["bad": dir + "/bad.pwgs", "gone": dir + "/gone.pwgs"])
        let r = try rule(["stores": .array([.string("bad"), .string("gone")])], resources)
        let o = r.evaluate(Candidate("anything-at-all", identity: Identity(accountName: "u")))
        #expect(!o.passed)
        #expect(o.list == "bad")
        #expect(o.reason.contains("unusable"))
        #expect(resources.storeProblems.map(\.name) == ["bad", "gone"])
        #expect(resources.storeProblems[0].error.reason.hasPrefix("truncated"))
    }

    @Test func storesAreRequired() {
        #expect(throws: ConfigError.self) { try rule([:], Resources()) }
        #expect(throws: ConfigError.self) { try rule(["stores": .array([])], Resources()) }
        #expect(throws: ConfigError.self) { try rule(["stores": "x", "min_count": 0], Resources()) }
        #expect(throws: ConfigError.self) { try rule(["stores": "x", "bogus": 1], Resources()) }
    }
}
