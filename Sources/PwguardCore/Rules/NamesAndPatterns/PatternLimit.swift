// How long a pattern may be before the pattern rules (sequential, keyboard, character_pattern,
// repeating_pattern) reject it. The two seeds say the same thing two ways:
//   - seed 001 (EPE) gives the shortest pattern that is blocked: "Minimum sequence size" / "Minimum pattern
//     length", default 3;
//   - seed 004 (PPE) gives the longest pattern that is tolerated: "Tolerance" ("myqwerpw" holds a
//     4-character pattern: rejected at tolerance 3, accepted at 4).
// Every pattern rule accepts either key, `min_length` (= tolerance + 1) or `tolerance`, but not both, and
// keeps seed 001's default: patterns of 3 characters or more are rejected (tolerance 2).

enum PatternLimit {
    /// The longest tolerated pattern; nil means "auto" (only where `allowAuto`).
    static func read(_ p: RuleParameters, defaultMinLength: Int = 3, allowAuto: Bool = false) throws -> Int? {
        if p.has("tolerance") && p.has("min_length") {
            throw p.error("min_length", "give either min_length or tolerance (= min_length − 1), not both")
        }
        if p.has("tolerance") {
            guard let t = try p.tolerance(default: nil) else {
                if allowAuto { return nil }
                throw p.error("tolerance", "\"auto\" is not supported by this rule: give the longest tolerated pattern")
            }
            if t < 1 { throw p.error("tolerance", "must be at least 1 (a pattern has at least 2 characters)") }
            return t
        }
        return try p.int("min_length", default: defaultMinLength, min: 2) - 1
    }

    /// Documentation of `min_length` and `tolerance`; `noun` names what is measured ("sequence").
    static func parameters(_ noun: String, defaultMinLength: Int = 3, allowAuto: Bool = false) -> [ParameterDoc] {
        [
            ParameterDoc(
                "min_length", "integer", default: String(defaultMinLength),
                "Shortest \(noun) that is rejected (seed 001). Give this or `tolerance`, not both."),
            ParameterDoc(
                "tolerance", allowAuto ? "integer or \"auto\"" : "integer", default: String(defaultMinLength - 1),
                "Longest \(noun) that is tolerated (seed 004) = min_length − 1."
                    + (allowAuto ? " \"auto\": reject only a password that is one single \(noun) (at least 3 characters)." : "")),
        ]
    }

    /// "at most 2 tolerated", for reasons.
    static func tolerated(_ limit: Int) -> String { "at most \(limit) tolerated" }

    /// "1 character", "3 characters", for reasons.
    static func characters(_ n: Int) -> String { n == 1 ? "1 character" : "\(n) characters" }

    /// The characters `start..<start+length` of `scalars` as a string: the `matched` fragment of an outcome.
    static func fragment(_ scalars: [Unicode.Scalar], _ start: Int, _ length: Int) -> String {
        var s = ""
        s.unicodeScalars.append(contentsOf: scalars[start..<(start + length)])
        return s
    }
}
