#if canImport(Glibc)
import Glibc
#endif

// The strength rule's arithmetic: what one matched segment costs an attacker, and the dynamic programme that
// picks the cheapest decomposition of the whole password (zxcvbn, Wheeler, USENIX Security 2016, §4):
//
//     guesses = l! × Π guesses(segment) + D^(l−1)        l = number of segments, D = 10,000
//
// The l! term charges for not knowing the order of the segments' patterns; D^(l−1) for not knowing how many
// there are. Everything is kept as log10 (a 1,024-character password has 10^1024 guesses). Characters that no
// pattern explains are "bruteforce": 10 guesses per character (zxcvbn's cardinality), at least 11 for one
// character and 51 for more.

/// One part of a password and what guessing it costs: the unit of `StrengthEstimate`.
public struct StrengthSegment: Sendable, Equatable {
    public enum Pattern: String, Sendable {
        case dictionary, context, spatial, `repeat`, sequence, year, date, digits, affix, bruteforce
    }

    /// Scalar positions start..<end of the password.
    public let start: Int
    public let end: Int
    public let pattern: Pattern
    /// The list a dictionary or context word came from; the keyboard layout of a spatial pattern.
    public let list: String?
    /// The word's rank in its list (1 = most common).
    public let rank: Int?
    /// How the pattern was varied: "reversed", "look-alike characters", "capitals", "2 turns", "× 4", …
    public let notes: [String]
    /// log10 of the guesses this segment costs on its own.
    public let guessesLog10: Double

    public var length: Int { end - start }
}

/// The winning decomposition of one password (the strength rule's side API for `explain`; never logged).
public struct StrengthEstimate: Sendable, Equatable {
    public let segments: [StrengthSegment]
    /// log10 of the estimated guesses.
    public let guessesLog10: Double
    /// One sentence on what would make the password stronger.
    public let suggestion: String
}

/// A candidate segment while matching: plain values only (no strings, no arrays), so the thousands a long
/// password produces cost no reference counting. Turned into a `StrengthSegment` only when it wins.
struct Match {
    static let capitals: UInt8 = 1, lookalike: UInt8 = 2, reversed: UInt8 = 4, descending: UInt8 = 8, separated: UInt8 = 16

    var start: Int32
    var end: Int32
    var pattern: StrengthSegment.Pattern
    /// Index into the matcher's `sources` (list, layout or context label), or -1.
    var source: Int16 = -1
    var rank: Int32 = 0
    var flags: UInt8 = 0
    /// Turns (spatial), copies (repeat), step (sequence), runs (spatial chain).
    var a: Int16 = 0
    /// Shifted keys (spatial).
    var b: Int16 = 0
    var g: Double

    init(_ start: Int, _ end: Int, _ pattern: StrengthSegment.Pattern, g: Double) {
        self.start = Int32(start)
        self.end = Int32(end)
        self.pattern = pattern
        self.g = g
    }

    var length: Int { Int(end - start) }

    func shifted(by d: Int) -> Match {
        var m = self
        m.start -= Int32(d)
        m.end -= Int32(d)
        return m
    }

    func segment(_ sources: [String]) -> StrengthSegment {
        var notes: [String] = []
        switch pattern {
        case .spatial:
            if a < 0 {
                notes.append("\(-a) runs side by side")
            } else {
                notes.append(a == 1 ? "1 turn" : "\(a) turns")
                if b > 0 { notes.append("\(b) shifted") }
            }
        case .repeat:
            notes.append("× \(a)")
            if flags & Match.separated != 0 { notes.append("separated") }
        case .sequence:
            if flags & Match.descending != 0 { notes.append("descending") }
            if a > 1 { notes.append("step \(a)") }
        default:
            if flags & Match.capitals != 0 { notes.append("capitals") }
            if flags & Match.lookalike != 0 { notes.append("look-alike characters") }
            if flags & Match.reversed != 0 { notes.append("reversed") }
            if flags & Match.separated != 0 { notes.append("separators") }
        }
        return StrengthSegment(
            start: Int(start), end: Int(end), pattern: pattern, list: source >= 0 && Int(source) < sources.count ? sources[Int(source)] : nil,
            rank: rank > 0 ? Int(rank) : nil, notes: notes, guessesLog10: g)
    }
}

