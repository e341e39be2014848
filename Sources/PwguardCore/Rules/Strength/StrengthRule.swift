#if canImport(Glibc)
import Glibc
#endif

/// Issue 11: estimates how many guesses an attacker needs (zxcvbn's minimum-guess decomposition, Wheeler,
/// USENIX Security 2016) and rejects passwords that fall below a threshold.
public struct StrengthRule: PasswordRule {
    public static let id = "strength"
    public static let summary = "Rejects passwords an attacker would guess early: estimates guesses as zxcvbn does."
    public static let details = """
        Splits the password into the parts an attacker guesses separately and keeps the split that needs the \
        fewest guesses (zxcvbn's minimum-guess decomposition, Wheeler, USENIX Security 2016): words from ranked \
        lists (a word's guesses are its rank; also reversed, with look-alike characters from the substitution \
        table and any capitalisation, each variation costing what it adds), keyboard patterns on the US, UK, \
        German and French layouts (turns and Shift counted), a block or a word repeated with or without a \
        separator ("FinanceFinance1", "Serenity.Serenity7"), sequences ("abcd", "97531"), years, dates and \
        digit runs, the user's own names (account, display name parts, UPN, domain) and the organisation's \
        `words`; whatever is left is guessed character by character (10 guesses each). The total is l! × the \
        product of the parts' guesses + 10,000^(l−1) for l parts. A password whose total is below \
        10^min_guesses_log10 is rejected. The default, 10^11, is above zxcvbn's top score (10^10, "very \
        unguessable"): far beyond an online attack (NIST SP 800-63B lets an attacker make about 100 failed \
        attempts per account) and months per machine against a slow salted hash at 10^4 guesses/s; no \
        memorable password survives an offline attack on a stolen NT hash (10^10 and more per second on one \
        GPU), so that is not the target. Chosen on the quality benchmark (scripts/bench/quality-bench.sh): \
        weak passwords accepted at 10^8 / 10^10 / 10^11 / 10^12: 15.6 / 0.7 / 0.2 / 0.1 % (dev), 32.9 / \
        9.6 / 5.0 / 2.5 % on names and words the data never saw, strong ones refused 0.4 % at every \
        threshold (by windows_complexity); 10^11 keeps three plain words with digits ("BlueCoffeeMug42", \
        10^11.2) acceptable, which 10^12 refuses. Digits and symbols typed together count as one part \
        ("#2025!"), as cracking rules append them whole. `explain` shows \
        the winning decomposition; the logged event names only the pattern kinds.
        """
    public static let parameters = [
        ParameterDoc("min_guesses_log10", "integer", default: "11", "Reject passwords estimated to fall within 10^N guesses (1–20)."),
        ParameterDoc(
            "lists", "array of list references",
            default: "[\"builtin:passwords\", \"builtin:english\", \"builtin:first-names\", \"builtin:surnames\"]",
            "Ranked lists, most common first: built-in lists, names from [lists], text files (one entry per line, at most 4 MB) or lists compiled with `pwguard words rank`."),
        ParameterDoc("words", "array of strings", default: "[]", "Organisation words guessed first (company, product, city names)."),
        ParameterDoc("user_context", "boolean", default: "true", "Guess the user's own names first: account name, display name parts, UPN, domain."),
        ParameterDoc("layouts", "array of strings", default: "[\"us\", \"uk\", \"de\", \"fr\"]", "Keyboard layouts whose patterns are guessed."),
    ]

