/// Seed 001 "Username in Password" (Last Name): rejects passwords that contain the user's surname.
public struct SurnameRule: SingleNameRule {
    public static let usesDirectoryAttributes = true
    public static let id = "surname"
    public static let summary = "Rejects passwords that contain the user's last name (sn)."
    public static let details = """
        Compares the password with the sn attribute, which Samba does not pass to the script: it comes from the \
        directory lookup (or `explain --surname`); without it the rule passes and says so. Same comparison as \
        logon_name (seed 004 "Tolerance", "auto" = whole name, at least 3 characters by default). A surname of \
        several words ("van der Berg") is also compared without spaces; set `tokens` to compare each word too. \
        Seed 001 "Username in Password".
        """
    static let what = "surname"
    static let tokensDefault = false
    static func value(of identity: Identity) -> String? { identity.surname }

    static func person(_ sn: String?) -> Identity { Identity(accountName: "u1234", surname: sn) }
    public static let examples: [RuleExample] = [
        .reject("Jonestown", identity: person("Jones"), source: "seed 004: \"Jonestown\" contains the whole of \"Jones\" (auto)"),
        .reject("Jonestown", ["tolerance": 4], identity: person("Jones"), source: "seed 004 Tolerance: 5 matching, tolerance 4"),
        .accept("Jonestown", ["tolerance": 5], identity: person("Jones"), source: "seed 004 Tolerance: 5 matching, tolerance 5"),
        .reject("Senoj#2024x", ["reversed": true], identity: person("Jones"), source: "seed 001 Reversed name also"),
        .accept("Senoj#2024x", identity: person("Jones"), source: "seed 001: reversed names only when asked"),
        .reject("VanderBerg2024", identity: person("van der Berg"), source: "a surname of several words is compared without spaces"),
        .accept("Berg-climb-99", identity: person("van der Berg"), source: "without tokens, one word of a long surname is tolerated (auto)"),
        .reject("Berg-climb-99", ["tokens": true], identity: person("van der Berg"), source: "tokens: each word of the surname is compared"),
        .accept("Wu-Tang-2024", identity: person("Wu"), source: "seed 001 Ignore values less than 3: \"Wu\" is not compared"),
        .accept("Correct-Horse-7", identity: person(nil), source: "no surname known: nothing to compare"),
    ]

    let matcher: NameMatcher
}
