/// Seed 004 "User Display Name Rule": rejects passwords that contain the user's display name or its words.
public struct DisplayNameRule: SingleNameRule {
    public static let id = "display_name"
    public static let summary = "Rejects passwords that contain the display name (full name), a word of it, or too much of it."
    public static let details = """
        Compares the password with the displayName Samba passes in SAMBA_CPS_FULL_NAME (only when set; without \
        it the rule passes and says so). The password is rejected when it shares more consecutive characters \
        than `tolerance` allows with the display name as written ("John Smithers" and "12smithtown" share 5: \
        seed 004), with the display name without spaces and punctuation ("MaryJones"), or with any one word \
        of it. "auto" gives each its own tolerance, length − 1 (seed 004's table: "Mary Jones" → 9, so \
        "MaryJones" → 8, "Jones" → 4). Seed 004 rejects only the entire display name under auto; pwguard also \
        rejects each word by default, because a password holding the user's surname is as guessable as one \
        holding the full name: set `tokens = false` for the seed's behaviour. Words shorter than \
        `ignore_shorter_than` (default 3: "Li", "Jo") are skipped. Seed 004 "User Display Name Rule".
        """
    static let what = "display name"
    static let tokensDefault = true
    static func value(of identity: Identity) -> String? { identity.displayName }

    static let john = Identity(accountName: "jsmithers", displayName: "John Smithers")
    static let mary = Identity(accountName: "mjones", displayName: "Mary Jones")
    public static let examples: [RuleExample] = [
        .reject("12smithtown", ["tolerance": 4], identity: john, source: "seed 004: \"John Smithers\" vs \"12smithtown\", 5 matching, tolerance 4"),
        .accept("12smithtown", ["tolerance": 5], identity: john, source: "seed 004: \"John Smithers\" vs \"12smithtown\", tolerance 5"),
        .reject("Mary Jones!", ["tokens": false], identity: mary, source: "seed 004 Auto table: \"Mary Jones\" → 9, the whole display name"),
        .accept("Mary Jone$", ["tokens": false, "substitution": false], identity: mary, source: "seed 004 Auto table: 9 characters tolerated"),
        .reject("MaryJones1", ["tokens": false], identity: mary, source: "the display name without its space is compared too (auto → 8)"),
        .accept("Jones2024!", ["tokens": false], identity: mary, source: "seed 004 Auto: only the entire display name is rejected"),
        .reject("Jones2024!", identity: mary, source: "tokens (default): each word of the display name is compared"),
        .reject(
            "emanyalpsidym", ["reversed": true], identity: Identity(accountName: "u1", displayName: "My Display Name"),
            source: "seed 004 bi-directional: \"emanyalpsidym\" instead of \"mydisplayname\""),
        .accept(
            "emanyalpsidym", identity: Identity(accountName: "u1", displayName: "My Display Name"),
            source: "seed 004: bi-directional analysis off (the default)"),
        .accept("Li-Wei-Liang", identity: Identity(accountName: "u2", displayName: "Li Wu"), source: "seed 001 Ignore values less than 3: short words skipped"),
        .accept("Jonestown", identity: Identity(accountName: "mjones"), source: "Samba sets SAMBA_CPS_FULL_NAME only when a display name is set"),
    ]

    let matcher: NameMatcher
}
