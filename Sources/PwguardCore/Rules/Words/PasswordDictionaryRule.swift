/// Seed 001 "Passwords Section": the whole password must not be a listed (known weak or compromised) password.
///
/// The embedded default policy uses this rule with the bundled list, so both building it and checking a
/// password are kept cheap: entries are grouped by length in sorted rows (`WholeWordIndex`; the bundled list
/// is compiled in already grouped, so building the rule indexes nothing), and a password is looked up with a
/// handful of binary searches, whatever its substitutions.
public struct PasswordDictionaryRule: PasswordRule {
    public static let id = "password_dictionary"
    public static let summary = "Rejects passwords that are, as a whole, on a list of known weak or compromised passwords."
    public static let details = """
        The password must match a list entry exactly, not merely contain it (seed 001 "Passwords Section": \
        "the pending user password must match exactly to a listed password"; use `dictionary` or `defined_text` \
        to reject passwords that contain a word). Comparison ignores case unless case_sensitive is set. With \
        substitution (seed 001 "Character Substitution Section", table of seed 004 plus the extras of seed 003) \
        every character a substituted character may stand for is tried, so "P@$$w0rd" matches "password". \
        reversed also tries the password written backwards. repeated (on by default) also matches a listed \
        password typed twice or more, with or without one separator between the copies ("monkeymonkey", \
        "Serenity.Serenity"), as seed 001's repeating patterns are blocked. strip_affixes also tries the password without the \
        digits and symbols typed before and after it ("Summer2024!" matches "summer"); pwguard's limits: it \
        strips only when the password contains a letter, at most \(Self.maxAffix) characters from each end, \
        and keeps a core of at least \(Self.minCore) characters; every split within those limits is tried, so \
        a leading "$" may still stand for "s". The default list is the bundled list of about 20,000 common \
        passwords (builtin:common-passwords).
        """
    public static let parameters = [
        TermSources.listsDoc(default: "[\"builtin:common-passwords\"]"),
        TermSources.wordsDoc,
        TermSources.caseSensitiveDoc,
        TermSources.substitutionDoc,
        TermSources.reversedDoc,
        ParameterDoc(
            "strip_affixes", "boolean", default: "false",
            "Also try the password without leading and trailing digits and symbols (up to \(maxAffix) each side, core of \(minCore)+)."
        ),
        ParameterDoc(
            "repeated", "boolean", default: "true",
            "Also match a listed password typed twice or more, with or without one separator between the copies (\"FinanceFinance\", \"Serenity.Serenity\")."
        ),
    ]

    /// Most characters stripped from each end by strip_affixes.
    static let maxAffix = 12
    /// Fewest characters left after stripping.
    static let minCore = 4

    private static let builtin = ["builtin:common-passwords"]
    private static let passwordList = ["passwords": ["password", "summer", "letmein"]]

    public static let examples: [RuleExample] = [
        .reject("Password1", source: "seed 001 \"Passwords Section\": \"password1\" is on the bundled list"),
        .accept("Vx9-Kelp-Zorbu-Frimt", source: "seed 001 \"Passwords Section\": not a listed password"),
        .reject("P@$$w0rd", ["lists": ["passwords"]], lists: passwordList,
                source: "seed 001 \"Character Substitution Section\": P@$$w0rd stands for password"),
        .accept("P@$$w0rd", ["lists": ["passwords"], "substitution": false], lists: passwordList,
                source: "substitution off: only the literal entry matches"),
        .reject("LETMEIN", ["lists": ["passwords"]], lists: passwordList, source: "seed 001: case is ignored by default"),
        .accept("LETMEIN", ["lists": ["passwords"], "case_sensitive": true], lists: passwordList,
                source: "seed 001 \"Case sensitive\": upper and lower case differ"),
        .accept("MyPassword$", ["lists": ["passwords"]], lists: passwordList,
                source: "seed 001 \"Defined Text Section\" note: the dictionary blocks only the entire password"),
        .accept("drowssap", ["lists": ["passwords"]], lists: passwordList, source: "not reversed by default"),
        .reject("drowssap", ["lists": ["passwords"], "reversed": true], lists: passwordList,
                source: "seed 001 \"Reversed text also\": password written backwards"),
        .accept("Summer2024!", source: "the bundled list has summer but not Summer2024!"),
        .reject("Summer2024!", ["strip_affixes": true], source: "strip_affixes: Summer2024! is a listed password (summer2) with affixes"),
        .reject("$ummer99", ["lists": ["passwords"], "strip_affixes": true], lists: passwordList,
                source: "strip_affixes keeps a leading $ that stands for s"),
        .accept("2024Summerhouse!", ["lists": ["passwords"], "strip_affixes": true], lists: passwordList,
                source: "strip_affixes removes only affixes: summerhouse is not summer"),
        .reject("1letmein!", ["words": ["letmein"], "lists": [], "strip_affixes": true],
                source: "inline words; 1 and ! are stripped"),
        .accept("99123499", ["words": ["1234"], "lists": [], "strip_affixes": true],
                source: "strip_affixes never strips a password without letters"),
        .reject("SummerSummer", ["lists": ["passwords"]], lists: passwordList, source: "issue 11: a listed password typed twice"),
        .accept("SummerSummer", ["lists": ["passwords"], "repeated": false], lists: passwordList, source: "repeated off"),
        .reject("Serenity.Serenity7", ["words": ["serenity"], "lists": [], "strip_affixes": true],
                source: "issue 11: a word doubled with a separator, then a digit"),
        .reject("PasswordPasswordPasswordPassword9", ["strip_affixes": true], source: "issue 11: a listed password four times, then a digit"),
        .accept("Summer-Winter", ["lists": ["passwords"]], lists: passwordList, source: "two different words are no repeat"),
    ]

