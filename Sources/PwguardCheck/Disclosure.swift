import PwguardCore

/// Which matched values one event may show, so that the event as a whole never gives more than half of a
/// rejected password away.
///
/// Each failed rule may name what it matched ("password", "abcdefgh", a name, a segment). A matched value
/// reveals the password positions it covers; the budget is the **union** of the positions shown by every
/// rule of the event, at most half of the password's characters. Two rules that each matched one half
/// ("passwordabcdefgh": `dictionary` "password", `sequential` "abcdefgh") get one shown and one withheld;
/// two rules that matched the same part ("password", "passw") share its cost.
///
/// - A value is located in the password case-insensitively, with the standard substitutions ("password"
///   covers "P@ssw0rd"), forwards and reversed, and **every** occurrence counts: a reader of the log cannot
///   tell which one a rule matched ("abc" and "cba" in "abccba" cover all six positions, not three; 14 a's
///   twice in 28 a's cover all 28). A value that cannot be located (a list word matched by edit distance, a
///   template such as `!!BAN*!!`) counts all its characters as new positions. When an event's search has
///   compared 2^18 characters (an adversarial 1024-character password), the remaining values are withheld.
/// - A value that is part of the user's identity (account name, UPN, names) is already in the event: it is
///   always shown, but the positions it covers are spent first, before any other rule's value.
/// - Values are admitted in the order of the failures (identity values first); one that would take the
///   union over half is withheld, and so is every later one that would.
public enum Disclosure {
    /// For each failure, in order: the value the event may show, "(withheld: N of M characters)", or nil when
    /// the rule matched nothing.
    public static func shown(_ failures: [RuleResult], password: String, identity: Identity) -> [String?] {
        let matched = failures.map(\.outcome.matched)
        guard matched.contains(where: { $0 != nil }) else { return matched }
        let scalars = Array(password.unicodeScalars)
        let text = FoldedText(scalars, substitution: .standard)
        var budget = Budget(length: scalars.count)
        var out = [String?](repeating: nil, count: failures.count)
        let fromIdentity = matched.map { $0.map { isIdentity($0, identity) } ?? false }
        let order = matched.indices.filter { fromIdentity[$0] } + matched.indices.filter { !fromIdentity[$0] }
        for i in order {
            guard let m = matched[i] else { continue }
            out[i] = budget.admit(lowerScalars(m), in: text, always: fromIdentity[i])
                ? m : "(withheld: \(m.unicodeScalars.count) of \(scalars.count) characters)"
        }
        return out
    }

    /// Whether `matched` is part of a value of the identity (which the event names already).
    static func isIdentity(_ matched: String, _ identity: Identity) -> Bool {
        let m = matched.lowercased()
        let known = [identity.accountName, identity.userPrincipalName, identity.displayName, identity.givenName, identity.surname]
        return known.contains { $0.map { $0.lowercased().contains(m) } ?? false }
    }

    /// The positions revealed so far and what they cost.
    struct Budget {
        let length: Int
        var revealed: [Bool]
        var revealedCount = 0
        /// Characters spent: revealed positions plus the full length of every value that was not located.
        var spent = 0
        /// Character comparisons spent searching; past `maxWork` the search gives up (the value is withheld).
        var work = 0
        static let maxWork = 1 << 18

        init(length: Int) {
            self.length = length
            revealed = [Bool](repeating: false, count: length)
        }

        func fits(_ added: Int) -> Bool { (spent + added) * 2 <= length }

        /// Whether `word` (lower-cased) may be shown, spending what it reveals if so. `always`: an identity value.
        mutating func admit(_ word: [Unicode.Scalar], in text: FoldedText, always: Bool) -> Bool {
            let k = word.count
            guard k > 0 else { return true }
            // it cannot cost less than its characters outside the positions revealed already
            if !always && !fits(k - revealedCount) { return false }
            guard let cover = occurrences(of: word, in: text) else {
                if always { spent += k }
                return always
            }
            let added = cover.isEmpty ? k : cover.filter { !revealed[$0] }.count
            guard always || fits(added) else { return false }
            spent += added
            for p in cover where !revealed[p] {
                revealed[p] = true
                revealedCount += 1
            }
            return true
        }

        /// Every position covered by an occurrence of `word`, forwards or reversed; empty when it occurs
        /// nowhere; nil when the search gave up (`maxWork`).
        mutating func occurrences(of word: [Unicode.Scalar], in text: FoldedText) -> [Int]? {
            let k = word.count
            guard k <= length else { return [] }
            var covered = [Bool](repeating: false, count: length)
            for candidate in [word, word.reversed()] {
                for start in 0...(length - k) {
                    work += k
                    if work > Self.maxWork { return nil }
                    if text.matches(candidate, at: start) { for p in start..<(start + k) { covered[p] = true } }
                }
            }
            return covered.indices.filter { covered[$0] }
        }
    }
}
