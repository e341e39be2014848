/// Seeds 002 and 003: Microsoft Entra Password Protection's algorithm — normalise, fuzzy-match banned terms,
/// reject the user's names and the tenant name, then score.
public struct EntraRule: PasswordRule {
    public static let usesDirectoryAttributes = true
    public static let id = "entra"
    public static let summary = "Scores the password as Microsoft Entra Password Protection does: banned terms count 1 point each."
    public static let details = """
        Seed 002 "How does password protection work?". 1. Normalisation: lower case, and every character a \
        substituted character may stand for is tried (seed 004's table plus seed 003's extras 4 € 6 7 8 9 §, \
        and 1 → l as well as i). 2. The user's given name, surname and the tenant name (the first label of the \
        domain) are searched as substrings of the normalised password: if one occurs, the password is \
        rejected whatever its score ("K1m0kams" for Kim). Only the whole name counts: "Jeff" does not match \
        "Jeffrey" (seed 003); names of fewer than \(Self.minNameLength) characters are ignored. 3. Banned terms \
        (words, lists) are found exactly and, with fuzzy, within edit distance 1 (one character changed, added \
        or left out: "abcdeg", "abcdefg" and "abcde" all match "abcdef"); terms shorter than \
        \(TermSet.fuzzyMinimumLength) are only found exactly. Overlapping matches are resolved greedily: exact \
        matches before fuzzy ones, then the longest, then the leftmost. 4. Score: 1 point per banned term \
        found (each occurrence), 1 point per remaining character; min_score (5) or more passes. Seed 002 says \
        "each remaining unique character", but seed 003's "Password998!" scores [9] + [9] + [8] + [!] = 5 and \
        Microsoft's own documentation counts every character, so count_repeats defaults to true (every seed \
        example holds); set it to false for the unique-character reading. Entra's custom list requires terms \
        of 4+ characters, which seed 003 criticises (IBM, CNN, JFK cannot be banned): min_term_length \
        defaults to 3. Entra's global list is not public: bring your own terms.
        """
    public static let parameters = [
        TermSources.wordsDoc,
        TermSources.listsDoc(default: "[]"),
        ParameterDoc("min_score", "integer", default: "5", "Points needed to pass."),
        TermSources.fuzzyDoc,
        TermSources.minTermLengthDoc,
        ParameterDoc("count_repeats", "boolean", default: "true", "Score every remaining character, not only distinct ones."),
        ParameterDoc("check_names", "boolean", default: "true", "Reject the given name, surname and tenant name."),
    ]

    static let minNameLength = 3

    private static let contoso: [String: ConfigValue] = ["words": ["contoso", "blank", "microsoft"]]
    private static let abcdef: [String: ConfigValue] = ["words": ["abcdef"]]
    private static let kim = Identity(accountName: "klee", givenName: "Kim", surname: "Lee")
    private static let fuzzy = "seed 002 \"Fuzzy matching\": within edit distance 1 of abcdef"
    private static let leaked = "seed 003 \"Leaked passwords accepted by Azure AD\" (no list has it)"

