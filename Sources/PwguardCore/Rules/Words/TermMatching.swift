// Matching machinery shared by the word rules (password_dictionary, defined_text, dictionary, entra,
// banned_share): reading `words` / `lists`, the normalised variants of a password, exact and edit-distance-1
// substring search over `FoldedText`, overlap resolution and coverage, and the sorted index that finds a whole
// password in a list of thousands of entries in microseconds.
//
// Every search starts with a cheap prefilter: each term carries a 64-bit mask of the character classes it
// uses, each password variant the mask of everything its positions may stand for, so most terms are skipped
// with one AND; fuzzy and tolerance searches also count the term's adjacent character pairs that the password
// has too (one edit breaks at most two of them). Nothing here uses Foundation (Glibc only for memchr).

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Character classes for prefilters

/// A character's class for prefilter masks: a–z (either case) 0–25, digits 26–35, anything else 36–63 by code
/// point. Equal characters always share a class, so a mask test never rejects a real match.
@inline(__always)
func charClass(_ s: Unicode.Scalar) -> Int {
    let v = s.value
    if v >= 0x61 && v <= 0x7A { return Int(v - 0x61) }
    if v >= 0x41 && v <= 0x5A { return Int(v - 0x41) }
    if v >= 0x30 && v <= 0x39 { return 26 + Int(v - 0x30) }
    return 36 + Int(v % 28)
}

@inline(__always)
func classMask(_ scalars: [Unicode.Scalar]) -> UInt64 {
    var m: UInt64 = 0
    for s in scalars { m |= 1 << UInt64(charClass(s)) }
    return m
}

// MARK: - Password variants

/// One way of reading the password: folded text plus what it may contain, for prefilters.
struct TextVariant {
    let text: FoldedText
    /// How the password was read, for reasons: nil (as typed), "read backwards", "ignoring non-letters", …
    let label: String?
    /// Classes of every character any position may stand for.
    let mask: UInt64

    init(_ text: FoldedText, label: String?) {
        self.text = text
        self.label = label
        var m: UInt64 = 0
        for set in text.sets { for s in set { m |= 1 << UInt64(charClass(s)) } }
        mask = m
    }

    var count: Int { text.count }

    /// 64×64 bits: which class pairs occur at adjacent positions (any candidate of one, then of the next).
    func bigrams() -> [UInt64] {
        var bits = [UInt64](repeating: 0, count: 64)
        let sets = text.sets
        guard sets.count > 1 else { return bits }
        for i in 0..<(sets.count - 1) {
            for a in sets[i] {
                let row = charClass(a)
                for b in sets[i + 1] { bits[row] |= 1 << UInt64(charClass(b)) }
            }
        }
        return bits
    }

    /// " (read backwards)"-style suffix for reasons.
    var reasonSuffix: String { label.map { " (\($0))" } ?? "" }
}

/// How a rule folds the password before comparing it with words: case, substitution, direction, letters only.
struct WordNormalisation: Sendable {
    var caseSensitive = false
    /// The table to apply, or nil for no substitution.
    var substitution: SubstitutionTable? = nil
    /// Also read the password backwards (bi-directional analysis).
    var reversed = false
    /// Also read the password with every non-letter removed ("myp8asswor8d" → "mypassword").
    var lettersOnly = false

    /// The readings to try, the password as typed first.
    func variants(_ scalars: [Unicode.Scalar]) -> [TextVariant] {
        let typed = FoldedText(scalars, caseSensitive: caseSensitive, substitution: substitution)
        var texts: [(FoldedText, String?)] = [(typed, nil)]
        if lettersOnly {
            let letters = typed.filter { $0.isLetter }
            if letters.count > 0 && letters.count < typed.count { texts.append((letters, "ignoring non-letters")) }
        }
        if reversed {
            for (t, label) in texts {
                texts.append((t.reversed(), label.map { $0 + ", read backwards" } ?? "read backwards"))
            }
        }
        return texts.map { TextVariant($0.0, label: $0.1) }
    }
}

// MARK: - Terms and where they come from

/// One entry of `words` or of a list, as written, with the list it came from (nil for inline `words`).
struct TermEntry: Sendable {
    let text: String
    let list: String?
}

