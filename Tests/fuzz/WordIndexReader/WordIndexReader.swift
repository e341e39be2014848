// libFuzzer target: the compiled word-index reader and the word rules' walks over it
// (scripts/fuzz/run.sh word_index_reader).
//
// A valid index of 400 words is built once (an index is at least ~800 KB: its jump tables), and each input
// damages a copy. Every word rule is then built over it and run on a few passwords: refusing the index is
// fine, crashing or reading outside the mapping is not.
//
// Input byte 0 holds flags; the rest is read as Tests/fuzz/Shared/Damage.swift says (bits 0 and 1 there), or,
// with bit 2, as structured edits:
//   bit 0  recompute the header checksum after damaging (so damaged header fields reach the field checks)
//   bit 1  truncate (Damage.swift)
//   bit 2  structured edits instead of byte patches: 9 bytes each, a kind byte, a 32-bit index and a 32-bit
//          value (little-endian). The kind's low 3 bits pick what is edited: 0/1/2 a field of a forward/
//          reverse/suffix row (index / 3 = the row, index % 3 = offset, length or record word), 3 a record's
//          word, 4 a template entry, 5 a jump-table entry, 6 a 64-bit header field (index % 19: offsets
//          8…152), 7 a key-blob byte. Bit 3 of the kind XORs the value in instead of setting it; bit 4 sets
//          the upper 32 bits of a header field to ones (0xFFFF_FFFF_…).
//   bit 3  recompute the body checksum, then the header checksum (as `words compile` would have written
//          them), after either kind of damage
//   bit 4  damage the tiny index (3 words) instead of the 400-word one
// Why structured edits: ~95 % of an index's bytes are its jump tables (3 × 65,537 × 4 bytes), so random
// byte patches almost never reach the rows a walk reads, and a header field only passes the checksum with
// bit 0 and a patch inside its 8 bytes. With byte patches alone the target ran 17,855 inputs without
// reaching a damaged row length (which crashed the walks) or a header `maxKeyBytes` beyond `Int`.
// Why a tiny index too: a read the walks make just outside a section but inside the mapping (a negative
// jump-table entry lands in the suffix rows before the tables) is invisible to AddressSanitizer, which does
// not watch mapped files; in the tiny index the sections before the jump tables are shorter than such a
// read's reach, so it leaves the mapping and faults.

@testable import PwguardCore
#if canImport(Glibc)
import Glibc
#endif

let indexDirectory = scratchDirectory("words")

let largeIndex: [UInt8] = {
    var words = ["password", "summer", "dragon", "monkey", "letmein", "acme", "!!BAN*!!", "!!*corp!!", "é", "x"]
    words += (0..<390).map { "word\($0)x" }
    return WordIndexWriter.build(words)
}()

let tinyIndex = WordIndexWriter.build(["acme", "x", "pass"])

let rules: [[String: ConfigValue]] = [
    ["id": "dictionary", "lists": ["w"], "tolerance": 3, "reversed": true],
    ["id": "dictionary", "lists": ["w"]],
    ["id": "password_dictionary", "lists": ["w"], "strip_affixes": true, "reversed": true],
    ["id": "defined_text", "lists": ["w"]],
    ["id": "banned_share", "lists": ["w"]],
]

/// Header field offsets (hashes/README.md, "Word indexes").
enum Field {
    static let entryCount = 16, suffixCount = 32, blobLength = 72, forwardBlob = 64, records = 88
    static let forwardRows = 96, reverseRows = 104, suffixRows = 112, templates = 120, jump = 128
    static let templateCount = 24, bodyChecksum = 144, headerChecksum = 152
}

func u64(_ b: [UInt8], _ at: Int) -> Int {
    var v: UInt64 = 0
    for k in (0..<8).reversed() { v = v << 8 | UInt64(b[at + k]) }
    return Int(truncatingIfNeeded: v)
}

