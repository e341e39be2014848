#if canImport(Glibc)
import Glibc
#endif

// The strength rule's matchers: every candidate segment of a password, with its guesses (StrengthScoring
// picks the cheapest decomposition). Each matcher is bounded: dictionary walks follow only prefixes some list
// entry has (and share one step budget), repeats are found with one pass per period, the rest are linear.

/// A keyboard layout as flat tables (ASCII by code point, the rest sorted), built once from the `keyboard`
/// rule's definitions without its dictionaries.
struct StrengthKeyboard: Sendable {
    struct Key: Equatable {
        var row: Int16
        var index: Int16
        var x: Int16
        /// Typed with Shift or AltGr (or an upper-case letter).
        var shifted: Bool
    }

    let name: String
    private let ascii: [Key?]
    private let other: [(UInt32, Key)]

    init(_ d: (id: String, name: String, rows: [(offset: Int, keys: String)])) {
        name = d.name
        // the keys of every row in one flat array, read in one pass over each row's scalars (no split strings
        // or nested arrays: this runs at every start-up): key j is scalars[bounds[j] ..< bounds[j + 1]], at
        // row places[j].row, index places[j].index
        var scalars: [Unicode.Scalar] = [], bounds: [Int] = [0], places: [(row: Int, index: Int)] = []
        scalars.reserveCapacity(256)
        bounds.reserveCapacity(64)
        places.reserveCapacity(64)
        var layers = 0
        // (no nested functions over these variables: captured variables are boxed and every access is checked)
        for (r, row) in d.rows.enumerated() {
            var index = 0
            var it = row.keys.unicodeScalars.makeIterator()
            while true {
                let c = it.next()
                if let c, c != " " {
                    scalars.append(c)
                    continue
                }
                let length = scalars.count - bounds[bounds.count - 1]
                if length > 0 {
                    layers = max(layers, length)
                    bounds.append(scalars.count)
                    places.append((r, index))
                    index += 1
                }
                if c == nil { break }
            }
        }
        // (a bitmap and a plain array rather than a Set: no hashed collection of a new type on the check path,
        // whose metadata costs a scan of the runtime's conformance records in the static binary; and no
        // Unicode property lookups for ASCII)
        var asciiSeen = [Bool](repeating: false, count: 128)
        var seen: [UInt32] = []
        var ascii = [Key?](repeating: nil, count: 128)
        var other: [(UInt32, Key)] = []
        @inline(__always) func insert(_ v: UInt32, _ asciiSeen: inout [Bool], _ seen: inout [UInt32]) -> Bool {
            if v < 128 {
                if asciiSeen[Int(v)] { return false }
                asciiSeen[Int(v)] = true
                return true
            }
            if seen.contains(v) { return false }
            seen.append(v)
            return true
        }
        func upper(_ c: Unicode.Scalar) -> Unicode.Scalar? {
            if c.value >= 0x61 && c.value <= 0x7A { return Unicode.Scalar(UInt8(c.value - 32)) }
            if c.value < 0x80 { return nil }
            let up = c.properties.uppercaseMapping.unicodeScalars
            return up.count == 1 && up.first! != c ? up.first! : nil
        }
        for layer in 0..<layers {
            for j in 0..<places.count where bounds[j] + layer < bounds[j + 1] && insert(scalars[bounds[j] + layer].value, &asciiSeen, &seen) {
                let (r, i) = places[j]
                let k = Key(row: Int16(r), index: Int16(i), x: Int16(d.rows[r].offset + 4 * i), shifted: layer > 0)
                let c = scalars[bounds[j] + layer]
                if c.value < 128 { ascii[Int(c.value)] = k } else { other.append((c.value, k)) }
                // an upper-case letter not listed is its lower-case key with Shift
                if layer == 0, let u = upper(c), insert(u.value, &asciiSeen, &seen) {
                    var s = k
                    s.shifted = true
                    if u.value < 128 { ascii[Int(u.value)] = s } else { other.append((u.value, s)) }
                }
            }
        }
        other.sort { $0.0 < $1.0 }
        self.ascii = ascii
        self.other = other
    }

