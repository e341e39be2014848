import Testing
@testable import PwguardCore

/// Password history records, the history rule's cost, and the engine's "expensive rules last".
@Suite struct HistoryTests {
    static let cheap = HistoryHashing(algorithm: .argon2id, memoryKiB: 64, iterations: 1, parallelism: 1)

    static func hex(_ b: [UInt8]) -> String { b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }

    @Test func sha256KnownVectors() {
        #expect(Self.hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Self.hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(Self.hex(SHA256.hash(long)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func base64RoundTrips() {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(($0 * 37 + n) & 255) }
            #expect(Base64.decode(Substring(Base64.encode(bytes))) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8")
        #expect(Base64.decode("Zm8=") == Array("fo".utf8))
        #expect(Base64.decode("Z") == nil)
        #expect(Base64.decode("Zm9v$") == nil)
    }

    @Test func argon2idIsDeterministicAndSalted() throws {
        let h = HistoryHasher()
        let a = try h.hash(Array("Summer2025!".utf8), hashing: Self.cheap, salt: Array("saltsaltsalt".utf8)).get()
        let b = try HistoryHasher().hash(Array("Summer2025!".utf8), hashing: Self.cheap, salt: Array("saltsaltsalt".utf8)).get()
        let c = try HistoryHasher().hash(Array("Summer2025!".utf8), hashing: Self.cheap, salt: Array("othersaltxyz".utf8)).get()
        #expect(a.count == 32 && a == b && a != c)
    }

    @Test func argon2FailureIsReportedNotThrownAway() {
        // Parameters libargon2 refuses (no pass at all): the hasher keeps the failure with libargon2's words. (An
        // allocation that fails is tested on the real binary under `ulimit -v` in test_history.sh: asking for
        // terabytes here would abort an AddressSanitizer run instead of failing the allocation.)
        let bad = HistoryHashing(algorithm: .argon2id, memoryKiB: 64, iterations: 0, parallelism: 1)
        let h = HistoryHasher()
        if case .success = h.hash(Array("x".utf8), hashing: bad, salt: Array("saltsalt".utf8)) { Issue.record("expected a failure") }
        #expect(h.failure?.message.hasPrefix("Argon2id (m=64,t=0,p=1) failed: ") == true)
        // The first failure is kept; a later success does not clear it.
        _ = h.hash(Array("x".utf8), hashing: Self.cheap, salt: Array("saltsalt".utf8))
        #expect(h.failure != nil && h.argon2Computations == 2)
    }

    @Test func recordTextRoundTripsAndRejectsOthers() throws {
        let r = HistoryRecord(hashing: .defaultArgon2id, salt: Array(repeating: 7, count: 16), time: 1_790_000_000, hash: Array(repeating: 9, count: 32))
        #expect(r.text.hasPrefix("pwg2$argon2id$m=19456,t=2,p=1$"))
        #expect(r.text.contains("$1790000000.000000$"))
        #expect(HistoryRecord(text: r.text) == r)
        let us = HistoryRecord(hashing: .sha256, salt: Array(repeating: 1, count: 16), time: 1_790_000_000, microseconds: 4_321,
                               hash: Array(repeating: 2, count: 32))
        #expect(us.text.contains("$1790000000.004321$") && HistoryRecord(text: us.text) == us)
        // a pwg1 record (whole seconds) is read and written back byte for byte
        let v1 = "pwg1$sha256$-$AQEBAQEBAQEBAQEBAQEBAQ$1790000000$AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI"
        #expect(HistoryRecord(text: v1)?.text == v1 && HistoryRecord(text: v1)?.format == 1)
        #expect(HistoryRecord(text: v1)!.isNewer(than: us) == false && us.isNewer(than: HistoryRecord(text: v1)!))
        let s = HistoryRecord(hashing: .sha256, salt: Array(repeating: 1, count: 16), time: 5, hash: Array(repeating: 2, count: 32))
        #expect(HistoryRecord(text: s.text) == s)
        for bad in ["", "pwg3$sha256$-$AAAAAAAAAAA$5$AAAAAAAAAAAAAAAAAAAAAA", "pwg2$sha256$-$AAAAAAAAAAA$5$AAAAAAAAAAAAAAAAAAAAAA",
                    "pwg2$sha256$-$AAAAAAAAAAA$5.12345$AAAAAAAAAAAAAAAAAAAAAA", "pwg2$sha256$-$AAAAAAAAAAA$-5.123456$AAAAAAAAAAAAAAAAAAAAAA",
                    "pwg2$sha256$-$AAAAAAAAAAA$ 5.123456$AAAAAAAAAAAAAAAAAAAAAA", "pwg1$md5$-$AAAAAAAAAAA$5$AAAAAAAAAAAAAAAAAAAAAA",
                    "pwg1$argon2id$m=1,t=1,p=1$AAAAAAAAAAA$5$AAAAAAAAAAAAAAAAAAAAAA", "pwg1$sha256$-$AA$5$AAAAAAAAAAAAAAAAAAAAAA",
                    "pwg1$sha256$-$AAAAAAAAAAA$x$AAAAAAAAAAAAAAAAAAAAAA", "desktop profile text"] {
            #expect(HistoryRecord(text: bad) == nil, "\(bad)")
        }
        let snap = HistorySnapshot(values: [r.text, "garbage", s.text], readAt: 1_790_000_000)
        #expect(snap.records.count == 2 && snap.unreadable == 1)
        #expect(snap.records.first == r)  // newest first
    }