func put(_ b: inout [UInt8], _ at: Int, _ v: UInt64, bytes: Int) {
    guard at >= 0, at + bytes <= b.count else { return }
    for k in 0..<bytes { b[at + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
}

func get(_ b: [UInt8], _ at: Int, bytes: Int) -> UInt64 {
    guard at >= 0, at + bytes <= b.count else { return 0 }
    var v: UInt64 = 0
    for k in (0..<bytes).reversed() { v = v << 8 | UInt64(b[at + k]) }
    return v
}

/// The structured edits of `input` (after the flags byte) applied to a copy of the valid index.
func structured(_ validIndex: [UInt8], _ input: ArraySlice<UInt8>) -> [UInt8] {
    var b = validIndex
    let n = u64(b, Field.entryCount), s = u64(b, Field.suffixCount), t = u64(b, Field.templateCount)
    var i = input.startIndex
    while i + 9 <= input.endIndex {
        let kind = Int(input[i])
        let index = Int(get(Array(input[(i + 1)..<(i + 5)]), 0, bytes: 4))
        let value = get(Array(input[(i + 5)..<(i + 9)]), 0, bytes: 4)
        i += 9
        var at = 0, width = 4
        switch kind & 7 {
        case 0, 1, 2:
            let (rows, count) = [(Field.forwardRows, n), (Field.reverseRows, n), (Field.suffixRows, s)][kind & 7]
            guard count > 0 else { continue }
            at = u64(b, rows) + (index / 3 % count) * 12 + (index % 3) * 4
        case 3: at = u64(b, Field.records) + index % (2 * n) * 4
        case 4:
            guard t > 0 else { continue }
            at = u64(b, Field.templates) + index % t * 4
        case 5: at = u64(b, Field.jump) + index % (3 * jumpEntries) * 4
        case 6: at = 8 + index % 19 * 8; width = 8
        default:
            at = u64(b, Field.forwardBlob) + index % max(1, 2 * u64(b, Field.blobLength))
            width = 1
        }
        var v = width == 1 ? value & 0xFF : value
        if width == 8 && kind & 16 != 0 { v |= 0xFFFF_FFFF_0000_0000 }
        if kind & 8 != 0 { v ^= get(b, at, bytes: width) }
        put(&b, at, v, bytes: width)
    }
    return b
}

func fixHeaderChecksum(_ b: inout [UInt8]) {
    guard b.count >= WordIndexFormat.headerSize else { return }
    let sum = b.withUnsafeBytes { WordIndexFormat.fnv1a(UnsafeRawBufferPointer(rebasing: $0[0..<Field.headerChecksum])) }
    put(&b, Field.headerChecksum, sum, bytes: 8)
}

func fixBodyChecksum(_ b: inout [UInt8]) {
    guard b.count >= WordIndexFormat.headerSize else { return }
    let sum = b.withUnsafeBytes { WordIndexFormat.fnv1a(UnsafeRawBufferPointer(rebasing: $0[WordIndexFormat.headerSize...])) }
    put(&b, Field.bodyChecksum, sum, bytes: 8)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWordIndexReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let flags = input.first ?? 0
    let valid = flags & 16 != 0 ? tinyIndex : largeIndex
    var bytes = flags & 4 != 0 ? structured(valid, input.dropFirst()) : damaged(valid, by: input, fixChecksum: fixHeaderChecksum)
    if flags & 8 != 0 { fixBodyChecksum(&bytes) }
    if flags & 9 != 0 { fixHeaderChecksum(&bytes) }
    let path = indexDirectory + "/input.pwgw"
    writeFile(path, bytes)
    let identity = Identity(accountName: "maryjones")
    for values in rules {
        let resources = Resources(listPaths: ["w": path])
        guard let rule = try? RuleRegistry.make(RuleParameters(values, path: "fuzz"), resources: resources) else { continue }
        for pw in ["P@ssw0rd2024!", "drowssap", "xSummer99monkey", "wordlx", "ACMEcorp"] {
            _ = rule.evaluate(Candidate(pw, identity: identity))
        }
    }
    if let index = try? WordIndex(path: path) {
        _ = index.verifyBody()
        _ = index.allEntries()
    }
    return 0
}
