// Case folding, character substitution and reversal, shared by every rule that compares the password
// with words, names or patterns.
//
// A password is folded into a sequence of positions; each position holds the set of characters it may
// stand for. Without substitution a position holds one character (lower-cased unless case-sensitive);
// with substitution "P@$$w0rd" becomes {p} {@,a} {$,s} {$,s} {w} {0,o} {r} {d}. Matching a word then
// means finding positions whose sets contain the word's characters, so a password with k ambiguous
// characters never expands into 2^k variants.

/// Which characters a substituted character may stand for (seed 004's table, the extras of seed 003 and
/// Entra's 1→l). Keys and values are single characters; values are lower-case letters.
public struct SubstitutionTable: Sendable, Equatable {
    /// (substitute, letters) pairs sorted by the substitute's code point. A sorted array rather than a
    /// Dictionary: the table is built on every check, and instantiating a Dictionary keyed by
    /// Unicode.Scalar costs a scan of the runtime's conformance records (~0.1 ms in the static binary).
    public private(set) var entries: [(key: Unicode.Scalar, letters: [Unicode.Scalar])]

    public init(_ pairs: [(Unicode.Scalar, [Unicode.Scalar])]) {
        var merged: [(key: Unicode.Scalar, letters: [Unicode.Scalar])] = []
        for (k, v) in pairs.sorted(by: { $0.0.value < $1.0.value }) {
            if let last = merged.last, last.key == k {
                merged[merged.count - 1].letters = v
            } else {
                merged.append((k, v))
            }
        }
        entries = merged.filter { !$0.letters.isEmpty }
    }

    /// The letters `s` may stand for, or nil.
    public func letters(for s: Unicode.Scalar) -> [Unicode.Scalar]? {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if entries[mid].key.value < s.value { lo = mid + 1 } else { hi = mid }
        }
        return lo < entries.count && entries[lo].key == s ? entries[lo].letters : nil
    }

    public static func == (a: SubstitutionTable, b: SubstitutionTable) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.letters == $1.letters }
    }

    /// Seed 004 "Detecting Character Substitution": a: ^ @; b: 8; c: ( { < [; d: ) } > ]; e: 3; g: 6 9;
    /// i: ! | 1; o: 0; s: $ 5; t: + 7; z: 2. Seed 003 (Specops) adds 4=a, €=e, 6=g, 7=t, 8=b, 9=g, §=s.
    /// Entra maps 1 to l as well as i: both are tried.
    public static let standard: SubstitutionTable = {
        let rows: [(String, String)] = [
            ("a", "^@4"), ("b", "8"), ("c", "({<["), ("d", ")}>]"), ("e", "3€"), ("g", "69"),
            ("i", "!|1"), ("l", "1|"), ("o", "0"), ("s", "$5§"), ("t", "+7"), ("z", "2"),
        ]
        var pairs: [(Unicode.Scalar, [Unicode.Scalar])] = []
        for (letter, subs) in rows {
            let l = letter.unicodeScalars.first!
            for s in subs.unicodeScalars {
                if let i = pairs.firstIndex(where: { $0.0 == s }) { pairs[i].1.append(l) } else { pairs.append((s, [l])) }
            }
        }
        return SubstitutionTable(pairs)
    }()

    /// Parses `{ "4" = "a", "1" = "il" }`-style overrides: each key one character, each value the letters
    /// it may stand for. An empty value removes the character from the table.
    public func merging(_ overrides: [String: String]) -> SubstitutionTable {
        var pairs = entries.map { ($0.key, $0.letters) }
        for (k, v) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let key = k.unicodeScalars.first, k.unicodeScalars.count == 1 else { continue }
            pairs.removeAll { $0.0 == key }
            pairs.append((key, Array(v.lowercased().unicodeScalars)))
        }
        return SubstitutionTable(pairs)
    }
}

/// Lower-cases one scalar (simple mapping; multi-scalar mappings keep the original).
@inline(__always)
public func lowerScalar(_ s: Unicode.Scalar) -> Unicode.Scalar {
    if s.value < 0x80 {
        if s.value >= 0x41 && s.value <= 0x5A { return Unicode.Scalar(s.value + 32)! }
        return s
    }
    let m = s.properties.lowercaseMapping.unicodeScalars
    return m.count == 1 ? m.first! : s
}

/// Lower-cased scalars of a string.
public func lowerScalars(_ s: String) -> [Unicode.Scalar] { s.unicodeScalars.map(lowerScalar) }

