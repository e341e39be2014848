/// Seed 004 "User Logon Name Rule" and seed 001 "Username in Password" (Pre-Windows 2000 Logon Name):
/// rejects passwords that contain the user's sAMAccountName, or too much of it.
public struct LogonNameRule: SingleNameRule {
    public static let id = "logon_name"
    public static let summary = "Rejects passwords that contain the logon name (sAMAccountName) or too much of it."
    public static let details = """
        Compares the password with the sAMAccountName Samba passes in SAMBA_CPS_ACCOUNT_NAME: the password is \
        rejected when it shares more consecutive characters with it than `tolerance` allows (seed 004 "Tolerance": \
        "maryjones" and "Jonestown" share 5). "auto" rejects only a password containing the whole logon name \
        (length − 1, at least 2: "maryjones" → 8). A logon name with punctuation ("mary.jones") is also compared \
        without it ("maryjones"). Case is ignored and substituted characters are read as letters unless turned \
        off; reversed names are checked when `reversed` is set (seed 004: "emannogolym"). Seed 001 "Username in \
        Password" (Pre-Windows 2000 Logon Name), seed 004 "User Logon Name Rule".
        """
    static let what = "logon name"
    static let tokensDefault = false
    static func value(of identity: Identity) -> String? { identity.accountName }

    static let mary = Identity(accountName: "maryjones")
    public static let examples: [RuleExample] = [
        .reject("Jonestown", ["tolerance": 4], identity: mary, source: "seed 004 Tolerance: \"maryjones\" vs \"Jonestown\", 5 matching, tolerance 4"),
        .accept("Jonestown", ["tolerance": 5], identity: mary, source: "seed 004 Tolerance: \"maryjones\" vs \"Jonestown\", tolerance 5"),
        .reject("MaryJones!2024", identity: mary, source: "seed 004 Auto table: logon name \"maryjones\" → tolerance 8, whole name rejected"),
        .accept("Maryjone!2024", identity: mary, source: "seed 004 Auto table: 8 characters of \"maryjones\" are tolerated"),
        .reject("Maryj0nes#7", identity: mary, source: "seed 004 Detect character substitution (on by default)"),
        .accept("Maryj0nes#7", ["substitution": false], identity: mary, source: "seed 004: substitution off, \"0\" is not \"o\""),
        .reject("MARYJONES-77", identity: mary, source: "seed 001: not case sensitive by default"),
        .accept("MARYJONES-77", ["case_sensitive": true], identity: mary, source: "seed 001 Case sensitive"),
        .reject(
            "emannogolym", ["reversed": true], identity: Identity(accountName: "mylogonname"),
            source: "seed 004 bi-directional analysis: \"emannogolym\" instead of \"mylogonname\""),
        .accept(
            "emannogolym", identity: Identity(accountName: "mylogonname"),
            source: "seed 004: bi-directional analysis off (the default)"),
        .reject(
            "Winter-MaryJones", identity: Identity(accountName: "mary.jones"),
            source: "logon name \"mary.jones\" is also compared without punctuation"),
        .accept(
            "Ed392-sunny", ["ignore_shorter_than": 3, "tolerance": 1], identity: Identity(accountName: "ed"),
            source: "seed 001 Ignore values less than 3: a 2-character logon name is not compared"),
        .reject(
            "Ed392-sunny", ["ignore_shorter_than": 2, "tolerance": 1], identity: Identity(accountName: "ed"),
            source: "seed 001: the same logon name is compared once the minimum is 2"),
        .accept(
            "Ed392-sunny", ["ignore_shorter_than": 0], identity: Identity(accountName: "ed"),
            source: "seed 004 Auto minimum limit of 2: a 2-character name is never rejected by auto"),
    ]

    let matcher: NameMatcher
}
