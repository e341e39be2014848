import PwguardCore

/// Exit codes of `check` and `explain`. Samba treats 0 as accept and anything else as reject.
public enum ExitCode: Int32, Sendable {
    /// Accepted: compliant, monitored, not checked, or an error with `on_error = "accept"`.
    case accepted = 0
    /// Rejected by the policy's rules.
    case rejectedByPolicy = 1
    /// Usage or configuration error (missing account name, invalid config, missing list): rejected.
    case usageOrConfig = 2
    /// Internal or dependency error (directory unreachable, deadline exceeded): rejected.
    case internalError = 3
    /// The input itself is unusable (longer than the limit, not UTF-8, NUL byte): rejected.
    case invalidInput = 4
}

/// The verdict on one password, with everything `explain` shows and the event logs.
public struct Decision: Sendable {
    public enum Verdict: String, Sendable {
        case accept, reject
        /// Accepted because the policy only monitors, although it failed.
        case monitorWouldReject = "accept-monitor"
        /// Accepted because no policy applied.
        case notChecked = "accept-not-checked"
    }

    public let candidateLength: Int
    public let identity: Identity
    public let selection: PolicySelection
    public let policy: Policy?
    public let result: PolicyResult?
    public let verdict: Verdict
    /// Per failure of `result`, what the event may show as its matched value (see `Disclosure`).
    public let shownMatches: [String?]

    public var exitCode: ExitCode { verdict == .reject ? .rejectedByPolicy : .accepted }

    /// Decides one password: chooses the policy, evaluates it. Pure apart from what rules read.
    public static func make(
        password: String, identity: Identity, policies: [Policy], defaultPolicy: String?, facts: SelectionFacts? = nil
    ) -> Decision {
        let facts = facts ?? SelectionFacts(identity: identity)
        let selection = PolicySelector.select(policies, defaultPolicy: defaultPolicy, facts: facts)
        let candidate = Candidate(password, identity: identity)
        guard let i = selection.chosen else {
            return Decision(candidateLength: candidate.length, identity: identity, selection: selection, policy: nil, result: nil,
                            verdict: .notChecked, shownMatches: [])
        }
        let policy = policies[i]
        let result = Engine.evaluate(policy, candidate)
        let verdict: Verdict = result.compliant ? .accept : (result.accepted ? .monitorWouldReject : .reject)
        return Decision(candidateLength: candidate.length, identity: identity, selection: selection, policy: policy, result: result,
                        verdict: verdict, shownMatches: Disclosure.shown(result.failures, password: password, identity: identity))
    }

    /// The failed rules as `id list=… matched=…` entries for the event.
    ///
    /// The matched values shown are `shownMatches`: together they never cover more than half of the
    /// password, unless they are part of the user's identity (already in the event); a value over the budget
    /// is logged as `(withheld: N of M characters)`. `pwguard explain` still shows everything to an admin.
    public func failedRuleSummary() -> [String] {
        guard let result else { return [] }
        return zip(result.failures, shownMatches).map { r, shown in
            var s = r.ruleID
            if let list = r.outcome.list { s += " list=" + list }
            if let shown { s += " matched=" + shown }
            if let message = r.message(matched: shown ?? "") { s += " message=" + message }
            return s
        }
    }
}

/// One line of `key=value` pairs, values quoted when they contain spaces, quotes or `=`.
public struct EventLine {
    private(set) var parts: [String] = []

    public init() {}

    public mutating func add(_ key: String, _ value: String?) {
        guard let value else { return }
        parts.append("\(key)=\(Self.quote(value))")
    }

    public var text: String { parts.joined(separator: " ") }

    /// Control characters (CR, LF, "\r\n" as one Character, NEL, U+2028/9, ESC…) become spaces, so a
    /// value from the environment or the directory can never start a forged line in the log.
    static func quote(_ v: String) -> String {
        let needs = v.isEmpty || v.unicodeScalars.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || isControl($0) }
        guard needs else { return v }
        var out = "\""
        for u in v.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(isControl(u) ? " " : u)
            }
        }
        return out + "\""
    }

    static func isControl(_ u: Unicode.Scalar) -> Bool {
        u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u.value == 0x2028 || u.value == 0x2029
    }
}
