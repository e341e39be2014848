/// Windows' "Password must meet complexity requirements", which Samba stops checking once a check
/// password script is configured.
public struct WindowsComplexityRule: PasswordRule {
    public static let id = "windows_complexity"
    public static let summary = "Rejects what Windows' \"password must meet complexity requirements\" rejects."
    public static let details = """
        Does what a Windows DC does: the password must use at least 3 of 5 categories: upper-case letters, \
        lower-case letters (any script, accented included), digits 0-9, the 32 ASCII punctuation characters \
        ~!@#$%^&*_-+=`|\\(){}[]:;"'<>,.?/ and letters without case (Chinese, Japanese…). Space, "€", "£" and \
        emoji count in no category (Windows says so of currency symbols). It must not contain the \
        sAMAccountName when that is 3 or more characters long, nor any token of 3 or more characters of the \
        display name split at , . - _ # tab and space; both checks ignore case. Samba skips its own check when \
        a check password script is set, so pwguard's default policy includes this rule. Samba's built-in check \
        differs: it counts every non-ASCII character without case (even "€") in the fifth category and does \
        not look at the names. This rule alone accepts "Password1" (3 categories), as Windows does; the \
        dictionary rules are what reject it.
        """
    public static let parameters: [ParameterDoc] = []
    static let categories: [CharacterClass] = [.upper, .lower, .numeric, .punctuation, .other]
    /// Where Windows splits the display name into tokens.
    static let delimiters: [Unicode.Scalar] = [",", ".", "-", "_", "#", "\t", " "]

    static let src = "Windows \"Password must meet complexity requirements\""
    static let mary = Identity(accountName: "maryjones", displayName: "Mary Jones")
    public static let examples: [RuleExample] = [
        .accept("Password1", source: "\(src): upper, lower, digit are 3 categories (a dictionary rule must catch it)"),
        .reject("password", source: "\(src): lower case only"),
        .reject("password1", source: "\(src): lower and digit are 2 categories"),
        .accept("password1!", source: "\(src): lower, digit, punctuation"),
        .reject("pass word1", source: "\(src): space is in no category"),
        .reject("pass€word1", source: "\(src): currency symbols are not special characters (Samba's own check would accept)"),
        .accept("漢字pass1", source: "\(src): letters without case (Asian languages) are the fifth category"),
        .accept("Ärger2024", source: "\(src): accented upper case counts as upper case"),
        .reject("Maryjones1!", identity: mary, source: "\(src): contains the sAMAccountName maryjones, any case"),
        .reject("xJONES99!", identity: mary, source: "\(src): contains the display-name token Jones, any case"),
        .accept("xJONE99!", identity: mary, source: "\(src): parts of a token are not checked"),
        .reject("Mary2024!", identity: Identity(accountName: "mj", displayName: "Jones, Mary"),
                source: "\(src): display name split at the comma and space"),
        .accept("Ed392", identity: Identity(accountName: "ed", displayName: "Ed Smith"),
                source: "seed 001: \"Ed392\" allowed because \"Ed\" is shorter than 3; Windows ignores tokens and account names under 3 characters"),
        .reject("Hagens2024!", identity: Identity(accountName: "ehagens", displayName: "Erin M. Hagens"),
                source: "\(src): \"Erin M. Hagens\" gives the tokens Erin and Hagens (M is too short)"),
        .accept("M2024!xyz", identity: Identity(accountName: "ehagens", displayName: "Erin M. Hagens"),
                source: "\(src): the one-letter token M is ignored"),
    ]

    public init(_ p: RuleParameters, resources: Resources) throws {}

    /// The rule as Samba would have applied it (it has no parameters).
    public init() {}

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        let counted = complexityOutcome(c.scalars, Self.categories, required: 3)
        if !counted.passed { return counted }
        let folded = c.scalars.map(lowerScalar)
        let account = Array(c.identity.accountName.unicodeScalars)
        if account.count >= 3 && contains(folded, account.map(lowerScalar)) {
            return .fail("contains the account name", matched: c.identity.accountName)
        }
        if let display = c.identity.displayName {
            var token: [Unicode.Scalar] = []
            for s in display.unicodeScalars + [","] {
                if !Self.delimiters.contains(s) {
                    token.append(s)
                    continue
                }
                if token.count >= 3 && contains(folded, token.map(lowerScalar)) {
                    var shown = ""
                    shown.unicodeScalars.append(contentsOf: token)
                    return .fail("contains part of the display name", matched: shown)
                }
                token.removeAll(keepingCapacity: true)
            }
        }
        return .pass(counted.reason + "; contains neither the account name nor a display-name part")
    }

    /// Whether `needle` occurs in `haystack` (both already lower-cased).
    private func contains(_ haystack: [Unicode.Scalar], _ needle: [Unicode.Scalar]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        outer: for start in 0...(haystack.count - needle.count) {
            for j in 0..<needle.count where haystack[start + j] != needle[j] { continue outer }
            return true
        }
        return false
    }
}
