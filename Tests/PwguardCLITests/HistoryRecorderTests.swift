import Foundation
import Testing
@testable import PwguardCheck
import PwguardCore

/// The record job handed to the detached process, what it keeps and deletes, how it confirms the change, and
/// how many record processes may run.
@Suite struct HistoryRecorderTests {
    static func rec(_ daysAgo: Int64, _ tag: UInt8, now: Int64 = 1_790_000_000, us: Int32 = 0, format: Int = 2) -> HistoryRecord {
        HistoryRecord(hashing: .sha256, salt: Array(repeating: 1, count: 16), time: now - daysAgo * 86_400, microseconds: us,
                      hash: Array(repeating: tag, count: 32), format: format)
    }

    static let nt: [UInt8] = Digest.ntlm("New-Password-1")
    static let job = HistoryRecorder.Job(configPath: "/etc/pwguard/pwguard.toml", account: "mary", distinguishedName: "CN=mary,CN=Users,DC=lab,DC=example",
                                         passwordVersion: 3, pwdLastSet: 134_399_176_668_894_900, action: .record(rec(0, 5, us: 42)),
                                         keepCount: 24, keepDays: 365, maxRecords: 100, ntHash: nt)

    static func text(_ job: HistoryRecorder.Job) -> String { String(decoding: job.encoded, as: UTF8.self) }

    @Test func jobRoundTripsAndCarriesNoPassword() {
        #expect(HistoryRecorder.Job(bytes: Self.job.encoded) == Self.job)
        let create = HistoryRecorder.Job(configPath: nil, account: "new", distinguishedName: nil, passwordVersion: nil, pwdLastSet: nil,
                                         action: .delete, keepCount: 0, keepDays: 0, maxRecords: 100, ntHash: Self.nt)
        #expect(HistoryRecorder.Job(bytes: create.encoded) == create)
        #expect(!Self.text(Self.job).contains("New-Password-1"))
        #expect(!"\(Self.job)".contains(Self.text(Self.job).split(separator: "nthash=32:")[1].prefix(32)), "description shows the NT hash")
        #expect(HistoryRecorder.Job(bytes: Array("pwguard-history-job 1\naccount x\n".utf8)) == nil)
        #expect(HistoryRecorder.Job(bytes: Array(Self.text(Self.job).replacingOccurrences(of: "pwg2$", with: "pwg9$").utf8)) == nil)
    }

