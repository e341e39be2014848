// libFuzzer target: the rule engine over arbitrary password bytes and identities (scripts/fuzz/run.sh rule_engine).
//
// Input: fields separated by 0xFF (never valid UTF-8): password bytes, then account name, UPN, display name,
// given name, surname. The password is decoded exactly as `pwguard check` does (PasswordInput.decode:
// at most 1024 bytes, UTF-8, no NUL); identity fields are decoded leniently, as getenv's bytes are. Each
// input goes through the embedded default policy and a policy holding every rule (each rule once per
// distinct example configuration), through Decision.make (selection, verdict, the event's rule summary).
// A crash, a sanitizer report, a timeout or a broken invariant (fatalError) is a finding.

import PwguardConfig
import PwguardCore

private let defaultConfiguration: Configuration = try! Configuration.embeddedDefault()

private let everyRulePolicy: Policy = {
    var rules: [any PasswordRule] = []
    var inline: [String: [String]] = [:]
    for t in RuleRegistry.all {
        var seen = Set<String>()
        for ex in t.examples {
            let key = String(describing: ex.parameters.sorted { $0.key < $1.key }) + String(describing: ex.lists.sorted { $0.key < $1.key })
            guard seen.insert(key).inserted else { continue }
            inline.merge(ex.lists) { a, _ in a }
            rules.append(try! RuleRegistry.make(t, example: ex))
        }
    }
    precondition(Set(rules.map(\.id)).count == RuleRegistry.all.count, "every rule must be in the fuzzed policy")
    return Policy(name: "every-rule", ruleSets: [RuleSet(name: "all", requirement: .all, rules: rules)])
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRuleEngine(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let fields = bytes.split(separator: 0xFF, maxSplits: 5, omittingEmptySubsequences: false)
    guard let first = fields.first, first.count <= PasswordInput.maxBytes else { return 0 }
    guard case .success(let password) = PasswordInput.decode(Array(first)) else { return 0 }
    func field(_ i: Int) -> String? {
        i < fields.count ? String(decoding: fields[i].prefix { $0 != 0 }, as: UTF8.self) : nil
    }
    let identity = Identity(accountName: field(1) ?? "maryjones", userPrincipalName: field(2), displayName: field(3),
                            givenName: field(4), surname: field(5))
    for policy in defaultConfiguration.policies + [everyRulePolicy] {
        let name = policy.name
        let d = Decision.make(password: password, identity: identity, policies: [policy], defaultPolicy: name)
        guard d.policy?.name == name else { fatalError("policy selection chose \(d.policy?.name ?? "none") instead of \(name)") }
        // the event never carries the whole password as a matched value, unless it is part of the identity
        // the event names (each failed rule's entry on its own: entries are joined with "; "), nor two
        // halves of it from two rules (issue 12, finding 1: the budget covers the union of an event's values)
        let p = password.lowercased()
        let known = [identity.accountName, identity.userPrincipalName, identity.displayName, identity.givenName, identity.surname]
        if password.unicodeScalars.count >= 2, !known.contains(where: { $0.map { $0.lowercased().contains(p) } ?? false }) {
            for entry in d.failedRuleSummary() {
                let e = entry.lowercased()
                if e.hasSuffix("matched=" + p) || e.contains("matched=" + p + " message=") {
                    fatalError("a rule summary logged the whole password: \(entry.debugDescription)")
                }
            }
            // nor in pieces: no two values one event shows (outside the identity) make up the password
            let shown = d.shownMatches.compactMap { $0 }.filter { v in
                !v.hasPrefix("(withheld") && !known.contains { $0.map { $0.lowercased().contains(v.lowercased()) } ?? false }
            }.map { $0.lowercased() }
            for a in shown.indices { for b in shown.indices where a != b && shown[a] + shown[b] == p {
                fatalError("one event logged the password in two pieces: \(shown[a].debugDescription) + \(shown[b].debugDescription)")
            } }
        }
        if d.verdict == .accept, d.result?.compliant != true { fatalError("accepted without a compliant result") }
    }
    return 0
}
