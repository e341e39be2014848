/// Seed 001 "Defined Text Section": the password must not contain any of the configured strings, anywhere.
public struct DefinedTextRule: PasswordRule {
    public static let id = "defined_text"
    public static let summary = "Rejects passwords that contain any of the configured strings anywhere."
    public static let details = """
        Seed 001 "Defined Text Section": each entry is searched for as a substring of the password, of any \
        length (entries are the admin's own, so even one character counts). Case is ignored unless \
        case_sensitive is set; reversed also searches the password written backwards ("day" blocks \
        "74yadn0M"); with substitution (on by default in pwguard: seed 001 offers it as a check box) a \
        character of the password may stand for the letter it resembles (seed 004 table plus seed 003 \
        extras), so "monday" blocks "M0nday47". Entries are compared as written (lower-cased): substitutes \
        are only undone on the password's side. At least one entry (words or lists) is required.
        """
    public static let parameters = [
        TermSources.wordsDoc,
        TermSources.listsDoc(default: "[]"),
        TermSources.caseSensitiveDoc,
        TermSources.reversedDoc,
        TermSources.substitutionDoc,
    ]

    public static let examples: [RuleExample] = [
        .reject("M0nday47", ["words": ["day"]], source: "seed 001 \"Defined Text Section\": \"day\" blocks \"M0nday47\""),
        .accept("M0n47", ["words": ["day"]], source: "seed 001 \"Defined Text Section\": \"day\" allows \"M0n47\""),
        .accept("74yadn0M", ["words": ["day"]], source: "reversed is off by default"),
        .reject("74yadn0M", ["words": ["day"], "reversed": true], source: "seed 001 \"Reverse order also\": \"74yadn0M\""),
        .reject("M0nDAY47", ["words": ["day"]], source: "seed 001: case is ignored by default"),
        .accept("M0nDAY47", ["words": ["day"], "case_sensitive": true], source: "seed 001 \"Case sensitive\""),
        .reject("M0nday47", ["words": ["monday"]], source: "seed 001 \"Character Substitution\": 0 stands for o"),
        .accept("M0nday47", ["words": ["monday"], "substitution": false], source: "substitution off: M0nday is not monday"),
        .reject("Chr1stmas-Eve", ["lists": ["holidays"]], lists: ["holidays": ["easter", "christmas"]],
                source: "entries from a list; 1 stands for i"),
        .accept("Vx9-Kelp-Zorbu", ["lists": ["holidays"]], lists: ["holidays": ["easter", "christmas"]],
                source: "no entry occurs"),
    ]

    let terms: TermCollection
    let normalisation: WordNormalisation

    public init(_ p: RuleParameters, resources: Resources) throws {
        let sources = try TermSources.sources(p, resources, required: true, rawBuiltins: false)
        let caseSensitive = try p.bool("case_sensitive", default: false)
        normalisation = WordNormalisation(
            caseSensitive: caseSensitive,
            substitution: try p.bool("substitution", default: true) ? resources.substitutions : nil,
            reversed: try p.bool("reversed", default: false)
        )
        terms = TermCollection(sources, caseSensitive: caseSensitive)
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        for v in normalisation.variants(c.scalars) {
            if let hit = terms.set(for: v, .contained).longestContained(in: v) {
                return .fail("contains defined text" + v.reasonSuffix, matched: hit.term.entry.text, list: hit.term.entry.list)
            }
        }
        return .pass("contains none of the defined text")
    }
}
