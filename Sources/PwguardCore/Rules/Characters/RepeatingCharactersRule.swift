/// Seed 004 "Repeating Characters Rule": no character repeated too many times in a row.
public struct RepeatingCharactersRule: PasswordRule {
    public static let id = "repeating_characters"
    public static let summary = "Rejects passwords that repeat one character too many times in a row."
    public static let details = """
        Finds the longest run of one character repeated consecutively, ignoring case, so "mypaSssSword" has \
        a run of four (SssS), and rejects the password when it is longer than `max` (seed 004 "Repeating \
        Characters Rule"). The seed gives no default; pwguard allows 3 ("aaa" passes, "aaaa" does not).
        """
    public static let parameters = [
        ParameterDoc("max", "integer", default: "3", "Most consecutive repetitions of one character accepted."),
    ]
    static let src = "seed 004: Repeating Characters Rule"
    public static let examples: [RuleExample] = [
        .reject("mypaSssSword", ["max": 3], source: "\(src), not case sensitive: \"SssS\" is four"),
        .accept("mypaSssSword", ["max": 4], source: "\(src), not case sensitive: \"SssS\" is four"),
        .accept("mypaSsSword", source: "\(src), three in a row is the default maximum"),
        .reject("Password1111", source: "\(src), four in a row"),
        .reject("bookkeeper", ["max": 1], source: "\(src), one repetition allowed"),
    ]

    let max: Int

    public init(_ p: RuleParameters, resources: Resources) throws {
        max = try p.int("max", default: 3, min: 1)
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        var best = (start: 0, length: 0)
        var start = 0
        var previous: Unicode.Scalar? = nil
        for (i, s) in c.scalars.enumerated() {
            let folded = lowerScalar(s)
            if folded != previous { start = i }
            previous = folded
            if i - start + 1 > best.length { best = (start, i - start + 1) }
        }
        if best.length > max {
            var run = ""
            run.unicodeScalars.append(contentsOf: c.scalars[best.start..<(best.start + best.length)])
            return .fail("repeats one character \(best.length) times in a row; at most \(max) allowed", matched: run)
        }
        return .pass("longest run of one repeated character: \(best.length) (at most \(max) allowed)")
    }
}
