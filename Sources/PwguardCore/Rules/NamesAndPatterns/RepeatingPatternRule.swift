/// Seed 001 "Repeating Patterns" and seed 004 "Repeating Pattern Rule": rejects passwords in which a
/// sequence of characters occurs twice ("ArcArc", "mypwd4mypwd5").
public struct RepeatingPatternRule: PasswordRule {
    public static let id = "repeating_pattern"
    public static let summary = "Rejects passwords in which a sequence of characters occurs twice (\"ArcArc\")."
    public static let details = """
        Finds the longest sequence of characters that occurs twice in the password, anywhere and without the \
        two occurrences overlapping ("aaaa" holds "aa" twice, not "aaa"), and rejects the password when it is \
        `min_length` characters or longer (seed 001, default 3: "ArcArc" is blocked, "Arc" allowed) or, in \
        seed 004's terms, longer than `tolerance` ("mypwd4mypwd5" repeats 5 characters: rejected at tolerance \
        4, accepted at 5). With `reversed` (bi-directional analysis, on by default) the second occurrence may \
        be typed backwards ("password@drowssap"). Case is ignored unless `case_sensitive`; with \
        `substitution` substituted characters also match the letters they stand for ("P@ssPass"). Repeated \
        single characters are the repeating-characters rule's business. Seed 001 "Repeating Patterns", seed \
        004 "Repeating Pattern Rule".
        """
    public static let parameters = PatternLimit.parameters("repeated sequence") + [
        ParameterDoc("reversed", "boolean", default: "true", "Also reject a sequence repeated backwards (\"password@drowssap\")."),
        ParameterDoc("case_sensitive", "boolean", default: "false", "Upper and lower case are different characters (\"ArcARC\" has no repeat)."),
        ParameterDoc("substitution", "boolean", default: "false", "Substituted characters match the letters they stand for (\"P@ssPass\")."),
    ]
    public static let examples: [RuleExample] = [
        .reject("ArcArc", ["min_length": 3], source: "seed 001: minimum pattern length 3, \"ArcArc\" is blocked"),
        .accept("Arc", ["min_length": 3], source: "seed 001: \"Arc\" is allowed"),
        .reject("ArcARC", source: "seed 001: not case sensitive by default"),
        .accept("ArcARC", ["case_sensitive": true], source: "seed 001 Case sensitive"),
        .reject("mypwd4mypwd5", ["tolerance": 4], source: "seed 004: \"mypwd4mypwd5\" repeats 5 characters, tolerance 4"),
        .accept("mypwd4mypwd5", ["tolerance": 5], source: "seed 004: \"mypwd4mypwd5\", tolerance 5"),
        .accept("mypwd4mypwd5", ["min_length": 6], source: "seed 001 form of tolerance 5: minimum pattern length 6"),
        .reject("password@drowssap", source: "seed 004 bi-directional: \"password@drowssap\" instead of \"password@password\""),
        .accept("password@drowssap", ["reversed": false], source: "seed 001: reversed text off"),
        .accept("P@ssPass", source: "seed 001: substitution off by default"),
        .reject("P@ssPass", ["substitution": true], source: "seed 001 Character Substitution: \"P@ss\" repeats \"Pass\""),
        .accept("xaaaay-1", source: "occurrences may not overlap: \"aaaa\" repeats only \"aa\""),
        .reject("Blue-7-Blue", source: "occurrences need not be adjacent"),
        .reject("FinanceFinance1", source: "issue 11: a whole word doubled"),
        .reject("Serenity.Serenity7", source: "issue 11: a whole word doubled with a separator"),
        .reject("PasswordPasswordPasswordPassword9", ["tolerance": 15], source: "issue 11: \"PasswordPassword\" occurs twice"),
    ]

    let limit: Int
    let reversed: Bool
    let caseSensitive: Bool
    let substitution: SubstitutionTable?

    public init(_ p: RuleParameters, resources: Resources) throws {
        limit = try PatternLimit.read(p)!
        reversed = try p.bool("reversed", default: true)
        caseSensitive = try p.bool("case_sensitive", default: false)
        substitution = try p.bool("substitution", default: false) ? resources.substitutions : nil
    }

    /// The password's positions, flattened for the quadratic search: each position's own (folded) character,
    /// and its other readings only where substitution gave it some.
    private struct Positions {
        let primary: [UInt32]
        let sets: [[Unicode.Scalar]]
        let ambiguous: [Bool]

        init(_ sets: [[Unicode.Scalar]]) {
            self.sets = sets
            primary = sets.map { $0[0].value }
            ambiguous = sets.map { $0.count > 1 }
        }

        /// Whether positions a and b may stand for the same character.
        @inline(__always)
        func same(_ a: Int, _ b: Int) -> Bool {
            if primary[a] == primary[b] { return true }
            if !ambiguous[a] && !ambiguous[b] { return false }
            for c in sets[a] where sets[b].contains(c) { return true }
            return false
        }
    }

    /// The longest sequence that occurs twice without overlapping: its length, where it starts, and whether
    /// the second occurrence is reversed. Quadratic in the password's length.
    static func longestRepeat(_ sets: [[Unicode.Scalar]], reversed: Bool) -> (length: Int, start: Int, backwards: Bool) {
        let n = sets.count
        let p = Positions(sets)
        var best = (length: 0, start: 0, backwards: false)
        guard n >= 2 else { return best }
        // forward: s[i-k+1...i] == s[i+d-k+1...i+d], non-overlapping when k <= d
        for d in 1..<n {
            var run = 0
            for i in 0..<(n - d) {
                if p.same(i, i + d) {
                    run += 1
                    let k = min(run, d)
                    if k > best.length { best = (k, i - k + 1, false) }
                } else {
                    run = 0
                }
            }
        }
        guard reversed else { return best }
        // backwards: s[i...i+k-1] == reverse of s[j-k+1...j]; walking each i+j outwards from the middle
        // counts matching pairs up to the centre, which is exactly the non-overlapping limit
        for sum in 1...(2 * n - 3) {
            var i = sum % 2 == 1 ? (sum - 1) / 2 : sum / 2 - 1
            var j = sum - i
            var run = 0
            while i >= 0 && j < n {
                if p.same(i, j) {
                    run += 1
                    if run > best.length { best = (run, i, true) }
                } else {
                    run = 0
                }
                i -= 1
                j += 1
            }
        }
        return best
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        let text = FoldedText(c.scalars, caseSensitive: caseSensitive, substitution: substitution)
        let found = Self.longestRepeat(text.sets, reversed: reversed)
        if found.length > limit {
            return .fail(
                "repeats a sequence of \(found.length) characters" + (found.backwards ? " backwards" : "")
                    + " (\(PatternLimit.tolerated(limit)))",
                matched: text.fragment(found.start, found.length))
        }
        return .pass("longest repeated sequence is \(PatternLimit.characters(found.length)) (\(PatternLimit.tolerated(limit)))")
    }
}
