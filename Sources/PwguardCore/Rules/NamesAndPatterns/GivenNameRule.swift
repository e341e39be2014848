/// Seed 001 "Username in Password" (First Name): rejects passwords that contain the user's given name.
public struct GivenNameRule: SingleNameRule {
    public static let usesDirectoryAttributes = true
    public static let id = "given_name"
    public static let summary = "Rejects passwords that contain the user's first name (givenName)."
    public static let details = """
        Compares the password with the givenName attribute, which Samba does not pass to the script: it comes \
        from the directory lookup (or `explain --given-name`); without it the rule passes and says so. Same \
        comparison as logon_name: `tolerance` counts consecutive matching characters (seed 004 "Tolerance"), \
        "auto" rejects only the whole name, names shorter than `ignore_shorter_than` are skipped (seed 001: \
        first name "Ed" with a minimum of 3 lets "Ed392" through). Seed 001 "Username in Password".
        """
    static let what = "given name"
    static let tokensDefault = false
    static func value(of identity: Identity) -> String? { identity.givenName }

    static func person(_ given: String?) -> Identity { Identity(accountName: "u1234", givenName: given) }
    public static let examples: [RuleExample] = [
        .accept("Ed392", ["ignore_shorter_than": 3], identity: person("Ed"), source: "seed 001 Username in Password: \"Ed\" < 3, \"Ed392\" is ignored"),
        .reject(
            "Ed392", ["ignore_shorter_than": 2, "tolerance": 1], identity: person("Ed"),
            source: "seed 001: with a minimum of 2 and tolerance 1, \"Ed\" is compared and found"),
        .reject("K1m0kams", identity: person("Kim"), source: "seed 002 substring matching: \"kim\" in \"K1m0kams\" (1 read as i)"),
        .accept("K1m0kams", ["substitution": false], identity: person("Kim"), source: "seed 002 example without substitution"),
        .reject("Margaret1990!", identity: person("Margaret"), source: "seed 001: first name in password"),
        .accept("Margare7-is-here", ["substitution": false], identity: person("Margaret"), source: "seed 004 Auto: 7 of 8 characters tolerated"),
        .reject("teragram#1990", ["reversed": true], identity: person("Margaret"), source: "seed 001 Reversed name also"),
        .accept("Correct-Horse-7", identity: person(nil), source: "no given name known: nothing to compare"),
    ]

    let matcher: NameMatcher
}
