/// Seed 004 "Dictionary Rule": the password must not contain a dictionary word (partial matching), or share more
/// than `tolerance` consecutive characters with one.
public struct DictionaryRule: PasswordRule {
    public static let id = "dictionary"
    public static let summary = "Rejects passwords that contain a dictionary word, or too much of one."
    public static let details = """
        Seed 004 "Dictionary Rule". Partial matching is always on: the word "password" rejects "MyPassword$", \
        "Password100" and "12password34". tolerance is the most consecutive characters a password may share \
        with a dictionary word ("sword" and "4mysword%" share 5: rejected at 4, accepted at 5); "auto" (the \
        default) rejects only a whole word, as seed 004's Auto tolerance does for other rules (word length \
        minus one). Words shorter than min_word_length are ignored (default 4: with partial matching, three-\
        letter words such as "the" would reject almost everything). Case is always ignored. strip_non_alpha \
        also checks the password with every non-letter removed ("myp8asswor8d"); substitution (on by default) \
        tries what substituted characters stand for; reversed also checks the password written backwards \
        ("drowssapym"). With wildcards, list entries !!PREFIX*!! and !!*SUFFIX!! reject passwords that start \
        or end with that text (case-insensitive, whatever the tolerance and min_word_length); without \
        wildcards such entries are skipped. Each word is prefiltered by the character classes it uses (and, \
        with a tolerance, by its character pairs), so large lists stay fast.
        """
    public static let parameters = [
        TermSources.listsDoc(default: "[] (words or lists required)"),
        TermSources.wordsDoc,
        ParameterDoc("tolerance", "integer or \"auto\"", default: "\"auto\"",
                     "Most consecutive characters shared with a word that are tolerated; auto: reject whole words only."),
        ParameterDoc("min_word_length", "integer", default: "4", "Ignore dictionary words shorter than this."),
        ParameterDoc("strip_non_alpha", "boolean", default: "false", "Also check the password with non-letters removed."),
        TermSources.substitutionDoc,
        TermSources.reversedDoc,
        ParameterDoc("wildcards", "boolean", default: "false", "Treat !!PREFIX*!! and !!*SUFFIX!! entries as templates."),
    ]

    private static func words(_ w: [ConfigValue]) -> [String: ConfigValue] { ["words": .array(w)] }
    private static func with(_ p: [String: ConfigValue], _ extra: [String: ConfigValue]) -> [String: ConfigValue] {
        p.merging(extra) { $1 }
    }
    private static let password = words(["password"])
    private static let sword = words(["sword"])
    private static let templates = ["templates": ["!!BAN*!!", "!!2*!!", "!!*ING!!"]]
    private static let wild: [String: ConfigValue] = ["lists": ["templates"], "wildcards": true]
    private static let partial = "seed 004 \"Dictionary Rule\": partial matching of \"password\""
    private static let prefix = "seed 004 \"Dictionary Rule\": !!BAN*!! rejects passwords starting with BAN"
    private static let suffix = "seed 004 \"Dictionary Rule\": !!*ING!! rejects passwords ending with ING"

    public static let examples: [RuleExample] = [
        .reject("MyPassword$", password, source: partial),
        .reject("FinanceFinance1", words(["finance"]), source: "issue 11: a word doubled contains the word"),
        .reject("Serenity.Serenity7", words(["serenity"]), source: "issue 11: a word doubled with a separator contains the word"),
        .reject("Password100", password, source: partial),
        .reject("12password34", password, source: partial),
        .accept("Vx9-Kelp-Zorbu", password, source: "no dictionary word"),
        .reject("4mysword%", with(sword, ["tolerance": 4]), source: "seed 004 \"Dictionary Rule\": tolerance 4 rejects"),
        .accept("4mysword%", with(sword, ["tolerance": 5]), source: "seed 004 \"Dictionary Rule\": tolerance 5 accepts"),
        .reject("4mysword%", sword, source: "auto tolerance: the whole word is contained"),
        .accept("4myswor%", sword, source: "auto tolerance: only part of the word"),
        .reject("4myswor%", with(sword, ["tolerance": 3]), source: "tolerance 3: swor is 4 consecutive characters of sword"),
        .accept("myp8asswor8d", password, source: "strip_non_alpha off: the 8s break the word"),
        .reject("myp8asswor8d", with(password, ["strip_non_alpha": true]),
                source: "seed 004 \"Detect inclusion of non-alpha characters\""),
        .accept("drowssapym", password, source: "bi-directional analysis off"),
        .reject("drowssapym", with(password, ["reversed": true]), source: "seed 004 \"Bi-directional analysis\""),
        .reject("MyP@ssw0rd!", password, source: "seed 004 \"Detect character substitution\""),
        .accept("MyP@ssw0rd!", with(password, ["substitution": false]), source: "substitution off"),
        .accept("Concatenate9", words(["cat"]), source: "min_word_length 4 ignores cat"),
        .reject("Concatenate9", with(words(["cat"]), ["min_word_length": 3]), source: "min_word_length 3"),
        .reject("band", wild, lists: templates, source: prefix),
        .reject("banish", wild, lists: templates, source: prefix),
        .reject("ban", wild, lists: templates, source: prefix),
        .reject("Bank-Vx9-Kelp", wild, lists: templates, source: prefix),
        .accept("Urban-Vx9-Kelp", wild, lists: templates, source: "!!BAN*!! only matches at the start"),
        .accept("Bank-Vx9-Kelp", ["lists": ["templates"]], lists: templates, source: "wildcards off: templates are skipped"),
        .reject("2ABC", wild, lists: templates, source: "seed 004 \"Dictionary Rule\": !!2*!! rejects 2ABC"),
        .reject("2123", wild, lists: templates, source: "seed 004 \"Dictionary Rule\": !!2*!! rejects 2123"),
        .reject("pushing", wild, lists: templates, source: suffix),
        .reject("howling", wild, lists: templates, source: suffix),
        .reject("trying", wild, lists: templates, source: suffix),
        .accept("Ingot-Vx9-Kelp", wild, lists: templates, source: "!!*ING!! only matches at the end"),
    ]

