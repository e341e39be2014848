/// Seed 001 "Username in Password" (User Principal Name): rejects passwords that contain the user's UPN.
public struct UPNRule: PasswordRule {
    public static let id = "upn"
    public static let summary = "Rejects passwords that contain the user principal name (the part before @) or too much of it."
    public static let details = """
        Compares the password with the part of the userPrincipalName before "@" (SAMBA_CPS_USER_PRINCIPAL_NAME, \
        only set when the account has a UPN; without one the rule passes and says so). Same comparison as \
        logon_name: `tolerance` counts consecutive matching characters (seed 004 "Tolerance"), "auto" rejects \
        only the whole prefix, and a prefix with punctuation ("mary.jones") is also compared without it. The \
        domain part is not compared by default: every account of the domain shares it, so it belongs in a \
        dictionary rule with the organisation's own words; `include_domain` adds each label of the domain but \
        the last ("contoso" of "contoso.com") as a separate value. Seed 001 "Username in Password" (UPN).
        """
    public static let parameters = NameMatcher.parameters("UPN", tokensDefault: false) + [
        ParameterDoc("include_domain", "boolean", default: "false", "Also compare each label of the UPN's domain except the last (\"contoso\" of \"contoso.com\")."),
    ]

    static let mary = Identity(accountName: "mjones", userPrincipalName: "mary.jones@contoso.com")
    public static let examples: [RuleExample] = [
        .reject("Mary.Jones2024", identity: mary, source: "seed 001 Username in Password: UPN \"mary.jones@…\" (auto: whole prefix)"),
        .reject("MaryJones2024", identity: mary, source: "the UPN prefix is also compared without punctuation"),
        .accept("Mary-Jo-2024!", identity: mary, source: "seed 004 Auto: a part of the UPN prefix is tolerated"),
        .reject("Jonestown", ["tolerance": 4], identity: mary, source: "seed 004 Tolerance: 5 matching characters, tolerance 4"),
        .accept("Jonestown", ["tolerance": 5], identity: mary, source: "seed 004 Tolerance: 5 matching characters, tolerance 5"),
        .reject("Jones-Mary-77", ["tokens": true], identity: mary, source: "tokens: each word of the UPN prefix is compared on its own"),
        .accept("Contoso#2024", identity: mary, source: "the domain part is not compared by default"),
        .reject("Contoso#2024", ["include_domain": true], identity: mary, source: "include_domain: \"contoso\" of \"contoso.com\" is compared"),
        .reject("senoj.yram!!", ["reversed": true], identity: mary, source: "seed 001 Reversed name also (UPN)"),
        .accept("Jonestown", identity: Identity(accountName: "mjones"), source: "Samba sets SAMBA_CPS_USER_PRINCIPAL_NAME only for accounts with a UPN"),
    ]

    let matcher: NameMatcher
    let includeDomain: Bool

    public init(_ p: RuleParameters, resources: Resources) throws {
        matcher = try NameMatcher(p, resources: resources, tokensDefault: false)
        includeDomain = try p.bool("include_domain", default: false)
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        var values: [(value: String?, what: String)] = [(c.identity.upnPrefix, "UPN")]
        if includeDomain, let upn = c.identity.userPrincipalName, let at = upn.lastIndex(of: "@") {
            let labels = upn[upn.index(after: at)...].split(separator: ".").dropLast()
            for label in labels { values.append((String(label), "UPN's domain")) }
        }
        return matcher.evaluate(c, values)
    }
}