enum TermSources {
    static let wordsDoc = ParameterDoc("words", "array of strings", default: "[]", "Entries given inline in the configuration.")
    static let caseSensitiveDoc = ParameterDoc("case_sensitive", "boolean", default: "false", "Compare upper and lower case as different.")
    static let substitutionDoc = ParameterDoc(
        "substitution", "boolean", default: "true", "Also try what substituted characters stand for (@ → a, 0 → o, 1 → i or l, …).")
    static let reversedDoc = ParameterDoc("reversed", "boolean", default: "false", "Also try the password written backwards.")
    static let fuzzyDoc = ParameterDoc(
        "fuzzy", "boolean", default: "true", "Also match terms within edit distance 1 (one character changed, added or left out).")
    static let minTermLengthDoc = ParameterDoc(
        "min_term_length", "integer", default: "3", "Ignore banned terms shorter than this (Entra's custom list: 4).")

    static func listsDoc(default def: String) -> ParameterDoc {
        ParameterDoc(
            "lists", "array of list references", default: def,
            "Word lists: names from [lists], file paths (one entry per line, # comments; or an index from pwguard words compile) or builtin:common-passwords."
        )
    }

    /// Reads `words` and `lists`, each list apart: a compiled index (`pwguard words compile`, told by its magic)
    /// as the mapped index, a text list as its entries, and, with `rawBuiltins`, a built-in list in the layout
    /// its generator wrote (for `WholeWordIndex`, which then has nothing to index). Lists that cannot be read
    /// (missing, not UTF-8, a truncated or corrupt index) are configuration errors on `lists`. With
    /// `required`, having neither words nor lists is an error too.
    static func sources(
        _ p: RuleParameters, _ resources: Resources, defaultLists: [String] = [], required: Bool = false,
        rawBuiltins: Bool
    ) throws -> [ListSource] {
        var out: [ListSource] = []
        let words = try p.strings("words")
        if !words.isEmpty { out.append(.entries(words.map { TermEntry(text: $0, list: nil) })) }
        for ref in try p.strings("lists", default: defaultLists) {
            if rawBuiltins, let b = resources.builtinRanked(ref) {
                out.append(.ranked(name: b.name, list: b.list))
                continue
            }
            let list: WordList
            do {
                if let index = try resources.wordIndex(ref) {
                    out.append(.compiled(name: ref, index: index))
                    continue
                }
                list = try resources.wordList(ref)
            } catch {
                throw p.error("lists", "cannot read \"\(ref)\": \(error)")
            }
            out.append(.entries(list.words.map { TermEntry(text: $0, list: list.name) }))
        }
        if required && out.isEmpty {
            throw p.error("", "needs at least one entry in `words` or one list in `lists`")
        }
        return out
    }

    /// Calls `body` with the byte range of every entry of a list's text, read as `WordList` reads it: one
    /// entry per line (LF or CRLF), surrounding spaces and tabs trimmed, blank lines and `#` lines skipped.
    static func forEachLine(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        var start = 0
        let n = bytes.count
        guard let base = bytes.baseAddress else { return }
        while start < n {
            let end = memchr(base + start, 0x0A, n - start).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? n
            var a = start, b = end
            while a < b && (bytes[a] == 0x20 || bytes[a] == 0x09) { a += 1 }
            while b > a && (bytes[b - 1] == 0x0D || bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09) { b -= 1 }
            if a < b && bytes[a] != 0x23 { body(a, b) }
            start = end + 1
        }
    }

    /// The scalars an entry is compared as: lower-cased unless case-sensitive.
    static func fold(_ s: String, caseSensitive: Bool) -> [Unicode.Scalar] {
        caseSensitive ? Array(s.unicodeScalars) : lowerScalars(s)
    }
}

/// A prepared term: folded scalars, class mask and where it came from.
struct Term: Sendable {
    let scalars: [Unicode.Scalar]
    let mask: UInt64
    let entry: TermEntry

    var count: Int { scalars.count }
}

/// One occurrence of a term in a password reading.
struct TermMatch: Sendable, Equatable {
    /// Index into `TermSet.terms`.
    let term: Int
    let start: Int
    let length: Int
    /// Found within edit distance 1 rather than exactly.
    let fuzzy: Bool

