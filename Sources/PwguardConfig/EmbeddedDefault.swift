import PwguardCore

extension Configuration {
    /// The policy used when no configuration file exists, as TOML (`pwguard config show-default` prints it).
    ///
    /// Samba stops running its own complexity check once a check password script is configured, so this
    /// default must never be weaker than Samba without a script: it does what Windows' "Password must meet
    /// complexity requirements" does, and also refuses short and commonly used passwords.
    public static let embeddedDefaultTOML = """
        # pwguard's embedded default policy: used when /etc/pwguard/pwguard.toml does not exist.
        #
        # Samba skips its own password complexity check once a "check password script" is configured, so
        # this default is never weaker than Samba without a script: it keeps Windows' complexity rules and
        # adds a minimum length, the built-in list of common passwords and a guess estimate.
        # Copy it to /etc/pwguard/pwguard.toml to start your own configuration.

        on_error = "reject"      # fail closed: refuse the change when pwguard cannot decide
        deadline_ms = 500
        default_policy = "default"

        [[policy]]
        name = "default"
        mode = "enforce"

        [[policy.rule_set]]
        name = "baseline"
        require = "all"

        # Windows "Password must meet complexity requirements": 3 of 5 character categories, no account
        # name, no display-name token of 3 or more characters.
        [[policy.rule_set.rule]]
        id = "windows_complexity"

        [[policy.rule_set.rule]]
        id = "length"
        min = 8

        # Common passwords, also with substituted characters (P@ssw0rd) and with digits or symbols added
        # before or after (Password2024!).
        [[policy.rule_set.rule]]
        id = "password_dictionary"
        lists = ["builtin:common-passwords"]
        substitution = true
        strip_affixes = true

        # How many guesses an attacker needs (zxcvbn's method, on built-in ranked lists of common passwords,
        # English words, first names and surnames): refuses "Review2024!", "Pr3$3rv3d1", "!QAZ2wsx#EDC" and
        # doubled words; four uncommon words or 14 random characters pass. `pwguard rules strength`.
        [[policy.rule_set.rule]]
        id = "strength"
        min_guesses_log10 = 11

        """

    /// The same policy as `embeddedDefaultTOML`, built without parsing TOML: the hot path with no
    /// configuration file skips the TOML parser entirely (about 0.4 ms per check). A test asserts both agree.
    static let embeddedDefaultRules: [[String: ConfigValue]] = [
        ["id": "windows_complexity"],
        ["id": "length", "min": 8],
        ["id": "password_dictionary", "lists": ["builtin:common-passwords"], "substitution": true, "strip_affixes": true],
        ["id": "strength", "min_guesses_log10": 11],
    ]

    private static let embedded: Result<Configuration, ConfigError> = {
        do {
            let resources = Resources()
            let rules = try embeddedDefaultRules.enumerated().map { i, values in
                try RuleRegistry.make(RuleParameters(values, path: "policy[1].rule_set[1].rule[\(i + 1)]"), resources: resources)
            }
            let policy = Policy(name: "default", priority: 0, mode: .enforce,
                                ruleSets: [RuleSet(name: "baseline", requirement: .all, rules: rules)])
            return .success(Configuration(path: nil, onError: .reject, deadlineMilliseconds: 500, policies: [policy],
                                          defaultPolicy: "default", resources: resources))
        } catch let e as ConfigError {
            return .failure(e)
        } catch {
            return .failure(ConfigError(key: "", message: "\(error)"))
        }
    }()

    /// The embedded default configuration (parsed once per process). It throws only if a rule it uses is
    /// missing from this build, which the test suite rules out.
    public static func embeddedDefault() throws -> Configuration {
        try embedded.get()
    }
}