    private static let mary = Identity(accountName: "maryjones", userPrincipalName: "maryjones@contoso.com", displayName: "Mary Jones")
    public static let examples: [RuleExample] = [
        .reject("Review2024!", source: "issue 11: a word, a year and a symbol"),
        .reject("Mendez1!", source: "issue 11: a surname with the usual ending"),
        .reject("Pr3$3rv3d1", source: "issue 11: leetspeak does not hide a word"),
        .reject("MANATEE2025!", source: "issue 11: all capitals and a year"),
        .reject("!QAZ2wsx#EDC", source: "issue 11: a keyboard walk, Shift included"),
        .reject("PasswordPasswordPasswordPassword9", source: "issue 11: a word repeated four times"),
        .reject("FinanceFinance1", source: "issue 11: a word doubled"),
        .reject("Serenity.Serenity7", source: "issue 11: a word doubled with a separator"),
        .reject("Drowssap1!", source: "issue 11: a reversed word with 1!"),
        .reject("JonesContoso2024", identity: mary, source: "the user's surname and the UPN domain count as known words"),
        .reject("Fabrikam2026!", ["words": ["fabrikam"]], source: "organisation words are guessed first"),
        .accept("Fabrikam-Quasar-Tundra-Sextant7", source: "seed 001 passphrases: four uncommon words with a capital and a digit"),
        .accept("k8#Qz!w2Lp9@vX", source: "14 random characters"),
        .accept("Review2024!", ["min_guesses_log10": 6], source: "a lower threshold (an online attack only)"),
    ]

    let threshold: Double
    let matcher: StrengthMatcher
    let words: [[Unicode.Scalar]]
    let userContext: Bool