    @inline(__always) func key(_ c: Unicode.Scalar) -> Key? {
        if c.value < 128 { return ascii[Int(c.value)] }
        var lo = 0, hi = other.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if other[mid].0 < c.value { lo = mid + 1 } else { hi = mid }
        }
        return lo < other.count && other[lo].0 == c.value ? other[lo].1 : nil
    }

    /// The direction from a to b (0–5) when they are neighbouring keys, else nil.
    @inline(__always) static func direction(_ a: Key, _ b: Key) -> Int? {
        if a.row == b.row {
            let d = b.index - a.index
            return d == 1 ? 0 : d == -1 ? 1 : nil
        }
        guard abs(Int(a.row) - Int(b.row)) == 1, abs(Int(a.x) - Int(b.x)) < 4 else { return nil }
        return (b.row > a.row ? 2 : 4) + (b.x >= a.x ? 0 : 1)
    }

    static let all: [StrengthKeyboard] = KeyboardLayout.definitions.map(StrengthKeyboard.init)

    /// zxcvbn's constants for a desktop keyboard: keys (with Shift) a pattern may start on, and the average
    /// number of neighbours of a key.
    static let startingPositions = 94.0
    static let averageDegree = 4.6
}

/// Finds every candidate segment of one password.
struct StrengthMatcher {
    let lists: [RankedList]
    let keyboards: [StrengthKeyboard]
    let substitutions: SubstitutionTable
    /// What a match's `source` indexes: the lists' names, the layouts' names, then the context labels.
    let sources: [String]
    static let contextLabels = ["account name", "given name", "surname", "display name", "UPN", "domain", "organisation words"]

    init(lists: [RankedList], keyboards: [StrengthKeyboard], substitutions: SubstitutionTable) {
        self.lists = lists
        self.keyboards = keyboards
        self.substitutions = substitutions
        sources = lists.map(\.name) + keyboards.map(\.name) + Self.contextLabels
    }

    func contextSource(_ label: String) -> Int16 { Int16(lists.count + keyboards.count + (Self.contextLabels.firstIndex(of: label) ?? 0)) }
    /// Narrowing steps all dictionary walks of one password may take together.
    static let walkBudget = 8_000
    /// Most repeat segments considered (each costs a small decomposition of its block).
    static let maxRepeats = 64
    /// Longest run of digits and symbols taken as one affix.
    static let maxAffix = 12
    /// Most repeated regions collected before the longest are chosen (a bound for adversarial input).
    static let maxRepeatRegions = 4096

    /// Every segment of `s` (the password's scalars); `context` holds the identity's and organisation's words
    /// (folded), most specific first.
    func matches(_ s: [Unicode.Scalar], context: [(word: [Unicode.Scalar], source: String)]) -> [Match] {
        var out: [Match] = []
        out.reserveCapacity(4 * s.count)
        let text = FoldedText(s, substitution: substitutions)
        dictionary(s, text, &out)
        contextWords(s, text, context, &out)
        spatial(s, &out)
        sequences(s, &out)
        digits(s, &out)
        affixes(s, &out)
        repeats(s, base: out, &out)
        return out
    }

    // ASCII first: Unicode property lookups are the costliest thing per character otherwise
    @inline(__always) static func isUpper(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x80 ? (c.value >= 0x41 && c.value <= 0x5A) : c.properties.isUppercase
    }
    @inline(__always) static func isLower(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x80 ? (c.value >= 0x61 && c.value <= 0x7A) : c.properties.isLowercase
    }
    @inline(__always) static func isLetter(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x80 ? ((c.value | 0x20) >= 0x61 && (c.value | 0x20) <= 0x7A) : c.isLetter
    }
    @inline(__always) static func lower(_ c: Unicode.Scalar) -> Unicode.Scalar {
        c.value >= 0x41 && c.value <= 0x5A ? Unicode.Scalar(UInt8(c.value + 32)) : c.value < 0x80 ? c : lowerScalar(c)
    }

    // MARK: dictionaries

    private func dictionary(_ s: [Unicode.Scalar], _ text: FoldedText, _ out: inout [Match]) {
        var budget = Self.walkBudget
        let n = s.count
        let reversedSets = Array(text.sets.reversed())
        let forward = FlatSets(text.sets), backward = FlatSets(reversedSets)
        for i in 0..<n {
            for (li, list) in lists.enumerated() {
                list.walk(forward, from: i, budget: &budget) { end, row, choices in
                    // one look-alike character alone is no word ("1" for "l"), as in zxcvbn
                    guard end - i > 1 || choices[0] == 0 else { return }
                    out.append(word(s, i, end, source: Int16(li), rank: list.rank(row), choices: choices, sets: text.sets, from: i, reversed: false))
                }
                // the password read backwards: "drowssap" is "password" reversed
                list.walk(backward, from: i, budget: &budget) { end, row, choices in
                    guard end - i > 1 else { return }
                    out.append(word(s, n - end, n - i, source: Int16(li), rank: list.rank(row), choices: choices, sets: reversedSets, from: i, reversed: true))
                }
            }
        }
    }