    var end: Int { start + length }
    func overlaps(_ o: TermMatch) -> Bool { start < o.end && o.start < end }
}

/// A set of terms searched as substrings of a password.
struct TermSet: Sendable {
    /// Terms shorter than this are only found exactly: one edit of a 3-letter term leaves 2 letters, which
    /// occur in almost anything.
    static let fuzzyMinimumLength = 4

    let terms: [Term]
    /// Character classes of every term, one flat array: term i at `classStart[i]..<classStart[i + 1]`
    /// (bigram prefilters read them without touching the terms' scalars).
    private let classes: [UInt8]
    private let classStart: [Int32]

    /// Entries shorter than `minLength` (taken as written, not trimmed) are dropped.
    init(_ entries: [TermEntry], caseSensitive: Bool, minLength: Int = 1) {
        self.init(terms: Self.prepare(entries, caseSensitive: caseSensitive, minLength: minLength))
    }

    /// Terms prepared already (`prepare`), in the order ties are broken by.
    init(terms: [Term]) {
        var classes: [UInt8] = []
        var classStart: [Int32] = [0]
        classStart.reserveCapacity(terms.count + 1)
        for t in terms {
            for c in t.scalars { classes.append(UInt8(charClass(c))) }
            classStart.append(Int32(classes.count))
        }
        self.terms = terms
        self.classes = classes
        self.classStart = classStart
    }

    /// The entries as terms: folded, with their class masks; those shorter than `minLength` dropped.
    static func prepare(_ entries: [TermEntry], caseSensitive: Bool, minLength: Int = 1) -> [Term] {
        var terms: [Term] = []
        terms.reserveCapacity(entries.count)
        for e in entries {
            let s = TermSources.fold(e.text, caseSensitive: caseSensitive)
            guard s.count >= max(minLength, 1) else { continue }
            terms.append(Term(scalars: s, mask: classMask(s), entry: e))
        }
        return terms
    }

    /// How many of term i's adjacent pairs the variant has too (`bigrams` from `TextVariant.bigrams()`).
    private func pairsPresent(_ i: Int, _ bigrams: [UInt64]) -> Int {
        var present = 0
        var j = Int(classStart[i]) + 1
        while j < Int(classStart[i + 1]) {
            if (bigrams[Int(classes[j - 1])] >> UInt64(classes[j])) & 1 != 0 { present += 1 }
            j += 1
        }
        return present
    }

    var isEmpty: Bool { terms.isEmpty }

    /// The longest term that occurs exactly in the variant, with its start.
    func longestContained(in v: TextVariant) -> (term: Term, start: Int)? {
        var best: (term: Term, start: Int)?
        for t in terms where t.mask & ~v.mask == 0 && t.count <= v.count && t.count > (best?.term.count ?? 0) {
            if let start = v.text.find(t.scalars) { best = (t, start) }
        }
        return best
    }

    /// The longest term the variant starts with (or, with `atEnd`, ends with): wildcard templates.
    func longestAnchored(in v: TextVariant, atEnd: Bool) -> Term? {
        var best: Term?
        for t in terms where t.mask & ~v.mask == 0 && t.count <= v.count && t.count > (best?.count ?? 0) {
            if v.text.matches(t.scalars, at: atEnd ? v.count - t.count : 0) { best = t }
        }
        return best
    }

    /// The term sharing the longest run of more than `tolerance` consecutive characters with the variant
    /// (seed 004's Tolerance). Terms are prefiltered by class bigrams: a run of k characters needs k-1
    /// consecutive pairs that the password has too.
    func longestRun(in v: TextVariant, longerThan tolerance: Int) -> (term: Term, start: Int, length: Int)? {
        var best: (term: Term, start: Int, length: Int)?
        for i in runCandidates(v, tolerance) where terms[i].count > (best?.length ?? 0) {
            let r = v.text.longestCommonRun(with: terms[i].scalars)
            if r.length > max(tolerance, best?.length ?? 0) { best = (terms[i], r.start, r.length) }
        }
        return best
    }

