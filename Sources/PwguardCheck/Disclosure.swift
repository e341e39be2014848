import PwguardCore

/// Which matched values one event may show, so that the event as a whole never gives more than half of a
/// rejected password away.
///
/// Each failed rule may name what it matched ("password", "abcdefgh", a name, a segment). A matched value
/// reveals the password positions it covers; the budget is the **union** of the positions shown by every
/// rule of the event, at most half of the password's characters. Two rules that each matched one half
/// ("passwordabcdefgh": `dictionary` "password", `sequential` "abcdefgh") get one shown and one withheld;
/// two rules that matched the same part share its cost.
///
/// - A value is located in the password case-insensitively, with the standard substitutions ("password"
///   covers "P@ssw0rd"), forwards or reversed; of several occurrences, the one adding the fewest new
///   positions counts. A value that cannot be located (a list word matched by edit distance, a template
///   such as `!!BAN*!!`) counts all its characters as new positions.
/// - A value that is part of the user's identity (account name, UPN, names) is already in the event: it is
///   always shown, but the positions it covers are spent first, before any other rule's value.
/// - Values are admitted in the order of the failures (identity values first); the first that would take
///   the union over half is withheld, and so is every later one that would.
public enum Disclosure {
    /// For each failure, in order: the value the event may show, "(withheld: N of M characters)", or nil when
    /// the rule matched nothing.
    public static func shown(_ failures: [RuleResult], password: String, identity: Identity) -> [String?] {
        let matched = failures.map(\.outcome.matched)
        guard matched.contains(where: { $0 != nil }) else { return matched }
        let scalars = Array(password.unicodeScalars)
        let text = FoldedText(scalars, substitution: .standard)
        var revealed = [Bool](repeating: false, count: scalars.count)
        var spent = 0
        var out = [String?](repeating: nil, count: failures.count)
        let fromIdentity = matched.map { $0.map { isIdentity($0, identity) } ?? false }
        let order = matched.indices.filter { fromIdentity[$0] } + matched.indices.filter { !fromIdentity[$0] }
        for i in order {
            guard let m = matched[i] else { continue }
            let cover = positions(of: m, in: text, revealed: revealed)
            let added = cover.map { $0.filter { !revealed[$0] }.count } ?? m.unicodeScalars.count
            guard fromIdentity[i] || (spent + added) * 2 <= scalars.count else {
                out[i] = "(withheld: \(m.unicodeScalars.count) of \(scalars.count) characters)"
                continue
            }
            out[i] = m
            spent += added
            for p in cover ?? [] { revealed[p] = true }
        }
        return out
    }

    /// Whether `matched` is part of a value of the identity (which the event names already).
    static func isIdentity(_ matched: String, _ identity: Identity) -> Bool {
        let m = matched.lowercased()
        let known = [identity.accountName, identity.userPrincipalName, identity.displayName, identity.givenName, identity.surname]
        return known.contains { $0.map { $0.lowercased().contains(m) } ?? false }
    }

    /// The positions `matched` covers in the password (the occurrence adding the fewest unrevealed ones),
    /// or nil when it occurs nowhere, forwards or reversed.
    static func positions(of matched: String, in text: FoldedText, revealed: [Bool]) -> [Int]? {
        let word = lowerScalars(matched)
        guard !word.isEmpty else { return [] }
        guard word.count <= text.count else { return nil }
        var best: (start: Int, added: Int)?
        for candidate in [word, word.reversed()] {
            for start in 0...(text.count - word.count) where text.matches(candidate, at: start) {
                let added = (start..<(start + word.count)).filter { !revealed[$0] }.count
                if best == nil || added < best!.added { best = (start, added) }
            }
        }
        return best.map { Array($0.start..<($0.start + word.count)) }
    }
}
