/// Seed 004 "Length Rule" and seed 001 "Password length": at least, no more than, or between.
///
/// Length counts Unicode code points (NIST SP 800-63B), not UTF-16 units as Samba's own minimum-length
/// check does: "Pässwörd€1!𝄞" is 12 here and 13 to Samba.
public struct LengthRule: PasswordRule {
    public static let id = "length"
    public static let summary = "Rejects passwords with too few or too many characters."
    public static let details = """
        Counts Unicode code points (NIST SP 800-63B): every character counts once, whatever its encoding. \
        Samba checks its own minimum length (in UTF-16 units) before it runs pwguard. Seed 004 "Length Rule".
        """
    public static let parameters = [
        ParameterDoc("min", "integer", default: "8", "Fewest characters accepted (0 = no minimum)."),
        ParameterDoc("max", "integer", default: "none", "Most characters accepted (omit for no maximum)."),
    ]
    public static let examples: [RuleExample] = [
        .reject("Short1!", ["min": 8], source: "seed 001: password length default 8"),
        .accept("Longer1!", ["min": 8], source: "seed 001: password length default 8"),
        .reject("Twenty-one characters", ["min": 8, "max": 20], source: "seed 004: between 8 and 20"),
        .accept("Pässwörd€1!𝄞", ["min": 12, "max": 12], source: "SAMBA-FACTS: 12 code points, 19 UTF-8 bytes"),
    ]

    let min: Int
    let max: Int?

    public init(_ p: RuleParameters, resources: Resources) throws {
        (min, max) = try countRange(p, minDefault: { _ in 8 }, maxAtLeast: 1)
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        if c.length < min { return .fail("has \(c.length) characters; at least \(min) are required") }
        if let max, c.length > max { return .fail("has \(c.length) characters; at most \(max) are allowed") }
        return .pass("has \(c.length) characters" + (max.map { " (\(min)–\($0) allowed)" } ?? " (at least \(min) required)"))
    }
}
