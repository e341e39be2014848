import Testing
@testable import PwguardCheck
import PwguardCore

/// The record job handed to the detached process, and what it keeps and deletes.
@Suite struct HistoryRecorderTests {
    static func rec(_ daysAgo: Int64, _ tag: UInt8, now: Int64 = 1_790_000_000) -> HistoryRecord {
        HistoryRecord(hashing: .sha256, salt: Array(repeating: 1, count: 16), time: now - daysAgo * 86_400, hash: Array(repeating: tag, count: 32))
    }

    @Test func jobRoundTripsAndCarriesNoPassword() {
        let job = HistoryRecorder.Job(configPath: "/etc/pwguard/pwguard.toml", account: "mary", distinguishedName: "CN=mary,CN=Users,DC=lab,DC=example",
                                      passwordVersion: 3, pwdLastSet: 134_399_176_668_894_900, action: .record(Self.rec(0, 5)),
                                      keepCount: 24, keepDays: 365, maxRecords: 100)
        #expect(HistoryRecorder.Job(text: job.text) == job)
        let create = HistoryRecorder.Job(configPath: nil, account: "new", distinguishedName: nil, passwordVersion: nil, pwdLastSet: nil,
                                         action: .delete, keepCount: 0, keepDays: 0, maxRecords: 100)
        #expect(HistoryRecorder.Job(text: create.text) == create)
        #expect(HistoryRecorder.Job(text: "pwguard-history-job 2\naccount x") == nil)
        #expect(HistoryRecorder.Job(text: job.text.replacingOccurrences(of: "record pwg1", with: "record pwg9")) == nil)
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
}