    /// Finding 6: account and DN with a newline, a repeated key, a trailing `config` line, a line of spaces.
    @Test func jobTextIsFramedAndStrict() {
        let t = Self.text(Self.job)
        var injected = Self.job
        injected.account = "mary\nconfig /tmp/x.toml"
        #expect(HistoryRecorder.Job(bytes: injected.encoded) == nil, "a control character in a field")
        injected = Self.job
        injected.distinguishedName = "CN=x\u{85},DC=lab"
        #expect(HistoryRecorder.Job(bytes: injected.encoded) == nil, "a C1 control character in the DN")
        let bad = [
            t + "config=12:/tmp/x.toml\n",                                     // anything after end
            t.replacingOccurrences(of: "end\n", with: "config=12:/tmp/x.toml\nend\n"),  // a repeated key
            t.replacingOccurrences(of: "end\n", with: "extra=1:x\nend\n"),     // an unknown key
            t.replacingOccurrences(of: "account=4:mary", with: "account=5:mary"),  // a wrong length
            t.replacingOccurrences(of: "account=4:mary", with: "account=04:mary"), // a leading zero
            t.replacingOccurrences(of: "version=1:3", with: "version=2:+3"),
            t.replacingOccurrences(of: "config=25:/etc/pwguard/pwguard.toml", with: "config=9:etc/x.tom"),  // relative path
            t.replacingOccurrences(of: "action=6:record", with: "action=6:delete"),  // delete with a record
            String(t.dropLast()),                                               // cut short
            "pwguard-history-job 2\n" + String(repeating: " ", count: 40) + "\n",  // a line of spaces (trapped before)
            " ", "\n\n\n", "",
        ]
        for b in bad { #expect(HistoryRecorder.Job(bytes: Array(b.utf8)) == nil, "\(b.debugDescription)") }
        // the old format's attack: a `config` line after a newline in the account
        #expect(HistoryRecorder.Job(bytes: Array("pwguard-history-job 1\naccount x\nconfig /tmp/x.toml\nkeep 1 0 1\ndelete\n".utf8)) == nil)
    }

    @Test func jobParserNeverTrapsOnMutations() {
        var g = SystemRandomNumberGenerator()
        let base = Self.job.encoded
        for _ in 0..<3000 {
            var b = base
            for _ in 0..<Int.random(in: 1...4, using: &g) {
                let i = Int.random(in: 0..<b.count, using: &g)
                switch Int.random(in: 0...2, using: &g) {
                case 0: b[i] = UInt8.random(in: 0...255, using: &g)
                case 1: b.remove(at: i)
                default: b.insert(UInt8.random(in: 0...255, using: &g), at: i)
                }
                if b.isEmpty { break }
            }
            _ = HistoryRecorder.Job(bytes: b)
        }
    }

    @Test func pruneKeepsTheNewestCountAndDeletesExactlyTheRest() {
        let current = (1...5).map { Self.rec(Int64($0) * 10, UInt8($0)).text } + ["not a record"]
        let new = Self.rec(0, 99)
        let p = HistoryRecorder.prune(current: current, adding: new, keepCount: 3, keepDays: 0, maxRecords: 100, now: new.time)
        #expect(p.keep == [new.text, current[0], current[1], "not a record"])
        #expect(Set(p.delete) == Set(current[2...4]))
    }

    @Test func pruneKeepsTheDayWindowUpToTheCap() {
        let current = (1...5).map { Self.rec(Int64($0) * 10, UInt8($0)).text }  // 10...50 days old
        let new = Self.rec(0, 99)
        let p = HistoryRecorder.prune(current: current, adding: new, keepCount: 1, keepDays: 35, maxRecords: 100, now: new.time)
        #expect(p.keep.count == 4 && p.delete == [current[3], current[4]])
        let capped = HistoryRecorder.prune(current: current, adding: new, keepCount: 100, keepDays: 0, maxRecords: 2, now: new.time)
        #expect(capped.keep == [new.text, current[0]] && capped.delete.count == 4)
    }

    /// Finding 13: four changes within one second, recorded in any order, count 3: the three newest stay.
    @Test func pruneUnderABurstKeepsTheNewest() {
        let burst = (1...4).map { Self.rec(0, UInt8($0), us: Int32($0) * 100_000) }  // same second, 0.1 s apart
        let older = Self.rec(1, 50).text
        for order in [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]] {
            var values = [older]
            for i in order {
                let p = HistoryRecorder.prune(current: values, adding: burst[i], keepCount: 3, keepDays: 0, maxRecords: 100, now: burst[i].time)
                values = p.keep
            }
            #expect(Set(values) == Set(burst[1...3].map(\.text)), "order \(order)")
        }
        // whole-second pwg1 records tie with the new one: the new one counts as the newest
        let old1 = (1...3).map { Self.rec(0, UInt8($0), format: 1).text }
        let p = HistoryRecorder.prune(current: old1, adding: Self.rec(0, 9, format: 1), keepCount: 3, keepDays: 0, maxRecords: 100,
                                      now: 1_790_000_000)
        #expect(p.keep.first == Self.rec(0, 9, format: 1).text && p.delete.count == 1)
    }

    /// Finding 4: `without_rule = "delete"` deletes pwguard's records only.
    @Test func deleteTakesOnlyPwguardRecords() {
        let values = [Self.rec(1, 1).text, Self.rec(2, 2, format: 1).text, "\\\\server\\profiles\\mary", "pwg9$argon3$x$y$1$z",
                      "pwg1$sha256$-$AAAA"]
        #expect(HistoryRecorder.deletions(values) == [values[0], values[1]])
        #expect(HistoryRecorder.deletions(["\\\\server\\profiles\\mary"]).isEmpty)
    }

    // MARK: confirmation (findings 10 and 13)

    static func state(version: UInt32?, current: String?, history: [String]) -> PasswordState {
        PasswordState(version: version, pwdLastSet: 1, unicodePwd: current.map(Digest.ntlm), ntPwdHistory: history.flatMap(Digest.ntlm))
    }