    static func snapshot(_ n: Int, hashing: HistoryHashing = cheap) -> HistorySnapshot {
        let salt = Array("per-user-salt-01".utf8)
        let h = HistoryHasher()
        let values = (0..<n).map { i in
            HistoryRecord(hashing: hashing, salt: salt, time: 1_790_000_000 - Int64(i) * 86_400,
                          hash: try! h.hash(Array("Old-Password-\(i)".utf8), hashing: hashing, salt: salt).get()).text
        }
        return HistorySnapshot(values: values, readAt: 1_790_000_000)
    }

    static func evaluate(_ snapshot: HistorySnapshot, _ password: String, count: Int = 100) throws -> (RuleOutcome, HistoryHasher) {
        let resources = Resources()
        let rule = try HistoryRule(RuleParameters(["count": .int(count)], path: "test"), resources: resources)
        var id = Identity(accountName: "mary")
        id.passwordHistory = snapshot
        return (rule.evaluate(Candidate(password, identity: id)), resources.historyHasher)
    }

    /// The issue's cost property: 1, 24 and 100 stored records cost the same number of Argon2 computations.
    @Test(arguments: [1, 24, 100]) func oneArgon2ComputationWhateverTheDepth(depth: Int) throws {
        let (miss, h1) = try Self.evaluate(Self.snapshot(depth), "Never-Used-Before-1")
        #expect(miss.passed && h1.argon2Computations == 1)
        let (hit, h2) = try Self.evaluate(Self.snapshot(depth), "Old-Password-\(depth - 1)")
        #expect(!hit.passed && h2.argon2Computations == 1)
        #expect(hit.reason.contains("\(HistoryRule.ordinal(depth)) most recent"))
    }

    @Test func oneComputationPerParameterSetWhenMixed() throws {
        var snap = Self.snapshot(3)
        snap.values += Self.snapshot(3, hashing: .sha256).values
        let (outcome, h) = try Self.evaluate(snap, "Never-Used-Before-1")
        #expect(outcome.passed && h.argon2Computations == 1 && h.sha256Computations == 1)
    }

    @Test func relevantHonoursCountAndDays() {
        let snap = Self.snapshot(10)  // one record per day, 0...9 days old
        #expect(snap.relevant(count: 3, days: 0).count == 3)
        #expect(snap.relevant(count: 0, days: 5).count == 6)
        #expect(snap.relevant(count: 8, days: 2).count == 8)
        #expect(snap.relevant(count: 0, days: 0).isEmpty)
    }

    @Test func newRecordReusesTheSaltSoTheCheckHashIsReused() throws {
        let snap = Self.snapshot(5)
        let h = HistoryHasher()
        let r = try h.record(Array("Brand-New-1".utf8), hashing: Self.cheap, snapshot: snap, time: 1).get()
        #expect(r.salt == snap.records[0].salt && h.argon2Computations == 1)
        _ = h.hash(Array("Brand-New-1".utf8), hashing: Self.cheap, salt: r.salt)
        #expect(h.argon2Computations == 1)  // memoised
        let fresh = try HistoryHasher().record(Array("Brand-New-1".utf8), hashing: .defaultArgon2id, snapshot: snap, time: 1).get()
        #expect(fresh.salt.count == 16 && fresh.salt != snap.records[0].salt)  // other parameters: a fresh salt
    }

    /// A password that fails a cheap rule never costs an Argon2 computation.
    @Test func expensiveRuleRunsOnlyWhenTheCheapOnesPass() throws {
        let resources = Resources()
        let length = try LengthRule(RuleParameters(["min": .int(12)], path: "t"), resources: resources)
        let history = try HistoryRule(RuleParameters(["count": .int(5)], path: "t"), resources: resources)
        let policy = Policy(name: "p", ruleSets: [RuleSet(name: "s", rules: [history, length])])
        var id = Identity(accountName: "mary")
        id.passwordHistory = Self.snapshot(5)
        let short = Engine.evaluate(policy, Candidate("Short-1", identity: id))
        #expect(!short.compliant && resources.historyHasher.argon2Computations == 0)
        #expect(short.sets[0].results[0].evaluated == false && short.failures.map(\.ruleID) == ["length"])
        let reused = Engine.evaluate(policy, Candidate("Old-Password-2", identity: id))
        #expect(!reused.compliant && reused.failures.map(\.ruleID) == ["history"] && resources.historyHasher.argon2Computations == 1)
    }
}
