/// Lists compiled into the binary, so the embedded default policy needs no file on the DC.
public enum BuiltinLists {
    public static let names = ["common-passwords"]

    /// The list's text, one entry per line, laid out as `GroupedWordList` describes (the same entries as
    /// its source file, in another order); nil for an unknown name.
    public static func text(_ name: String) -> String? { grouped(name)?.text }

    /// The list laid out by its generator for `WholeWordIndex`, which then builds nothing at run time.
    static func grouped(_ name: String) -> GroupedWordList? {
        switch name {
        case "common-passwords": return GroupedWordList(text: CommonPasswords.text, groupStart: CommonPasswords.groupStart)
        default: return nil
        }
    }

    /// The list's entries in the order of its source file (sorted bytewise), as `WordList` would read that file.
    public static func words(_ name: String) -> [String]? { grouped(name)?.sourceOrder() }
}

/// A built-in list as scripts/gen-common-passwords.sh lays it out, so that indexing it costs nothing: first
/// the entries whose bytes are already their case-folded form (no upper-case or non-ASCII byte, at most 255
/// bytes), grouped by length and sorted bytewise within a group, each followed by a line feed, so that row
/// `i` of length L starts at `groupStart[L] + i * (L + 1)`; then, from `groupStart.last`, the other entries,
/// one per line. Read as a list (one entry per line), the text holds exactly the entries of the source file.
struct GroupedWordList: Sendable {
    let text: String
    /// Byte offset of each length's group, plus where the other entries start.
    let groupStart: [Int32]

    init(text: String, groupStart: [Int32]) {
        // generated data, checked once (a few dozen comparisons) because rows are read without bounds checks
        precondition(!groupStart.isEmpty && groupStart[0] == 0 && Int(groupStart[groupStart.count - 1]) <= text.utf8.count)
        for length in 0..<(groupStart.count - 1) {
            let span = Int(groupStart[length + 1]) - Int(groupStart[length])
            precondition(span >= 0 && span % (length + 1) == 0 && (length > 0 || span == 0))
        }
        self.text = text
        self.groupStart = groupStart
    }

    /// Lengths below this may have a group (the longest grouped entry plus one).
    var lengthLimit: Int { groupStart.count - 1 }

    /// How many entries have `length` bytes in the groups (0 beyond the longest).
    func rowCount(_ length: Int) -> Int {
        guard length > 0 && length < lengthLimit else { return 0 }
        return (Int(groupStart[length + 1]) - Int(groupStart[length])) / (length + 1)
    }

    /// Where the other entries start.
    var otherStart: Int { Int(groupStart[lengthLimit]) }

    /// Every entry's byte range: the groups, then the other entries.
    func forEachEntry(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        for length in 1..<max(lengthLimit, 1) {
            var at = Int(groupStart[length])
            for _ in 0..<rowCount(length) {
                body(at, at + length)
                at += length + 1
            }
        }
        forEachOther(bytes, body)
    }

    /// The byte range of every entry after the groups.
    func forEachOther(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        let start = otherStart
        TermSources.forEachLine(UnsafeBufferPointer(rebasing: bytes[start...])) { a, b in body(start + a, start + b) }
    }

    /// The entries after the groups (none in a list of lower-case ASCII words).
    func otherEntries() -> [String] {
        var text = self.text
        return text.withUTF8 { bytes in
            var out: [String] = []
            forEachOther(bytes) { out.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[$0..<$1]), as: UTF8.self)) }
            return out
        }
    }

    /// All entries in bytewise order: the order of the source file, which the generator checks is sorted.
    func sourceOrder() -> [String] {
        var text = self.text
        return text.withUTF8 { bytes in
            var ranges: [(Int, Int)] = []
            forEachEntry(bytes) { ranges.append(($0, $1)) }
            ranges.sort { x, y in
                var i = x.0, j = y.0
                while i < x.1 && j < y.1 {
                    if bytes[i] != bytes[j] { return bytes[i] < bytes[j] }
                    i += 1
                    j += 1
                }
                return i == x.1 && j < y.1
            }
            return ranges.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0.0..<$0.1]), as: UTF8.self) }
        }
    }
}
