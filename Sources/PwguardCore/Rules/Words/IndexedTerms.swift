// The terms of a substring-matching word rule (defined_text, dictionary, entra, banned_share) when some of
// its lists are compiled indexes: per password reading, each index yields the few entries that can match
// (`IndexWalk`), and the rule's usual matching (`TermSet`) runs on the rule's other terms plus these, in list
// order. Results are therefore the same as with the text lists: the same entries match, and ties, which
// `TermSet` breaks by order, see the same order.

/// Which entries a rule's matching can use, so that an index returns a superset of them.
enum CandidateSearch {
    /// Entries occurring exactly in the reading (contains, longest contained).
    case contained
    /// Entries occurring exactly or, with fuzzy, within one edit of a run of the reading.
    case fuzzy(Bool)
    /// Entries sharing a run of more than `tolerance` consecutive characters with the reading.
    case runs(tolerance: Int)
}

enum IndexedTerms {
    /// Each position's characters lower-cased (indexes hold lower-cased keys), without repeats.
    static func folded(_ sets: [[Unicode.Scalar]]) -> [[Unicode.Scalar]] {
        sets.map { set in
            var out: [Unicode.Scalar] = []
            for c in set {
                let l = lowerScalar(c)
                if !out.contains(l) { out.append(l) }
            }
            return out
        }
    }

    /// Entries of `index` that `search` may need for the reading `sets` (already lower-cased), in list order.
    /// `usable` says which entries the rule keeps (its minimum length, templates left out or not); others may
    /// be left out.
    static func candidates(
        _ index: WordIndex, _ sets: [[Unicode.Scalar]], _ search: CandidateSearch, minLength: Int,
        usable: (String, Bool) -> Bool
    ) -> [(record: Int, entry: String, template: Bool)] {
        var walk = IndexWalk(index, sets, minKeyBytes: minLength)
        let n = sets.count
        switch search {
        case .contained, .fuzzy(false):
            for start in 0..<n { walk.exact(from: start) }
        case .fuzzy(true):
            for start in 0..<n { walk.fuzzyForward(from: start) }
            for end in 0..<n { walk.fuzzyBackward(from: end) }
        case .runs(let tolerance):
            // Only the longest run can win (ties: the first entry in list order), so the candidates are the
            // usable entries of the deepest level that has any (an entry with a run of L characters is in a
            // level-L range; one with a longer run would be in a deeper level), plus the few rows of ranges
            // the walk did not follow further (whatever their runs: the rule measures them).
            var levels: [[Range<Int>]] = []
            var small: [Range<Int>] = []
            for start in 0..<n { walk.suffixLevels(from: start, floor: tolerance, few: 8, into: &levels, small: &small) }
            var few = IndexWalk(index, sets)
            for rows in small { few.addSuffixRows(rows) }
            let fewFound = few.candidates().filter { usable($0.entry, $0.template) }
            var depth = levels.count - 1
            while depth > tolerance {
                var level = IndexWalk(index, sets)
                for rows in levels[depth] { level.addSuffixRows(rows) }
                let found = level.candidates().filter { usable($0.entry, $0.template) }
                if !found.isEmpty { return merge(found, fewFound) }
                depth -= 1
            }
            return fewFound
        }
        return walk.candidates().filter { usable($0.entry, $0.template) }
    }
}

extension IndexedTerms {
    /// Two lists of candidates in list order, merged, each record once.
    static func merge(
        _ a: [(record: Int, entry: String, template: Bool)], _ b: [(record: Int, entry: String, template: Bool)]
    ) -> [(record: Int, entry: String, template: Bool)] {
        var out = a + b
        out.sort { $0.record < $1.record }
        var unique: [(record: Int, entry: String, template: Bool)] = []
        for c in out where unique.last?.record != c.record { unique.append(c) }
        return unique
    }
}

/// A rule's terms: prepared terms from inline words and text lists, and compiled indexes, in list order.
struct TermCollection: Sendable {
    private enum Segment: Sendable {
        case terms([Term])
        case compiled(name: String, index: WordIndex)
    }

    private let segments: [Segment]
    private let caseSensitive: Bool
    private let minLength: Int
    /// Leave out the wildcard templates of indexes (the dictionary rule takes them apart).
    private let plainOnly: Bool
    /// All the terms, when no list is compiled.
    private let fixed: TermSet?

    init(_ sources: [ListSource], caseSensitive: Bool, minLength: Int = 1, plainOnly: Bool = false) {
        var segments: [Segment] = []
        for s in sources {
            switch s {
            case .entries(let e):
                segments.append(.terms(TermSet.prepare(e, caseSensitive: caseSensitive, minLength: minLength)))
            case .ranked(let name, let list):
                let e = list.entries().sorted { $0.rank < $1.rank }.map { TermEntry(text: $0.key, list: name) }
                segments.append(.terms(TermSet.prepare(e, caseSensitive: caseSensitive, minLength: minLength)))
            case .compiled(let name, let index):
                segments.append(.compiled(name: name, index: index))
            }
        }
        self.segments = segments
        self.caseSensitive = caseSensitive
        self.minLength = minLength
        self.plainOnly = plainOnly
        let compiled = segments.contains { if case .compiled = $0 { return true } else { return false } }
        fixed = compiled ? nil : TermSet(terms: segments.flatMap { if case .terms(let t) = $0 { return t } else { return [] } })
    }

    /// The terms to match against the reading `v`: all of them without indexes; with indexes, the other terms
    /// and the indexes' candidates for `search`, in list order.
    func set(for v: TextVariant, _ search: CandidateSearch) -> TermSet {
        if let fixed { return fixed }
        var terms: [Term] = []
        var sets: [[Unicode.Scalar]]?
        for s in segments {
            switch s {
            case .terms(let t):
                terms += t
            case .compiled(let name, let index):
                if sets == nil { sets = caseSensitive ? IndexedTerms.folded(v.text.sets) : v.text.sets }
                let usable = { (entry: String, template: Bool) in
                    !(plainOnly && template) && TermSources.fold(entry, caseSensitive: caseSensitive).count >= minLength
                }
                let entries = IndexedTerms.candidates(index, sets!, search, minLength: minLength, usable: usable)
                    .map { TermEntry(text: $0.entry, list: name) }
                terms += TermSet.prepare(entries, caseSensitive: caseSensitive, minLength: minLength)
            }
        }
        return TermSet(terms: terms)
    }
}