    @Test func confirmationIsTiedToThisPassword() {
        let job = Self.job  // version 3 at the check, password New-Password-1
        #expect(Confirmation.of(job, Self.state(version: 3, current: "Old-1", history: ["Old-1"])) == .waiting)
        #expect(Confirmation.of(job, Self.state(version: 4, current: "New-Password-1", history: ["New-Password-1", "Old-1"])) == .committed)
        // refused by Samba, then a retry committed: the version moved, but not to this password
        guard case .notCommitted = Confirmation.of(job, Self.state(version: 4, current: "Retry-2", history: ["Retry-2", "Old-1"])) else {
            Issue.record("a refused change was confirmed by another one's commit"); return
        }
        // committed, then two more changes before the record process looked
        #expect(Confirmation.of(job, Self.state(version: 6, current: "C", history: ["C", "B", "New-Password-1", "Old-1"])) == .committed)
        guard case .notCommitted = Confirmation.of(job, Self.state(version: 6, current: "C", history: ["C", "New-Password-1", "B", "Old-1"])) else {
            Issue.record("wrong position accepted"); return
        }
        guard case .cannotTell = Confirmation.of(job, Self.state(version: 9, current: "C", history: ["C", "B"])) else {
            Issue.record("beyond Samba's history"); return
        }
        guard case .cannotTell = Confirmation.of(job, PasswordState(version: 4, pwdLastSet: 2, unicodePwd: nil, ntPwdHistory: [])) else {
            Issue.record("unicodePwd not readable must not confirm"); return
        }
    }

    @Test func confirmationOfACreate() {
        var create = Self.job
        create.distinguishedName = nil
        create.passwordVersion = nil
        #expect(Confirmation.of(create, nil) == .waiting)
        #expect(Confirmation.of(create, Self.state(version: 2, current: "New-Password-1", history: ["New-Password-1"])) == .committed)
        #expect(Confirmation.of(create, Self.state(version: 3, current: "Next", history: ["Next", "New-Password-1"])) == .committed)
        guard case .notCommitted = Confirmation.of(create, Self.state(version: 2, current: "Other", history: ["Other"])) else {
            Issue.record("another create's password"); return
        }
    }

    // MARK: seats (finding 10)

    static func tempDir() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("pwguard-slots-\(UUID().uuidString)").path
        return d
    }

    static func seated(_ r: Result<RecordSlots, RecordSlots.Failure>) -> RecordSlots? { try? r.get() }

    @Test func seatsBoundRecordProcessesPerUserAndInAll() {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func take(_ account: String) -> Result<RecordSlots, RecordSlots.Failure> {
            RecordSlots.acquire(runDirectory: dir, account: account, perUser: 1, total: 2, waitMilliseconds: 100)
        }
        var a = Self.seated(take("mary"))
        #expect(a != nil)
        guard case .failure(.busy) = take("MARY") else { Issue.record("a second seat for the same user (any case)"); return }
        var b = Self.seated(take("bob"))
        #expect(b != nil)
        guard case .failure(.busy) = take("carol") else { Issue.record("a third seat in all"); return }
        // only one process of a user takes its turn at the directory at a time
        let c = Self.seated(RecordSlots.acquire(runDirectory: dir, account: "mary", perUser: 2, total: 3, waitMilliseconds: 100))
        #expect(c != nil)
        #expect(a?.waitForTurn(since: Deadline.now(), limit: 50) == .success(true))
        #expect(c?.waitForTurn(since: Deadline.now(), limit: 50) == .success(false))
        a = nil
        #expect(c?.waitForTurn(since: Deadline.now(), limit: 50) == .success(true), "the turn is free once its holder ends")
        b = nil
        #expect(b == nil && Self.seated(take("carol")) != nil, "a seat is free once its holder ends")
    }

    @Test func seatsRefuseAnUnsafeRunDirectory() throws {
        let dir = Self.tempDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        chmod(dir, 0o777)
        guard case .failure(.runDirectory) = RecordSlots.acquire(runDirectory: dir, account: "x", perUser: 1, total: 1, waitMilliseconds: 0) else {
            Issue.record("a world-writable run directory was used"); return
        }
        chmod(dir, 0o700)
        let link = dir + ".link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: dir)
        defer { try? FileManager.default.removeItem(atPath: link) }
        guard case .failure(.runDirectory) = RecordSlots.acquire(runDirectory: link, account: "x", perUser: 1, total: 1, waitMilliseconds: 0) else {
            Issue.record("a symlinked run directory was used"); return
        }
    }
}