    public init(_ p: RuleParameters, resources: Resources) throws {
        threshold = Double(try p.int("min_guesses_log10", default: 11, min: 1, max: 20))
        let refs = try p.strings("lists", default: ["builtin:passwords", "builtin:english", "builtin:first-names", "builtin:surnames"])
        var lists: [RankedList] = []
        for ref in refs {
            do {
                lists.append(try resources.rankedList(ref))
            } catch {
                throw p.error("lists", "cannot read \"\(ref)\": \(error)")
            }
        }
        let ids = try p.strings("layouts", default: KeyboardLayout.definitions.map(\.id))
        var keyboards: [StrengthKeyboard] = []
        for id in ids {
            guard let i = KeyboardLayout.definitions.firstIndex(where: { $0.id == id.lowercased() }) else {
                throw p.error("layouts", "unknown layout \"\(id)\" (known: \(KeyboardLayout.definitions.map { "\"\($0.id)\"" }.joined(separator: ", ")))")
            }
            keyboards.append(StrengthKeyboard.all[i])
        }
        matcher = StrengthMatcher(lists: lists, keyboards: keyboards, substitutions: resources.substitutions)
        words = try p.strings("words").map(lowerScalars).filter { !$0.isEmpty }
        userContext = try p.bool("user_context", default: true)
    }

    /// Most words taken from each identity attribute: AD's display names hold a few words, but Samba passes
    /// whatever the attribute holds (a 32 KB display name of 4,000 words must not slow the check down).
    static let maxWordsPerAttribute = 16

    /// The words guessed before any list: the user's names, then the organisation's. Words of 3 or more
    /// characters that fit in the password, each once.
    func context(_ identity: Identity, length: Int) -> [(word: [Unicode.Scalar], source: String)] {
        var out: [(word: [Unicode.Scalar], source: String)] = []
        var seen: [[Unicode.Scalar]] = []
        func add(_ s: String?, _ source: String, split: Bool) {
            guard let s else { return }
            var taken = 0
            for part in split ? s.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) : [Substring(s)] {
                guard taken < Self.maxWordsPerAttribute else { return }
                let w = lowerScalars(String(part))
                guard w.count >= 3 && w.count <= length else { continue }
                taken += 1
                if !seen.contains(w) {
                    seen.append(w)
                    out.append((w, source))
                }
            }
        }
        if userContext {
            add(identity.accountName, "account name", split: false)
            add(identity.accountName, "account name", split: true)
            add(identity.givenName, "given name", split: true)
            add(identity.surname, "surname", split: true)
            add(identity.displayName, "display name", split: true)
            add(identity.upnPrefix, "UPN", split: true)
            add(identity.domainName, "domain", split: true)
        }
        for w in words where w.count <= length && !seen.contains(w) {
            seen.append(w)
            out.append((w, "organisation words"))
        }
        return out
    }

    /// The cheapest decomposition of the password: the side API `explain` shows (never part of the outcome, so
    /// never logged).
    public func estimate(_ c: Candidate) -> StrengthEstimate {
        let matches = matcher.matches(c.scalars, context: context(c.identity, length: c.length))
        let (total, winners) = StrengthScoring.cheapest(c.length, matches)
        let segments = winners.map { $0.segment(matcher.sources) }
        return StrengthEstimate(segments: segments, guessesLog10: total, suggestion: Self.suggestion(segments, passed: total >= threshold))
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        let e = estimate(c)
        let g = Self.format(e.guessesLog10)
        if e.guessesLog10 >= threshold {
            return .pass("would take about 10^\(g) guesses (at least 10^\(Int(threshold)) required)")
        }
        // the parts' kinds and lists, never their text; `matched` is the longest part that covers at most half
        let kinds = e.segments.filter { $0.pattern != .bruteforce }.map(Self.kind)
        var seen: [String] = []
        for k in kinds where !seen.contains(k) { seen.append(k) }
        let matched = e.segments.filter { $0.pattern != .bruteforce && $0.length * 2 <= c.length }.max { $0.length < $1.length }
        let lists = e.segments.compactMap { $0.pattern == .dictionary ? $0.list : nil }
        var listNames: [String] = []
        for l in lists where !listNames.contains(l) { listNames.append(l) }
        return .fail(
            "would be guessed within about 10^\(g) guesses (at least 10^\(Int(threshold)) required)"
                + (seen.isEmpty ? "" : ": " + seen.joined(separator: ", ")),
            matched: matched.map { PatternLimit.fragment(c.scalars, $0.start, $0.length) },
            list: listNames.isEmpty ? nil : listNames.joined(separator: ", "))
    }

    static func kind(_ s: StrengthSegment) -> String {
        switch s.pattern {
        case .dictionary: return "a word from \(s.list ?? "a list")" + (s.notes.isEmpty ? "" : " (\(s.notes.joined(separator: ", ")))")
        case .context: return "the \(s.list ?? "user's name")"
        case .spatial: return "a keyboard pattern"
        case .repeat: return "a repeated block"
        case .sequence: return "a sequence"
        case .year: return "a year"
        case .date: return "a date"
        case .digits: return "digits"
        case .affix: return "digits and symbols"
        case .bruteforce: return "random characters"
        }
    }

    /// log10 with one decimal.
    public static func format(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? "\(Int(r)).0" : "\(r)"
    }

    /// One sentence on what would make the password stronger, from its weakest kind of part.
    static func suggestion(_ segments: [StrengthSegment], passed: Bool) -> String {
        let kinds = Set(segments.map(\.pattern))
        let lists = Set(segments.compactMap { $0.pattern == .dictionary ? $0.list : nil })
        if kinds.contains(.context) { return "Leave out your own names and the organisation's: add an unrelated uncommon word instead." }
        if kinds.contains(.repeat) { return "Typing a word or block twice adds almost nothing: add a different uncommon word instead." }
        if kinds.contains(.spatial) { return "Keyboard patterns are tried early: use uncommon words rather than neighbouring keys." }
        if lists.contains("builtin:passwords") {
            return "This is built on a common password: capitals, digits, symbols and look-alike characters do not hide it; use uncommon words."
        }
        if segments.contains(where: { $0.length >= 3 && $0.notes.contains("look-alike characters") }) {
            return "Look-alike characters (@ for a, 0 for o) are tried early: add another uncommon word instead."
        }
        if kinds.contains(.year) || kinds.contains(.date) { return "Years and dates are tried early: add another uncommon word instead." }
        if passed { return "Long enough and unpredictable enough; a longer passphrase is stronger still." }
        return "Add another uncommon word, or a few more random characters."
    }
}
