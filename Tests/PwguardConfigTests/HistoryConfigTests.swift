import PwguardConfig
import PwguardCore
import Testing

/// `[history]` and the history rule's parameters.
@Suite struct HistoryConfigTests {
    /// ConfigurationTests' minimal policy, with a history rule instead of its length rule.
    static let rule = onePolicy.replacingOccurrences(of: "id = \"length\"\nmin = 8", with: "id = \"history\"\ncount = 24")

    @Test func defaults() throws {
        let c = try Configuration.parse(text: Self.rule, path: nil)
        #expect(c.history == HistorySettings())
        #expect(c.history.hashing == .defaultArgon2id && c.history.attribute == "pwguardPasswordHistory")
        #expect(c.history.maxRecords == 100 && c.history.withoutRule == .keep)
    }

    @Test func everySetting() throws {
        let c = try Configuration.parse(text: """
            [history]
            attribute = "desktopProfile"
            algorithm = "argon2id"
            argon2_memory_kib = 65536
            argon2_iterations = 3
            argon2_parallelism = 2
            max_records = 50
            confirm_timeout_seconds = 10
            without_rule = "delete"
            run_directory = "/run/pwguard-test"
            max_record_processes = 3
            max_record_processes_per_user = 2

            """ + Self.rule, path: nil)
        #expect(c.history.runDirectory == "/run/pwguard-test" && c.history.maxRecordProcesses == 3 && c.history.maxRecordProcessesPerUser == 2)
        #expect(c.history.attribute == "desktopProfile" && c.history.maxRecords == 50 && c.history.confirmTimeoutSeconds == 10)
        #expect(c.history.hashing == HistoryHashing(algorithm: .argon2id, memoryKiB: 65536, iterations: 3, parallelism: 2))
        #expect(c.history.withoutRule == .delete)
        let sha = try Configuration.parse(text: "[history]\nalgorithm = \"sha256\"\n" + Self.rule, path: nil)
        #expect(sha.history.hashing == .sha256)
    }

    @Test(arguments: [
        ("[history]\nalgorithm = \"md5\"\n", "algorithm"),
        ("[history]\nalgorithm = \"sha256\"\nargon2_iterations = 2\n", "argon2_"),
        ("[history]\nmax_records = 101\n", "max_records"),
        ("[history]\nargon2_memory_kib = 8\n", "argon2_memory_kib"),
        ("[history]\nattribute = \"bad name\"\n", "attribute"),
        ("[history]\nwithout_rule = \"maybe\"\n", "without_rule"),
        ("[history]\nrun_directory = \"run/pwguard\"\n", "run_directory"),
        ("[history]\nmax_record_processes = 0\n", "max_record_processes"),
        ("[history]\nmax_record_processes_per_user = 65\n", "max_record_processes_per_user"),
        ("[history]\nmax_records = 10\n", "more than [history] max_records = 10"),
        ("[history]\nsalt = \"x\"\n", "salt"),
    ])
    func invalid(text: String, mentions: String) throws {
        let all = errors(text + Self.rule)
        #expect(all.contains { "\($0)".contains(mentions) }, "\(all)")
    }

    @Test func historyRuleNeedsAWindow() {
        let all = errors(Self.rule.replacingOccurrences(of: "count = 24", with: "count = 0"))
        #expect(all.contains { "\($0)".contains("set count (1-100) or days") })
        #expect(!errors(Self.rule.replacingOccurrences(of: "count = 24", with: "days = 365")).contains { _ in true })
        #expect(errors(Self.rule.replacingOccurrences(of: "count = 24", with: "count = 101")).count == 1)
    }
}