/// A password (or any text) folded for comparison: one candidate set per position.
public struct FoldedText: Sendable {
    /// `sets[i]` holds what position i may stand for; `sets[i][0]` is the (case-folded) character itself.
    public let sets: [[Unicode.Scalar]]
    /// The original scalars, for showing a matched fragment as the user typed it.
    public let original: [Unicode.Scalar]

    public init(_ scalars: [Unicode.Scalar], caseSensitive: Bool = false, substitution: SubstitutionTable? = nil) {
        original = scalars
        sets = scalars.map { s in
            let base = caseSensitive ? s : lowerScalar(s)
            guard let table = substitution, let subs = table.letters(for: s) ?? table.letters(for: base) else { return [base] }
            var set = [base]
            for l in subs where !set.contains(l) {
                set.append(l)
                // a case-sensitive comparison also accepts the upper-case letter for a substitute
                if caseSensitive, let u = l.properties.uppercaseMapping.unicodeScalars.first, u != l { set.append(u) }
            }
            return set
        }
    }

    private init(sets: [[Unicode.Scalar]], original: [Unicode.Scalar]) {
        self.sets = sets
        self.original = original
    }

    public var count: Int { sets.count }

    /// The text read backwards (for bi-directional analysis).
    public func reversed() -> FoldedText { FoldedText(sets: sets.reversed(), original: original.reversed()) }

    /// Only the positions whose original character passes `keep` (e.g. letters only: "myp8asswor8d").
    public func filter(_ keep: (Unicode.Scalar) -> Bool) -> FoldedText {
        var s: [[Unicode.Scalar]] = []
        var o: [Unicode.Scalar] = []
        for (i, c) in original.enumerated() where keep(c) {
            s.append(sets[i])
            o.append(c)
        }
        return FoldedText(sets: s, original: o)
    }

    @inline(__always)
    public func matches(_ i: Int, _ c: Unicode.Scalar) -> Bool {
        let set = sets[i]
        if set[0] == c { return true }
        return set.count > 1 && set.contains(c)
    }

    /// Whether the word occurs starting at `start`.
    public func matches(_ word: [Unicode.Scalar], at start: Int) -> Bool {
        guard start >= 0, start + word.count <= sets.count else { return false }
        for j in 0..<word.count where !matches(start + j, word[j]) { return false }
        return true
    }

    /// First position where `word` occurs, or nil.
    public func find(_ word: [Unicode.Scalar]) -> Int? {
        guard !word.isEmpty, word.count <= sets.count else { return nil }
        for start in 0...(sets.count - word.count) where matches(word, at: start) { return start }
        return nil
    }

    /// Whether the whole text equals `word`.
    public func equals(_ word: [Unicode.Scalar]) -> Bool { word.count == sets.count && matches(word, at: 0) }

    /// The longest run of consecutive characters shared by this text and `other` (other's characters are
    /// compared as given: fold them first if needed). Returns the run's length, its start in this text and
    /// its start in `other`. This is PPE's "consecutive matching characters" for its Tolerance setting.
    public func longestCommonRun(with other: [Unicode.Scalar]) -> (length: Int, start: Int, otherStart: Int) {
        let n = sets.count, m = other.count
        guard n > 0, m > 0 else { return (0, 0, 0) }
        var prev = [Int](repeating: 0, count: m + 1)
        var cur = prev
        var best = (length: 0, start: 0, otherStart: 0)
        for i in 1...n {
            for j in 1...m {
                if matches(i - 1, other[j - 1]) {
                    cur[j] = prev[j - 1] + 1
                    if cur[j] > best.length { best = (cur[j], i - cur[j], j - cur[j]) }
                } else {
                    cur[j] = 0
                }
            }
            swap(&prev, &cur)
        }
        return best
    }

    /// The original characters of positions `start..<start+length`, as typed.
    public func fragment(_ start: Int, _ length: Int) -> String {
        var s = ""
        s.unicodeScalars.append(contentsOf: original[start..<(start + length)])
        return s
    }
}

extension Unicode.Scalar {
    /// ASCII or Unicode letter.
    public var isLetter: Bool { properties.isAlphabetic && !isDigit }
    /// 0-9 only (what Windows and the seeds call numeric).
    public var isDigit: Bool { value >= 0x30 && value <= 0x39 }
    public var isUpper: Bool { properties.isUppercase }
    public var isLower: Bool { properties.isLowercase }
}
