/// Rejects passwords made mostly of banned terms: the case Entra's scoring lets through (seed 003).
public struct BannedShareRule: PasswordRule {
    public static let id = "banned_share"
    public static let summary = "Rejects passwords whose characters are mostly covered by banned terms."
    public static let details = """
        None of the seeds' products does this well: Entra accepts "PasswordPasswordPasswordPassword9" and \
        "Specops124!" because every term scores a point (seed 003), while partial dictionary matching \
        rejects any password containing a word, however long the rest. This rule measures how much of the \
        password banned terms cover, as PassFiltEx's percentage does: terms (words, lists) are found after \
        the same normalisation as entra (lower case; with substitution, every letter a substituted character \
        may stand for), exactly and, with fuzzy, within edit distance 1 (terms of \
        \(TermSet.fuzzyMinimumLength)+ characters; a fuzzy match overlapping an exact one of the same term is \
        ignored). Every match counts, overlapping or not; the password is rejected when the characters they \
        cover are max_share percent (60) or more of its length. pwguard's decision for seed 003's \
        "Specops124!" with "specops" banned: 7 of 11 characters (63.6%) are the company name, so it is \
        rejected; raise max_share to 70 to accept it. `matched` lists each term with the 0-based positions \
        it covers (~ marks a fuzzy match).
        """
    public static let parameters = [
        TermSources.wordsDoc,
        TermSources.listsDoc(default: "[] (words or lists required)"),
        ParameterDoc("max_share", "integer (percent)", default: "60", "Reject when banned terms cover this share of the characters, or more."),
        TermSources.fuzzyDoc,
        TermSources.substitutionDoc,
        TermSources.minTermLengthDoc,
    ]

    private static let password: [String: ConfigValue] = ["words": ["password"]]
    private static let specops: [String: ConfigValue] = ["words": ["specops"]]

    public static let examples: [RuleExample] = [
        .reject("PasswordPasswordPasswordPassword9", password,
                source: "seed 003: Entra accepts it (score 5); password covers 32 of 33 characters"),
        .reject("Specops124!", specops, source: "seed 003 \"Specops124!\": specops covers 7 of 11 (63.6%)"),
        .accept("Specops124!", ["words": ["specops"], "max_share": 70], source: "63.6% is below a max_share of 70"),
        .reject("Password998!", password, source: "seed 003 \"Password998!\": 8 of 12 (67%)"),
        .reject("ContoS0Bl@nkf9!", ["words": ["contoso", "blank", "microsoft"]],
                source: "seed 002: accepted by Entra; contoso and blank cover 12 of 15 (80%)"),
        .accept("Summer-Kelp-Zorbu-9", ["words": ["summer", "password"]], source: "summer covers 6 of 19 (32%)"),
        .reject("Summer2024!", ["words": ["summer", "2024"]], source: "summer and 2024 cover 10 of 11"),
        .reject("Pa55wrd24!", password, source: "fuzzy: pa55wrd is password less one letter, 7 of 10"),
        .accept("Pa55wrd24!", ["words": ["password"], "fuzzy": false], source: "fuzzy off: nothing matches"),
        .accept("P@ssw0rd-Kelp-Zorbu-Frimt", password, source: "password covers 8 of 25 (32%)"),
        .reject("P@ssw0rd1!", password, source: "substitution: p@ssw0rd covers 8 of 10"),
        .accept("P@ssw0rd1!", ["words": ["password"], "substitution": false], source: "substitution off: nothing matches"),
    ]

    let terms: TermCollection
    let maxShare: Int
    let fuzzy: Bool
    let normalisation: WordNormalisation

    public init(_ p: RuleParameters, resources: Resources) throws {
        let sources = try TermSources.sources(p, resources, required: true, rawBuiltins: false)
        maxShare = try p.int("max_share", default: 60, min: 1, max: 100)
        fuzzy = try p.bool("fuzzy", default: true)
        normalisation = WordNormalisation(
            substitution: try p.bool("substitution", default: true) ? resources.substitutions : nil)
        terms = TermCollection(sources, caseSensitive: false, minLength: try p.int("min_term_length", default: 3, min: 1))
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        guard let v = normalisation.variants(c.scalars).first, v.count > 0 else { return .pass("is empty") }
        let terms = self.terms.set(for: v, .fuzzy(fuzzy))
        let found = terms.matches(in: v, fuzzy: fuzzy)
        let covered = TermSet.coverage(found, count: v.count).filter { $0 }.count
        let share = covered * 100 / v.count
        let summary = "banned terms cover \(covered) of \(v.count) characters (\(share)%)"
        // share ≥ max_share, compared without rounding
        if covered * 100 >= maxShare * v.count {
            return .fail(summary + "; \(maxShare)% or more is rejected", matched: terms.describe(Self.shown(found)),
                         list: terms.listNames(found))
        }
        return .pass(summary + "; below \(maxShare)%")
    }

    /// The matches worth showing: in password order, leaving out any that lies inside one already shown.
    static func shown(_ matches: [TermMatch]) -> [TermMatch] {
        let ordered = matches.sorted { $0.start != $1.start ? $0.start < $1.start : $0.length > $1.length }
        var out: [TermMatch] = []
        for m in ordered where !out.contains(where: { $0.start <= m.start && m.end <= $0.end }) { out.append(m) }
        return out
    }
}