    public static let examples: [RuleExample] = [
        .reject("C0ntos0Blank12", contoso, source: "seed 002: [contoso] + [blank] + [1] + [2] = 4"),
        .accept("ContoS0Bl@nkf9!", contoso, source: "seed 002: [contoso] + [blank] + [f] + [9] + [!] = 5"),
        .reject("Micr0soft1!", contoso, source: "seed 003: [microsoft] + [1] + [!] = 3"),
        .accept("Micr0soft124!", contoso, source: "seed 003: [microsoft] + [1] + [2] + [4] + [!] = 5"),
        .reject("abcdeg", abcdef, source: fuzzy + ": f changed to g"),
        .reject("abcdefg", abcdef, source: fuzzy + ": g appended"),
        .reject("abcde", abcdef, source: fuzzy + ": trailing f deleted"),
        .accept("abcdeg", ["words": ["abcdef"], "fuzzy": false], source: "fuzzy off: 6 characters, no term"),
        .reject("K1m0kams", identity: kim, source: "seed 002 \"Substring matching\": kimokams contains kim"),
        .accept("K1m0kams", source: "seed 002: the same password for a user not named Kim scores 8"),
        .accept("K1m0kams", ["check_names": false], identity: kim, source: "check_names off"),
        .accept("Jeff-2024!x", identity: Identity(accountName: "jsmith", givenName: "Jeffrey"),
                source: "seed 003: partial matches (Jeff for Jeffrey) are ignored"),
        .reject("C0ntoso-Rocks-99", identity: Identity(accountName: "user", userPrincipalName: "user@contoso.com"),
                source: "seed 002: the tenant name (contoso) is rejected"),
        .accept("Specops124!", ["words": ["specops"]], source: "seed 003: [specops] + [1] + [2] + [4] + [!] = 5"),
        .accept("Password998!", ["words": ["password"]], source: "seed 003: [password] + [9] + [9] + [8] + [!] = 5"),
        .reject("Password998!", ["words": ["password"], "count_repeats": false],
                source: "seed 002 \"each remaining unique character\": [password] + [9] + [8] + [!] = 4"),
        .accept("PasswordPasswordPasswordPassword9", ["words": ["password"]],
                source: "seed 003: [password] ×4 + [9] = 5 (see banned_share)"),
        .reject("Ibm1!", ["words": ["ibm"]], source: "seed 003: three-letter terms such as IBM can be banned"),
        .accept("Ibm1!", ["words": ["ibm"], "min_term_length": 4], source: "Entra's 4-character minimum ignores IBM"),
        .reject("P@ss", source: "4 characters score 4 even with no banned term"),
        .accept("FQRG7CS493", source: leaked),
        .accept("Sojdlg123aljg", source: leaked),
        .accept("D1lakiss", source: leaked),
        .accept("Indya123", source: leaked),
    ]

    let terms: TermCollection
    let minScore: Int
    let fuzzy: Bool
    let countRepeats: Bool
    let checkNames: Bool
    let normalisation: WordNormalisation

    public init(_ p: RuleParameters, resources: Resources) throws {
        let sources = try TermSources.sources(p, resources, rawBuiltins: false)
        minScore = try p.int("min_score", default: 5, min: 1)
        fuzzy = try p.bool("fuzzy", default: true)
        countRepeats = try p.bool("count_repeats", default: true)
        checkNames = try p.bool("check_names", default: true)
        terms = TermCollection(sources, caseSensitive: false, minLength: try p.int("min_term_length", default: 3, min: 1))
        normalisation = WordNormalisation(substitution: resources.substitutions)
    }

    /// The name parts searched for: given name, surname (each split at non-letters) and the tenant name.
    static func nameParts(_ identity: Identity) -> [(kind: String, part: [Unicode.Scalar])] {
        var out: [(String, [Unicode.Scalar])] = []
        func add(_ kind: String, _ value: String?) {
            guard let value else { return }
            for part in value.unicodeScalars.split(whereSeparator: { !$0.isLetter }) where part.count >= minNameLength {
                out.append((kind, part.map(lowerScalar)))
            }
        }
        add("given name", identity.givenName)
        add("surname", identity.surname)
        add("tenant name", identity.domainName.map { String($0.split(separator: ".").first ?? "") })
        return out
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        guard let v = normalisation.variants(c.scalars).first else { return .pass("is empty") }
        if checkNames {
            for (kind, part) in Self.nameParts(c.identity) where v.text.find(part) != nil {
                var name = ""
                name.unicodeScalars.append(contentsOf: part)
                return .fail("contains the user's \(kind)", matched: name)
            }
        }
        let terms = self.terms.set(for: v, .fuzzy(fuzzy))
        let found = TermSet.resolveOverlaps(terms.matches(in: v, fuzzy: fuzzy))
        let covered = TermSet.coverage(found, count: v.count)
        var remaining = 0
        var seen: [Unicode.Scalar] = []
        for i in 0..<v.count where !covered[i] {
            let ch = v.text.sets[i][0]
            if countRepeats || !seen.contains(ch) { remaining += 1 }
            seen.append(ch)
        }
        let score = found.count + remaining
        let summary = "scores \(plural(score, "point")) (\(plural(found.count, "banned term")) + \(plural(remaining, "other character")))"
        if score < minScore {
            return .fail(
                "\(summary); \(minScore) needed",
                matched: found.isEmpty ? nil : terms.describe(found), list: terms.listNames(found))
        }
        return .pass("\(summary); \(minScore) needed")
    }

    private func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
}