    let index: WholeWordIndex
    let normalisation: WordNormalisation
    let stripAffixes: Bool
    let repeated: Bool

    public init(_ p: RuleParameters, resources: Resources) throws {
        let sources = try TermSources.sources(p, resources, defaultLists: Self.builtin, required: true, rawBuiltins: true)
        let caseSensitive = try p.bool("case_sensitive", default: false)
        normalisation = WordNormalisation(
            caseSensitive: caseSensitive,
            substitution: try p.bool("substitution", default: true) ? resources.substitutions : nil,
            reversed: try p.bool("reversed", default: false)
        )
        stripAffixes = try p.bool("strip_affixes", default: false)
        repeated = try p.bool("repeated", default: true)
        index = WholeWordIndex(sources, caseSensitive: caseSensitive)
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        let variants = normalisation.variants(c.scalars)
        for v in variants {
            if let e = index.lookup(v.text, 0..<v.count) {
                return .fail("is a known password from a password list" + v.reasonSuffix, matched: e.text, list: e.list ?? "words")
            }
            if repeated, let block = Self.repeatedBlock(v.text, 0..<v.count), let e = index.lookup(v.text, block) {
                return .fail("is a known password typed more than once" + v.reasonSuffix, matched: e.text, list: e.list ?? "words")
            }
        }
        if stripAffixes {
            for v in variants {
                if let e = lookupCore(v) {
                    return .fail(
                        "is a known password with digits or symbols added before or after it" + v.reasonSuffix,
                        matched: e.text, list: e.list ?? "words")
                }
            }
        }
        return .pass("is not on the password lists")
    }

    /// Tries every core left by removing up to `maxAffix` leading and trailing non-letters.
    private func lookupCore(_ v: TextVariant) -> TermEntry? {
        let o = v.text.original
        let n = o.count
        guard let first = o.firstIndex(where: { $0.isLetter }), let last = o.lastIndex(where: { $0.isLetter }) else { return nil }
        let lead = min(first, Self.maxAffix)
        let trail = min(n - 1 - last, Self.maxAffix)
        for p in 0...lead {
            for s in 0...trail where p + s > 0 && n - p - s >= Self.minCore {
                if let e = index.lookup(v.text, p..<(n - s)) { return e }
                if repeated, let block = Self.repeatedBlock(v.text, p..<(n - s)), let e = index.lookup(v.text, block) { return e }
            }
        }
        return nil
    }

    /// The first copy when `range` is one block typed twice or more (case folded, characters as typed), or the
    /// same with one separator (not a letter or digit) between the copies; nil otherwise.
    static func repeatedBlock(_ t: FoldedText, _ range: Range<Int>) -> Range<Int>? {
        let n = range.count, a = range.lowerBound
        guard n >= 2 else { return nil }
        func same(_ i: Int, _ j: Int) -> Bool { t.sets[i][0] == t.sets[j][0] }
        for p in 1...(n / 2) {
            // copies back to back: period p over the whole range
            if n % p == 0 && (a..<(range.upperBound - p)).allSatisfy({ same($0, $0 + p) }) { return a..<(a + p) }
            // copies joined by one separator: period p + 1, the separator at p, 2p + 1, ...
            if p >= 2, (n + 1) % (p + 1) == 0, n > p {
                let sep = t.original[a + p]
                guard !sep.isLetter && !sep.isDigit else { continue }
                if (a..<(range.upperBound - p - 1)).allSatisfy({ same($0, $0 + p + 1) }) { return a..<(a + p) }
            }
        }
        return nil
    }
}
