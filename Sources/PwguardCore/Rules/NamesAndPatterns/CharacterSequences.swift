// Runs of characters that follow each other in a character sequence such as the alphabet or the digits:
// what `sequential` (seed 001) and `character_pattern` (seed 004) look for.
//
// Each password position may stand for several characters (case folding, substitution: see FoldedText),
// and a character may occur in several sequences, so the search keeps, for every position, each
// (sequence, offset) it can stand for together with the longest ascending and descending run ending there.
// One pass, no back-tracking: linear in the password's length.

/// Finds the longest run of consecutive characters of a set of sequences.
struct SequenceFinder: Sendable {
    /// The built-in sequences `patterns` can name.
    static let named: [String: String] = [
        "alphabet": "abcdefghijklmnopqrstuvwxyz",
        "digits": "0123456789",
    ]

    private struct Place: Sendable {
        var sequence: Int32
        var offset: Int32
    }

    private let index: [Unicode.Scalar: [Place]]
    let descending: Bool
    let caseSensitive: Bool
    let substitution: SubstitutionTable?

    /// `sequences` are compared as given when case-sensitive and lower-cased otherwise; a case-sensitive
    /// search also gets the upper-case form of every sequence that has one ("ABC" is a sequence, "aBc" is not).
    init(sequences: [String], descending: Bool, caseSensitive: Bool, substitution: SubstitutionTable?) {
        var all: [[Unicode.Scalar]] = []
        for s in sequences {
            if caseSensitive {
                all.append(Array(s.unicodeScalars))
                let upper = Array(s.uppercased().unicodeScalars)
                if upper.count == all.last!.count && upper != all.last! { all.append(upper) }
            } else {
                all.append(lowerScalars(s))
            }
        }
        var index: [Unicode.Scalar: [Place]] = [:]
        for (i, seq) in all.enumerated() {
            for (j, c) in seq.enumerated() { index[c, default: []].append(Place(sequence: Int32(i), offset: Int32(j))) }
        }
        self.index = index
        self.descending = descending
        self.caseSensitive = caseSensitive
        self.substitution = substitution
    }

    /// The longest run (its length and start), ascending or, with `descending`, descending. Length 0 when no
    /// character belongs to a sequence.
    func longest(_ scalars: [Unicode.Scalar]) -> (length: Int, start: Int) {
        let text = FoldedText(scalars, caseSensitive: caseSensitive, substitution: substitution)
        struct State {
            var place: Place
            var up: Int
            var down: Int
        }
        var previous: [State] = []
        var current: [State] = []
        previous.reserveCapacity(8)
        current.reserveCapacity(8)
        var best = (length: 0, start: 0)
        for i in 0..<text.count {
            current.removeAll(keepingCapacity: true)
            for c in text.sets[i] {
                guard let places = index[c] else { continue }
                for place in places {
                    var up = 1, down = 1
                    for s in previous where s.place.sequence == place.sequence {
                        if s.place.offset + 1 == place.offset { up = max(up, s.up + 1) }
                        if descending && s.place.offset == place.offset + 1 { down = max(down, s.down + 1) }
                    }
                    current.append(State(place: place, up: up, down: down))
                    let run = max(up, down)
                    if run > best.length { best = (run, i - run + 1) }
                }
            }
            swap(&previous, &current)
        }
        return best
    }
}