    /// A dictionary (or context) word at s[a..<b], found through `choices` in `sets` from position `from`.
    private func word(
        _ s: [Unicode.Scalar], _ a: Int, _ b: Int, source: Int16, rank: Int, choices: [UInt8], sets: [[Unicode.Scalar]], from: Int,
        reversed: Bool, pattern: StrengthSegment.Pattern = .dictionary
    ) -> Match {
        var m = Match(a, b, pattern, g: 0)
        m.source = source
        m.rank = Int32(clamping: rank)
        var g = log10(Double(rank))
        let caps = capitals(s, a, b)
        if caps > 0 { m.flags |= Match.capitals }
        g += caps
        // substitutions: for each (typed character, letter) pair, how many were substituted among that letter
        guard choices.contains(where: { $0 > 0 }) || reversed else {
            m.g = StrengthScoring.floor(g, length: b - a)
            return m
        }
        var pairs: [(Unicode.Scalar, Unicode.Scalar, Int)] = []
        for (k, choice) in choices.enumerated() where choice > 0 {
            let set = sets[from + k]
            let typed = set[0], letter = set[Int(choice)]
            if let p = pairs.firstIndex(where: { $0.0 == typed && $0.1 == letter }) { pairs[p].2 += 1 } else { pairs.append((typed, letter, 1)) }
        }
        if !pairs.isEmpty {
            m.flags |= Match.lookalike
            for (_, letter, subbed) in pairs {
                var plain = 0
                for (k, choice) in choices.enumerated() where choice == 0 && sets[from + k][0] == letter { plain += 1 }
                g += StrengthScoring.variations(subbed, plain)
            }
        }
        if reversed {
            m.flags |= Match.reversed
            g += log10(2)
        }
        m.g = StrengthScoring.floor(g, length: b - a)
        return m
    }

    /// log10 of the capitalisations an attacker tries before this one: none for lower case; 2 for a first or
    /// last capital or all capitals; otherwise the ways to place the capitals.
    private func capitals(_ s: [Unicode.Scalar], _ a: Int, _ b: Int) -> Double {
        var upper = 0, lower = 0
        for k in a..<b {
            let c = s[k]
            if Self.isUpper(c) { upper += 1 } else if Self.isLower(c) { lower += 1 }
        }
        if upper == 0 { return 0 }
        if lower == 0 { return log10(2) }
        let first = Self.isUpper(s[a]), last = Self.isUpper(s[b - 1])
        if upper == 1 && (first || last) { return log10(2) }
        return StrengthScoring.variations(upper, lower)
    }

    private func contextWords(
        _ s: [Unicode.Scalar], _ text: FoldedText, _ context: [(word: [Unicode.Scalar], source: String)], _ out: inout [Match]
    ) {
        let n = s.count
        let reversed = text.reversed()
        for (rank, c) in context.enumerated() where c.word.count <= n {
            let source = contextSource(c.source)
            for i in 0...(n - c.word.count) {
                if let choices = choices(text, c.word, at: i) {
                    out.append(word(s, i, i + c.word.count, source: source, rank: rank + 1, choices: choices, sets: text.sets, from: i,
                                    reversed: false, pattern: .context))
                }
                if c.word.count > 1, let choices = choices(reversed, c.word, at: i) {
                    out.append(word(s, n - i - c.word.count, n - i, source: source, rank: rank + 1, choices: choices, sets: reversed.sets,
                                    from: i, reversed: true, pattern: .context))
                }
            }
        }
    }