/// Indices grouped by a key in 0..<keys, in two flat arrays (one allocation each, rather than one per key).
struct Buckets {
    var starts: [Int32]
    var items: [Int32]

    /// Groups 0..<count by `key` (nil: left out), keeping their order within a group.
    init(_ count: Int, _ keys: Int, _ key: (Int) -> Int?) {
        var starts = [Int32](repeating: 0, count: keys + 1)
        var ks = [Int32](repeating: -1, count: count)
        for i in 0..<count {
            if let k = key(i) {
                ks[i] = Int32(k)
                starts[k + 1] += 1
            }
        }
        for k in 0..<keys { starts[k + 1] += starts[k] }
        var fill = starts
        var items = [Int32](repeating: 0, count: Int(starts[keys]))
        for i in 0..<count where ks[i] >= 0 {
            let k = Int(ks[i])
            items[Int(fill[k])] = Int32(i)
            fill[k] += 1
        }
        self.starts = starts
        self.items = items
    }

    @inline(__always) func range(_ k: Int) -> Range<Int> { Int(starts[k])..<Int(starts[k + 1]) }
}

enum StrengthScoring {
    /// zxcvbn's minimum guesses for a matched segment of one character, and of more.
    static let minSingle = 1.0          // log10(10)
    static let minMulti = log10(50.0)
    /// Bruteforce: 10 guesses per character (+1), at least 11 / 51.
    static let bruteforceOne = log10(11.0)
    /// D = 10,000: log10.
    static let growth = 4.0
    /// Decompositions into more segments are not searched: every segment after the first multiplies the
    /// 10,000^(l−1) term, so 8 segments are already 10^28, past the highest threshold (10^20); a password whose
    /// cheapest decomposition is longer is above every threshold either way, so decisions are exact. (Inside an
    /// affix, where that term is left out, 8! × 10^8 is still 10^12.6.)
    static let maxSegments = 8

    static let logFactorial: [Double] = {
        var f = [0.0]
        for i in 1...maxSegments { f.append(f[i - 1] + log10(Double(i))) }
        return f
    }()

    /// log10(10^a + 10^b).
    @inline(__always) static func logAdd(_ a: Double, _ b: Double) -> Double {
        let hi = max(a, b), lo = min(a, b)
        return hi + log10(1 + pow(10, lo - hi))
    }

