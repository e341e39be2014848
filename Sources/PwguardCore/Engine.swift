// Evaluates a policy's rule sets against one password. Pure: no I/O, no clock.

/// One rule's result inside a rule set.
public struct RuleResult: Sendable {
    public let ruleID: String
    public let outcome: RuleOutcome
    /// False when the rule was not run (the passphrase length skipped it).
    public let evaluated: Bool
    /// The configured rejection message template (seed 004's message inserts, Specops' "show the found word").
    public var messageTemplate: String? = nil

    /// The rejection message with its inserts filled: {rule}, {reason}, {matched}, {list}. `matched` may be
    /// given to replace the matched value (the event withholds values that would give the password away).
    public func message(matched: String? = nil) -> String? {
        guard let t = messageTemplate, !outcome.passed else { return nil }
        return RuleResult.render(t, ["rule": ruleID, "reason": outcome.reason, "matched": matched ?? outcome.matched ?? "",
                                     "list": outcome.list ?? ""])
    }

    /// Replaces `{name}` with `values[name]`; unknown names are left as written.
    public static func render(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            out += values[name] ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// The insert names a template may use.
    public static let inserts = ["rule", "reason", "matched", "list"]
}

/// One rule set's result.
public struct RuleSetResult: Sendable {
    public let name: String
    public let requirement: Requirement
    public let passed: Bool
    /// Set when the passphrase length made the set accept without its other rules.
    public let passphraseBypass: Bool
    public let results: [RuleResult]
    /// The set is enforced even under a monitor policy (`RuleSet.enforcedInMonitorMode`).
    public let enforcedInMonitorMode: Bool
    public var passedCount: Int { results.filter { $0.evaluated && $0.outcome.passed }.count }
}

/// A policy's verdict on one password.
public struct PolicyResult: Sendable {
    public let policyName: String
    public let mode: PolicyMode
    public let sets: [RuleSetResult]
    /// Whether the password complies with the policy (regardless of mode).
    public var compliant: Bool { sets.allSatisfy(\.passed) }
    /// Whether the change is accepted: compliant, or the policy only monitors and every set it fails is
    /// monitored (not one of the sets enforced in monitor mode, such as Samba's complexity).
    public var accepted: Bool {
        compliant || (mode == .monitor && !sets.contains { !$0.passed && $0.enforcedInMonitorMode })
    }
    /// Rule results that made a rule set fail (for "all": every failed rule; for "at least N": every
    /// failed rule of a set that missed its count).
    public var failures: [RuleResult] {
        sets.filter { !$0.passed }.flatMap { $0.results.filter { $0.evaluated && !$0.outcome.passed } }
    }
}

public enum Engine {
    /// Evaluates every rule set of `policy`. Every cheap rule runs (so `explain` can show all of them); the
    /// expensive ones (history: an Argon2 computation) run only when the cheap ones leave the policy
    /// passable, so a password refused anyway never costs one.
    public static func evaluate(_ policy: Policy, _ candidate: Candidate) -> PolicyResult {
        let cheap = policy.ruleSets.map { evaluate($0, candidate, expensive: false) }
        let passable = cheap.allSatisfy(\.passed)
        let hasExpensive = policy.ruleSets.contains { $0.rules.contains { type(of: $0).isExpensive } }
        let sets = passable && hasExpensive ? policy.ruleSets.map { evaluate($0, candidate, expensive: true) } : cheap
        return PolicyResult(policyName: policy.name, mode: policy.mode, sets: sets)
    }

    /// Evaluates one set; with `expensive: false` the expensive rules are reported as not run and count as
    /// passed (the caller runs them only when the policy can still pass).
    public static func evaluate(_ set: RuleSet, _ candidate: Candidate, expensive: Bool = true) -> RuleSetResult {
        if let limit = set.passphraseLength, candidate.length > limit {
            let skipped = set.rules.map {
                RuleResult(ruleID: $0.id, outcome: .pass("skipped: the password is a passphrase longer than \(limit) characters"), evaluated: false)
            }
            return RuleSetResult(name: set.name, requirement: set.requirement, passed: true, passphraseBypass: true, results: skipped,
                                 enforcedInMonitorMode: set.enforcedInMonitorMode)
        }
        let results = set.rules.enumerated().map { i, rule in
            if !expensive && type(of: rule).isExpensive {
                return RuleResult(ruleID: rule.id, outcome: .pass("not run: the password already fails another rule (this rule runs last, it is costly)"),
                                  evaluated: false, messageTemplate: set.message(i))
            }
            return RuleResult(ruleID: rule.id, outcome: rule.evaluate(candidate), evaluated: true, messageTemplate: set.message(i))
        }
        let passedCount = results.filter(\.outcome.passed).count
        let passed: Bool
        switch set.requirement {
        case .all: passed = passedCount == results.count
        case .atLeast(let n): passed = passedCount >= min(n, results.count)
        }
        return RuleSetResult(name: set.name, requirement: set.requirement, passed: passed, passphraseBypass: false, results: results,
                             enforcedInMonitorMode: set.enforcedInMonitorMode)
    }
}