    /// Terms that may share more than `tolerance` consecutive characters with the variant: longer than the
    /// tolerance and, for a tolerance of 1 or more, with `tolerance` consecutive pairs the variant has too.
    /// One tight pass over the flat class array: this is what a large dictionary costs per password.
    private func runCandidates(_ v: TextVariant, _ tolerance: Int) -> [Int] {
        var out: [Int] = []
        if tolerance == 0 {
            for (i, t) in terms.enumerated() where t.mask & v.mask != 0 { out.append(i) }
            return out
        }
        let bigrams = v.bigrams()
        classes.withUnsafeBufferPointer { cls in
            classStart.withUnsafeBufferPointer { st in
                bigrams.withUnsafeBufferPointer { bg in
                    for i in 0..<terms.count {
                        let a = Int(st[i]), b = Int(st[i + 1])
                        guard b - a > tolerance else { continue }
                        var run = 0, j = a + 1
                        while j < b {
                            if (bg[Int(cls[j - 1])] >> UInt64(cls[j])) & 1 != 0 {
                                run += 1
                                if run >= tolerance { out.append(i); break }
                            } else {
                                run = 0
                            }
                            j += 1
                        }
                    }
                }
            }
        }
        return out
    }

    /// Every occurrence of every term: exact, and (with `fuzzy`, for terms of at least `fuzzyMinimumLength`)
    /// within edit distance 1: one character changed, added or left out (seed 002 "Fuzzy matching"). A fuzzy
    /// occurrence that overlaps an exact occurrence of the same term is dropped: "password9" is "password"
    /// plus a character, not a second match.
    func matches(in v: TextVariant, fuzzy: Bool) -> [TermMatch] {
        var out: [TermMatch] = []
        let n = v.count
        let bigrams = v.bigrams()
        for (index, t) in terms.enumerated() {
            let m = t.count
            let canFuzzy = fuzzy && m >= Self.fuzzyMinimumLength
            let slack = canFuzzy ? 1 : 0
            guard (t.mask & ~v.mask).nonzeroBitCount <= slack, m - slack <= n else { continue }
            // one edit breaks at most two of the term's adjacent pairs
            guard pairsPresent(index, bigrams) >= m - 1 - 2 * slack else { continue }
            var exact: [TermMatch] = []
            var near: [TermMatch] = []
            for start in 0..<n {
                if !canFuzzy {
                    if v.text.matches(t.scalars, at: start) { exact.append(TermMatch(term: index, start: start, length: m, fuzzy: false)) }
                    continue
                }
                for len in (m - 1)...(m + 1) where start + len <= n {
                    guard let e = v.text.edits(to: t.scalars, at: start, length: len) else { continue }
                    let match = TermMatch(term: index, start: start, length: len, fuzzy: e > 0)
                    if e == 0 { exact.append(match) } else { near.append(match) }
                }
            }
            out += exact
            for f in near where !exact.contains(where: { $0.overlaps(f) }) { out.append(f) }
        }
        return out
    }

    /// Non-overlapping matches chosen greedily: exact before fuzzy, then longest first, then leftmost.
    /// Returned in password order.
    static func resolveOverlaps(_ matches: [TermMatch]) -> [TermMatch] {
        let ordered = matches.sorted { a, b in
            if a.fuzzy != b.fuzzy { return !a.fuzzy }
            if a.length != b.length { return a.length > b.length }
            return a.start < b.start
        }
        var chosen: [TermMatch] = []
        for m in ordered where !chosen.contains(where: { $0.overlaps(m) }) { chosen.append(m) }
        return chosen.sorted { $0.start < $1.start }
    }

    /// Which of `count` positions some match covers.
    static func coverage(_ matches: [TermMatch], count: Int) -> [Bool] {
        var covered = [Bool](repeating: false, count: count)
        for m in matches { for i in m.start..<m.end { covered[i] = true } }
        return covered
    }

    /// "password[0-7] + blank[8-12~]": each term as written, with the positions it covers (0-based,
    /// inclusive; `~` marks a fuzzy match).
    func describe(_ matches: [TermMatch]) -> String {
        matches.map { "\(terms[$0.term].entry.text)[\($0.start)-\($0.end - 1)\($0.fuzzy ? "~" : "")]" }
            .joined(separator: " + ")
    }