    let words: TermCollection
    let prefixes: TermSet
    let suffixes: TermSet
    /// nil: whole words only.
    let tolerance: Int?
    let normalisation: WordNormalisation

    public init(_ p: RuleParameters, resources: Resources) throws {
        let sources = try TermSources.sources(p, resources, required: true, rawBuiltins: false)
        tolerance = try p.tolerance("tolerance", default: nil)
        let minLength = try p.int("min_word_length", default: 4, min: 1)
        normalisation = WordNormalisation(
            substitution: try p.bool("substitution", default: true) ? resources.substitutions : nil,
            reversed: try p.bool("reversed", default: false),
            lettersOnly: try p.bool("strip_non_alpha", default: false)
        )
        let wildcards = try p.bool("wildcards", default: false)
        var plain: [ListSource] = []
        var starts: [TermEntry] = []
        var ends: [TermEntry] = []
        func template(_ e: TermEntry) {
            guard wildcards, let (text, atEnd) = Self.template(e.text) else { return }
            let t = TermEntry(text: text, list: e.list)
            if atEnd { ends.append(t) } else { starts.append(t) }
        }
        for source in sources {
            switch source {
            case .entries(let entries):
                plain.append(.entries(entries.filter { Self.template($0.text) == nil }))
                for e in entries { template(e) }
            case .compiled(let name, let index):
                // an index's templates are few: read them now; its words are searched per password
                plain.append(source)
                for r in index.templateRecords() { template(TermEntry(text: index.entry(r), list: name)) }
            case .ranked:
                plain.append(source)
            }
        }
        words = TermCollection(plain, caseSensitive: false, minLength: minLength, plainOnly: true)
        prefixes = TermSet(starts, caseSensitive: false)
        suffixes = TermSet(ends, caseSensitive: false)
    }

    /// `!!BAN*!!` → ("BAN", false); `!!*ING!!` → ("ING", true); anything else → nil.
    static func template(_ s: String) -> (String, Bool)? {
        let u = Array(s.unicodeScalars)
        guard u.count >= 6, u[0] == "!", u[1] == "!", u[u.count - 1] == "!", u[u.count - 2] == "!" else { return nil }
        let inner = u[2..<(u.count - 2)]
        guard inner.filter({ $0 == "*" }).count == 1 else { return nil }
        var text = ""
        if inner.first == "*" {
            text.unicodeScalars.append(contentsOf: inner.dropFirst())
            return (text, true)
        }
        if inner.last == "*" {
            text.unicodeScalars.append(contentsOf: inner.dropLast())
            return (text, false)
        }
        return nil
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        for v in normalisation.variants(c.scalars) {
            if let t = prefixes.longestAnchored(in: v, atEnd: false) {
                return .fail("starts with text a wildcard template bans" + v.reasonSuffix, matched: "!!\(t.entry.text)*!!", list: t.entry.list)
            }
            if let t = suffixes.longestAnchored(in: v, atEnd: true) {
                return .fail("ends with text a wildcard template bans" + v.reasonSuffix, matched: "!!*\(t.entry.text)!!", list: t.entry.list)
            }
            if let tolerance {
                if let r = words.set(for: v, .runs(tolerance: tolerance)).longestRun(in: v, longerThan: tolerance) {
                    return .fail(
                        "shares \(r.length) consecutive characters with a dictionary word (at most \(tolerance) tolerated)"
                            + v.reasonSuffix, matched: r.term.entry.text, list: r.term.entry.list)
                }
            } else if let hit = words.set(for: v, .contained).longestContained(in: v) {
                return .fail("contains a dictionary word" + v.reasonSuffix, matched: hit.term.entry.text, list: hit.term.entry.list)
            }
        }
        return .pass(tolerance.map { "shares at most \($0) consecutive characters with any dictionary word" }
            ?? "contains no dictionary word")
    }
}