    /// The candidate chosen at each position for `w` to match at `at`, or nil.
    private func choices(_ t: FoldedText, _ w: [Unicode.Scalar], at: Int) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(w.count)
        for (k, c) in w.enumerated() {
            guard let j = t.sets[at + k].firstIndex(of: c) else { return nil }
            out.append(UInt8(truncatingIfNeeded: j))
        }
        return out
    }

    // MARK: keyboard patterns

    private func spatial(_ s: [Unicode.Scalar], _ out: inout [Match]) {
        let n = s.count
        guard n >= 3 else { return }
        for (ki, kb) in keyboards.enumerated() {
            let source = Int16(lists.count + ki)
            // maximal runs of neighbouring keys, then chains of runs ("1qaz" "2wsx" "3edc"): each run starting
            // next to the previous run's first or last key
            var runs: [(start: Int, end: Int, segment: Match)] = []
            var i = 0
            while i < n - 2 {
                guard let first = kb.key(s[i]) else {
                    i += 1
                    continue
                }
                var j = i + 1, prev = first, shifted = first.shifted ? 1 : 0
                var directions: [Int] = []
                while j < n, let k = kb.key(s[j]), let d = StrengthKeyboard.direction(prev, k) {
                    directions.append(d)
                    if k.shifted { shifted += 1 }
                    prev = k
                    j += 1
                }
                if j - i >= 3 {
                    let seg = spatialSegment(i, j, source, turns: Self.turns(directions), shifted: shifted)
                    out.append(seg)
                    runs.append((i, j, seg))
                    i = j
                } else {
                    i += 1
                }
            }
            var c = 0
            while c < runs.count {
                var d = c
                while d + 1 < runs.count, runs[d + 1].start == runs[d].end, let next = kb.key(s[runs[d + 1].start]),
                      let a = kb.key(s[runs[d].start]), let b = kb.key(s[runs[d].end - 1]),
                      StrengthKeyboard.direction(a, next) != nil || StrengthKeyboard.direction(b, next) != nil {
                    d += 1
                }
                if d > c {
                    // the first run's shape, where the chain goes next (6 ways), and how many runs
                    let count = d - c + 1
                    let g = runs[c].segment.g + log10(6) + log10(Double(count))
                        + runs[(c + 1)...d].reduce(0.0) { $0 + ($1.segment.b > 0 ? log10(2) : 0) }
                    var m = Match(runs[c].start, runs[d].end, .spatial, g: g)
                    m.source = source
                    m.a = -Int16(clamping: count)
                    out.append(m)
                }
                c = d + 1
            }
        }
    }

    /// Turns in a run: direction changes, but a run that cycles through the same q ≤ 3 directions ("e3r4t5",
    /// up and down again) counts q.
    static func turns(_ directions: [Int]) -> Int {
        var turns = 0
        var last: Int?
        for d in directions where d != last {
            turns += 1
            last = d
        }
        for q in 1...3 where directions.count >= 2 * q && q < turns {
            if (0..<(directions.count - q)).allSatisfy({ directions[$0] == directions[$0 + q] }) { return q }
        }
        return turns
    }

    /// zxcvbn: Σ_{i=2…L} Σ_{j=1…min(t,i−1)} C(i−1, j−1) · s · d^j, times the placements of shifted keys.
    private func spatialSegment(_ a: Int, _ b: Int, _ source: Int16, turns: Int, shifted: Int) -> Match {
        let length = b - a
        var g = -Double.infinity
        let s = log10(StrengthKeyboard.startingPositions), d = log10(StrengthKeyboard.averageDegree)
        for i in 2...length {
            for j in 1...min(turns, i - 1) { g = StrengthScoring.logAdd(g, StrengthScoring.logChoose(i - 1, j - 1) + s + Double(j) * d) }
        }
        g += StrengthScoring.variations(shifted, length - shifted)
        var m = Match(a, b, .spatial, g: StrengthScoring.floor(g, length: length))
        m.source = source
        m.a = Int16(clamping: turns)
        m.b = Int16(clamping: shifted)
        return m
    }

    // MARK: affixes

    /// A run of 2+ digits and symbols ("#2025!", "123#", "!!"): cracking rules append or prepend such runs
    /// whole, so it is one part, its guesses the cheapest decomposition of its own characters without the
    /// 10,000^(l−1) term (its parts are typed together, not chosen as separate patterns).
    private func affixes(_ s: [Unicode.Scalar], _ out: inout [Match]) {
        let n = s.count
        let byStart = Buckets(out.count, n) { out[$0].length <= Self.maxAffix ? Int(out[$0].start) : nil }
        var i = 0
        while i < n {
            guard !Self.isLetter(s[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < n && !Self.isLetter(s[j]) && j - i < Self.maxAffix { j += 1 }
            if j - i >= 2 {
                var inside: [Match] = []
                for a in i..<j {
                    for e in byStart.range(a) where out[Int(byStart.items[e])].end <= j { inside.append(out[Int(byStart.items[e])].shifted(by: i)) }
                }
                let g = StrengthScoring.cheapest(j - i, inside, growth: 0).log10
                out.append(Match(i, j, .affix, g: StrengthScoring.floor(g, length: j - i)))
            }
            i = j
        }
    }

    // MARK: sequences, years, dates, digits

    /// Runs of 3+ characters with a constant step of 1–5 code points ("abcdef", "13579", "zyx").
    private func sequences(_ s: [Unicode.Scalar], _ out: inout [Match]) {
        let n = s.count
        guard n >= 3 else { return }
        var i = 0
        while i < n - 2 {
            let delta = Int(s[i + 1].value) - Int(s[i].value)
            guard delta != 0, abs(delta) <= 5 else {
                i += 1
                continue
            }
            var j = i + 2
            while j < n && Int(s[j].value) - Int(s[j - 1].value) == delta { j += 1 }
            if j - i >= 3 {
                let first = s[i]
                let base: Double = "aAzZ019".unicodeScalars.contains(first) ? 4 : first.isDigit ? 10 : 26
                var g = log10(base) + log10(Double(j - i))
                var m = Match(i, j, .sequence, g: 0)
                if delta < 0 {
                    g += log10(2)
                    m.flags |= Match.descending
                }
                m.a = Int16(abs(delta))
                m.g = StrengthScoring.floor(g, length: j - i)
                out.append(m)
                i = j - 1
            } else {
                i += 1
            }
        }
    }

    private func digits(_ s: [Unicode.Scalar], _ out: inout [Match]) {
        let n = s.count
        var i = 0
        while i < n {
            guard s[i].isDigit else {
                i += 1
                continue
            }
            var j = i
            while j < n && s[j].isDigit { j += 1 }
            if j - i >= 3 {
                out.append(Match(i, j, .digits, g: Double(j - i)))
            }
            // years and dates inside the run, and dates with separators starting here
            for a in i..<j {
                if a + 4 <= j, let y = number(s, a, 4), (1900...2039).contains(y) {
                    out.append(Match(a, a + 4, .year, g: StrengthScoring.floor(StrengthScoring.yearGuesses(y), length: 4)))
                }
                for length in 4...8 where a + length <= j {
                    if let y = Self.dateYear(s[a..<(a + length)]) { out.append(dateSegment(a, a + length, y, separated: false)) }
                }
                // a separated date has a separator at its third, fourth or fifth character
                if a + 6 <= n, let sep = s[(a + 1)..<min(a + 5, n)].first(where: { !$0.isDigit }), Self.dateSeparators.contains(sep) {
                    for length in 6...10 where a + length <= n {
                        if let y = Self.separatedDateYear(s[a..<(a + length)]) { out.append(dateSegment(a, a + length, y, separated: true)) }
                    }
                }
            }
            i = j
        }
    }

    private func dateSegment(_ a: Int, _ b: Int, _ year: Int, separated: Bool) -> Match {
        let g = StrengthScoring.yearGuesses(year) + log10(365) + (separated ? log10(4) : 0)
        var m = Match(a, b, .date, g: StrengthScoring.floor(g, length: b - a))
        if separated { m.flags |= Match.separated }
        return m
    }

    private func number(_ s: [Unicode.Scalar], _ a: Int, _ length: Int) -> Int? {
        var v = 0
        for k in a..<(a + length) {
            guard s[k].isDigit else { return nil }
            v = v * 10 + Int(s[k].value - 48)
        }
        return v
    }

    /// The year of a date written as 4–8 digits (day, month and a 2- or 4-digit year in any usual order), or nil.
    static func dateYear(_ d: ArraySlice<Unicode.Scalar>) -> Int? {
        let base = d.startIndex
        func num(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + Int(d[base + $1].value) - 48 } }
        for yLen in [4, 2] where d.count - yLen >= 2 && d.count - yLen <= 4 {
            let rest = d.count - yLen
            for (yearFirst) in [false, true] {
                let yr = yearFirst ? 0..<yLen : rest..<d.count
                let dm = yearFirst ? yLen..<d.count : 0..<rest
                for split in 1...2 where split < dm.count && dm.count - split <= 2 {
                    let p = num(dm.lowerBound..<(dm.lowerBound + split)), q = num((dm.lowerBound + split)..<dm.upperBound)
                    if let y = year(num(yr), digits: yLen), valid(p, q) || valid(q, p) { return y }
                }
            }
        }
        return nil
    }

    /// The year of a date written with one separator twice ("12/05/1987", "1987-05-12"), or nil.
    static let dateSeparators: [Unicode.Scalar] = ["/", "-", ".", "_", " "]

    static func separatedDateYear(_ d: ArraySlice<Unicode.Scalar>) -> Int? {
        guard let sep = d.first(where: { !$0.isDigit }), dateSeparators.contains(sep) else { return nil }
        let parts = d.split(separator: sep, omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isDigit) }) else { return nil }
        let nums = parts.map { $0.reduce(0) { $0 * 10 + Int($1.value) - 48 } }
        let lens = parts.map(\.count)
        if lens[0] == 4 || lens[0] == 2 && lens[2] != 4 && lens[2] != 2 {
            if let y = year(nums[0], digits: lens[0]), lens[1] <= 2, lens[2] <= 2, valid(nums[2], nums[1]) || valid(nums[1], nums[2]) { return y }
        }
        if lens[2] == 4 || lens[2] == 2, lens[0] <= 2, lens[1] <= 2, let y = year(nums[2], digits: lens[2]),
           valid(nums[0], nums[1]) || valid(nums[1], nums[0]) {
            return y
        }
        return nil
    }

    private static func valid(_ day: Int, _ month: Int) -> Bool { (1...31).contains(day) && (1...12).contains(month) }

    private static func year(_ y: Int, digits: Int) -> Int? {
        if digits == 2 { return y > 50 ? 1900 + y : 2000 + y }
        return (1000...2050).contains(y) ? y : nil
    }

    // MARK: repeats

    /// A block typed twice or more, case ignored ("FinanceFinance", "abcabc", "aaaa"), or a word repeated with one
    /// separator between the copies ("Serenity.Serenity"). Guesses: the block's own cheapest decomposition
    /// (from the other matches inside it) times the number of copies. One pass per period p finds the regions;
    /// the longest `maxRepeats` are kept, each only at its shortest period.
    private func repeats(_ s: [Unicode.Scalar], base: [Match], _ out: inout [Match]) {
        let n = s.count
        guard n >= 2 else { return }
        let low = s.map(Self.lower)
        var regions: [(start: Int, end: Int, period: Int, copies: Int, separated: Bool)] = []
        // the n²/2 comparisons (1,024 characters: half a million) on code points through a buffer, without
        // bounds checks
        let codes = low.map { $0.value }
        codes.withUnsafeBufferPointer { c in
            periods: for p in 1...(n / 2) {
                var k = 0
                while k + p < n {
                    guard c[k] == c[k + p] else {
                        k += 1
                        continue
                    }
                    let a = k
                    while k + p < n && c[k] == c[k + p] { k += 1 }
                    let region = k + p - a      // s[a..<a+region] has period p
                    var copies = region / p, end = a + copies * p, separated = false
                    if region % p == p - 1 && p >= 3 && !Self.isLetter(low[a + p - 1]) && !low[a + p - 1].isDigit {
                        copies += 1
                        end = a + region
                        separated = true
                    }
                    guard copies >= 2 else { continue }
                    regions.append((a, end, p, copies, separated))
                    if regions.count >= Self.maxRepeatRegions { break periods }
                }
            }
        }
        regions.sort { $0.end - $0.start != $1.end - $1.start ? $0.end - $0.start > $1.end - $1.start : $0.period < $1.period }
        var kept: [(start: Int, end: Int, period: Int)] = []
        let byStart = Buckets(base.count, n) { Int(base[$0].start) }
        for r in regions where kept.count < Self.maxRepeats {
            if kept.contains(where: { r.period % $0.period == 0 && $0.start <= r.start && $0.end >= r.end }) { continue }
            kept.append((r.start, r.end, r.period))
            let blockLength = r.separated ? r.period - 1 : r.period
            var inside: [Match] = []
            for a in r.start..<(r.start + blockLength) {
                for e in byStart.range(a) where Int(base[Int(byStart.items[e])].end) <= r.start + blockLength {
                    inside.append(base[Int(byStart.items[e])].shifted(by: r.start))
                }
            }
            var g = StrengthScoring.cheapest(blockLength, inside).log10 + log10(Double(r.copies))
            var m = Match(r.start, r.end, .repeat, g: 0)
            m.a = Int16(clamping: r.copies)
            if r.separated {
                g += 1
                m.flags |= Match.separated
            }
            m.g = StrengthScoring.floor(g, length: r.end - r.start)
            out.append(m)
        }
    }
}