    /// The distinct lists the matches came from, for `RuleOutcome.list`.
    func listNames(_ matches: [TermMatch]) -> String? {
        var names: [String] = []
        for m in matches { if let l = terms[m.term].entry.list, !names.contains(l) { names.append(l) } }
        return names.isEmpty ? nil : names.joined(separator: ", ")
    }
}

// MARK: - Edit distance 1 over folded text

extension FoldedText {
    /// Whether positions `at..<at+(to-from)` match `term[from..<to]`.
    @inline(__always)
    func matchesRun(_ term: [Unicode.Scalar], from: Int, to: Int, at start: Int) -> Bool {
        var i = start
        for j in from..<to {
            if !matches(i, term[j]) { return false }
            i += 1
        }
        return true
    }

    /// The edits (0 or 1) that turn positions `start..<start+length` into `term`, or nil if more are needed.
    /// `length` must be within one of the term's length. Skipping at the first mismatch is exact for one
    /// edit (the classic one-edit-away check).
    func edits(to term: [Unicode.Scalar], at start: Int, length: Int) -> Int? {
        let m = term.count
        guard start >= 0, start + length <= count, abs(length - m) <= 1 else { return nil }
        var k = 0
        let common = Swift.min(length, m)
        while k < common && matches(start + k, term[k]) { k += 1 }
        if length == m {
            if k == m { return 0 }
            return matchesRun(term, from: k + 1, to: m, at: start + k + 1) ? 1 : nil
        }
        if length == m + 1 { return matchesRun(term, from: k, to: m, at: start + k + 1) ? 1 : nil }
        return matchesRun(term, from: k + 1, to: m, at: start + k) ? 1 : nil
    }
}

// MARK: - Whole-password index

/// A list for `WholeWordIndex`: entries as strings, or a built-in ranked list read in place.
enum ListSource: Sendable {
    case entries([TermEntry])
    case ranked(name: String, list: RankedList)
    /// A compiled index, searched per password.
    case compiled(name: String, index: WordIndex)
}

/// Rows of one length, sorted, read column by column by a trie walk.
protocol SortedRows {
    var count: Int { get }
    var length: Int { get }
    func value(_ row: Int, _ column: Int) -> UInt32
}

extension SortedRows {
    /// The first row equal to `sets[base..<base+length]`, any candidate of each position, or nil. Only prefixes
    /// that some row has are followed, each found with two binary searches in the range of the previous one.
    func find(_ sets: [[Unicode.Scalar]], _ base: Int) -> Int? { walk(sets, base, 0, 0, count) }

    private func walk(_ sets: [[Unicode.Scalar]], _ base: Int, _ column: Int, _ lo: Int, _ hi: Int) -> Int? {
        if column == length { return lo }
        for c in sets[base + column] {
            let v = c.value
            var l = lo, h = hi
            while l < h {
                let mid = (l + h) >> 1
                if value(mid, column) < v { l = mid + 1 } else { h = mid }
            }
            guard l < hi, value(l, column) == v else { continue }
            var u = l + 1
            h = hi
            while u < h {
                let mid = (u + h) >> 1
                if value(mid, column) <= v { u = mid + 1 } else { h = mid }
            }
            if let r = walk(sets, base, column + 1, l, u) { return r }
        }
        return nil
    }

    func less(_ x: Int, _ y: Int) -> Bool {
        for d in 0..<length where value(x, d) != value(y, d) { return value(x, d) < value(y, d) }
        return false
    }

    /// nil when the rows are sorted already (one pass), else the stable sorting permutation.
    func sortingOrder() -> [Int]? {
        var sorted = true
        for i in stride(from: 1, to: count, by: 1) where less(i, i - 1) { sorted = false; break }
        if sorted { return nil }
        return (0..<count).sorted { x, y in less(x, y) || (!less(y, x) && x < y) }
    }
}

/// Entries copied as folded code points (inline words, lists read through `Resources`).
private struct FlatRows: SortedRows {
    let length: Int
    var flat: [UInt32] = []
    /// Index of each row's entry.
    var ids: [Int32] = []
    var count: Int { ids.count }
    @inline(__always) func value(_ row: Int, _ column: Int) -> UInt32 { flat[row * length + column] }
}