    /// log10 of C(n, k).
    static func logChoose(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return -.infinity }
        var s = 0.0
        for i in 0..<k { s += log10(Double(n - i)) - log10(Double(i + 1)) }
        return s
    }

    /// log10 of Σ_{i=1…min(a,b)} C(a+b, i): zxcvbn's count of the ways `a` changed characters can sit among `b`
    /// unchanged ones (capitals, substitutions, shifted keys). 2 when either is 0 and the other is not.
    static func variations(_ changed: Int, _ unchanged: Int) -> Double {
        if changed == 0 { return 0 }
        if unchanged == 0 { return log10(2) }
        var total = -Double.infinity
        for i in 1...min(changed, unchanged) { total = logAdd(total, logChoose(changed + unchanged, i)) }
        return total
    }

    /// The segment's own floor: 10 for one character, 50 for more.
    @inline(__always) static func floor(_ g: Double, length: Int) -> Double { max(g, length == 1 ? minSingle : minMulti) }

    /// The cheapest decomposition of `n` positions into `matches` and bruteforce runs (two bruteforce runs are
    /// never adjacent: they would be one). Returns the total (log10) and the segments in order. `growth` is
    /// log10 D (0 for an affix, whose parts are typed as one suffix: no uncertainty about their number).
    static func cheapest(_ n: Int, _ matches: [Match], growth: Double = growth) -> (log10: Double, segments: [Match]) {
        guard n > 0 else { return (0, []) }
        let L = maxSegments
        let width = L + 1
        let inf = Double.infinity
        // last segment a match (nonBF) or bruteforce (bf), for each prefix length k and segment count l
        var nonBF = [Double](repeating: inf, count: (n + 1) * width)
        var bf = [Double](repeating: inf, count: (n + 1) * width)
        var viaMatch = [Int32](repeating: -1, count: (n + 1) * width)
        var afterBF = [Bool](repeating: false, count: (n + 1) * width)
        var bfStart = [Int32](repeating: -1, count: (n + 1) * width)
        nonBF[0] = 0
        let byEnd = Buckets(matches.count, n + 1) { i in
            let m = matches[i]
            return m.start >= 0 && Int(m.end) <= n && m.start < m.end ? Int(m.end) : nil
        }
        var runMin = [Double](repeating: inf, count: width)
        var runArg = [Int](repeating: 0, count: width)
        for k in 1...n {
            if k >= 2 {
                let a = k - 2
                for l in 0..<L where nonBF[a * width + l] - Double(a) < runMin[l] {
                    runMin[l] = nonBF[a * width + l] - Double(a)
                    runArg[l] = a
                }
            }
            for e in byEnd.range(k) {
                let mi = byEnd.items[e]
                let m = matches[Int(mi)]
                let a = Int(m.start)
                for l in 0..<L {
                    let x = nonBF[a * width + l], y = bf[a * width + l]
                    let prev = min(x, y)
                    guard prev < inf else { continue }
                    let c = prev + m.g
                    if c < nonBF[k * width + l + 1] {
                        nonBF[k * width + l + 1] = c
                        viaMatch[k * width + l + 1] = mi
                        afterBF[k * width + l + 1] = y < x
                    }
                }
            }
            for l in 0..<L {
                var best = runMin[l] + Double(k), start = runArg[l]
                let one = nonBF[(k - 1) * width + l] + bruteforceOne
                if one < best {
                    best = one
                    start = k - 1
                }
                if best < bf[k * width + l + 1] {
                    bf[k * width + l + 1] = best
                    bfStart[k * width + l + 1] = Int32(start)
                }
            }
        }
        var bestTotal = inf, bestL = 1, bestIsBF = true
        for l in 1...L {
            for isBF in [false, true] {
                let p = isBF ? bf[n * width + l] : nonBF[n * width + l]
                guard p < inf else { continue }
                let total = logAdd(logFactorial[l] + p, growth * Double(l - 1))
                if total < bestTotal {
                    bestTotal = total
                    bestL = l
                    bestIsBF = isBF
                }
            }
        }
        var segments: [Match] = []
        var k = n, l = bestL, isBF = bestIsBF
        while k > 0 && l > 0 {
            let at = k * width + l
            if isBF {
                let a = Int(bfStart[at])
                segments.append(bruteforce(a, k))
                k = a
                isBF = false
            } else {
                let m = matches[Int(viaMatch[at])]
                segments.append(m)
                isBF = afterBF[at]
                k = Int(m.start)
            }
            l -= 1
        }
        return (bestTotal, segments.reversed())
    }

    static func bruteforce(_ a: Int, _ b: Int) -> Match { Match(a, b, .bruteforce, g: b - a == 1 ? bruteforceOne : Double(b - a)) }

    /// The current year (UTC), for year and date guesses: recent years are guessed first.
    static let referenceYear: Int = {
        var t = time(nil)
        var tm = tm()
        gmtime_r(&t, &tm)
        return Int(tm.tm_year) + 1900
    }()

    /// log10 of a year's guesses: its distance from now, at least 20.
    static func yearGuesses(_ year: Int) -> Double { log10(Double(max(abs(year - referenceYear), 20))) }
}
