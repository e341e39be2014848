import Testing
@testable import PwguardCore

/// Every example of every rule, as documented by `pwguard rules`, holds.
@Suite struct RuleExampleTests {
    static let cases: [(String, Int)] = RuleRegistry.all.flatMap { t in t.examples.indices.map { (t.id, $0) } }

    @Test(arguments: cases)
    func example(_ id: String, _ index: Int) throws {
        let t = try #require(RuleRegistry.type(id))
        let ex = t.examples[index]
        let rule = try RuleRegistry.make(t, example: ex)
        let outcome = rule.evaluate(Candidate(ex.password, identity: ex.identity))
        #expect(outcome.passed == ex.accepted, "\(id): \"\(ex.password)\" with \(ex.parameters) should be \(ex.accepted ? "accepted" : "rejected") (\(ex.source)); reason: \(outcome.reason)")
        if !outcome.passed {
            // a failure must say why in words, and must not quote the whole password back
            #expect(!outcome.reason.isEmpty)
            #expect(ex.password.count < 4 || !outcome.reason.contains(ex.password))
        }
    }

    @Test func everyRuleHasExamplesBothWays() {
        for t in RuleRegistry.all {
            #expect(t.examples.contains { $0.accepted }, "\(t.id) has no accepted example")
            #expect(t.examples.contains { !$0.accepted }, "\(t.id) has no rejected example")
        }
    }

    @Test func idsAreUnique() {
        let ids = RuleRegistry.all.map { $0.id }
        #expect(Set(ids).count == ids.count)
    }
}