/// Finds a whole password (or a slice of it) in lists of thousands of entries in microseconds. Entries are
/// grouped by length into sorted rows. A built-in list is a ranked list embedded in the binary, searched in
/// place (`RankedList.find`), so building the index for it costs nothing.
struct WholeWordIndex: Sendable {
    private enum Part: Sendable {
        case flat(entries: [TermEntry], rows: [FlatRows])
        case ranked(name: String, list: RankedList)
        case compiled(name: String, index: WordIndex, caseSensitive: Bool)
    }

    private let parts: [Part]

    init(_ sources: [ListSource], caseSensitive: Bool) {
        var parts: [Part] = []
        for source in sources {
            switch source {
            case .entries(let entries):
                parts.append(Self.flatPart(entries, caseSensitive: caseSensitive))
            case .ranked(let name, let list):
                parts.append(.ranked(name: name, list: list))
            case .compiled(let name, let index):
                parts.append(.compiled(name: name, index: index, caseSensitive: caseSensitive))
            }
        }
        self.parts = parts
    }

    private static func flatPart(_ entries: [TermEntry], caseSensitive: Bool) -> Part {
        var rows: [FlatRows] = []
        for (id, e) in entries.enumerated() {
            let s = TermSources.fold(e.text, caseSensitive: caseSensitive)
            guard !s.isEmpty else { continue }
            while rows.count <= s.count { rows.append(FlatRows(length: rows.count)) }
            for c in s { rows[s.count].flat.append(c.value) }
            rows[s.count].ids.append(Int32(id))
        }
        for length in rows.indices {
            guard let order = rows[length].sortingOrder() else { continue }
            let old = rows[length]
            var sorted = FlatRows(length: length)
            for i in order {
                sorted.flat.append(contentsOf: old.flat[(i * length)..<((i + 1) * length)])
                sorted.ids.append(old.ids[i])
            }
            rows[length] = sorted
        }
        return .flat(entries: entries, rows: rows)
    }

    /// The entry equal to `text.sets[range]` (any candidate of each position), or nil. Lists are searched in
    /// order: the first list with the entry is reported.
    func lookup(_ text: FoldedText, _ range: Range<Int>) -> TermEntry? {
        let length = range.count
        guard length > 0 else { return nil }
        for part in parts {
            switch part {
            case .flat(let entries, let rows):
                guard length < rows.count, let row = rows[length].find(text.sets, range.lowerBound) else { continue }
                return entries[Int(rows[length].ids[row])]
            case .ranked(let name, let list):
                if let row = list.find(text.sets, range) { return TermEntry(text: list.key(row), list: name) }
            case .compiled(let name, let index, let caseSensitive):
                if let found = Self.lookup(index, text, range, caseSensitive: caseSensitive) { return TermEntry(text: found, list: name) }
            }
        }
        return nil
    }

    /// The entry of a compiled index that a flat part of the same entries would find: the index walk returns
    /// every entry equal to the range (in any reading; case-folded, so a case-sensitive search gets a superset
    /// that is checked here); of these, the flat part's depth-first search finds the one whose characters come
    /// earliest in each position's candidates, and of equal entries the first in the list.
    private static func lookup(_ index: WordIndex, _ text: FoldedText, _ range: Range<Int>, caseSensitive: Bool) -> String? {
        var walk = IndexWalk(index, caseSensitive ? IndexedTerms.folded(text.sets) : text.sets)
        walk.exact(from: range.lowerBound, length: range.count)
        var best: (rank: [Int], entry: String)?
        for c in walk.candidates() {
            let entry = c.entry
            let s = TermSources.fold(entry, caseSensitive: caseSensitive)
            guard s.count == range.count else { continue }
            var rank: [Int] = []
            rank.reserveCapacity(s.count)
            for (j, c) in s.enumerated() {
                guard let at = text.sets[range.lowerBound + j].firstIndex(of: c) else { break }
                rank.append(at)
            }
            guard rank.count == s.count else { continue }
            if best == nil || rank.lexicographicallyPrecedes(best!.rank) { best = (rank, entry) }
        }
        return best?.entry
    }
}
