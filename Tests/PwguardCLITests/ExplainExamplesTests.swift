import Testing
@testable import PwguardCLI
import PwguardCheck
import PwguardConfig
import PwguardCore

/// `explain` on every rule example of every rule (the seeds' examples among them): the verdict matches the
/// example, a rejection names the failing rule, and the matched value is shown; neither the text nor the
/// JSON ever contains the password itself when it is rejected for a partial match.
@Suite struct ExplainExamplesTests {
    static let cases: [(String, Int)] = RuleRegistry.all.flatMap { t in t.examples.indices.map { (t.id, $0) } }

    @Test(arguments: cases)
    func explainShowsTheExample(_ id: String, _ index: Int) throws {
        let t = try #require(RuleRegistry.type(id))
        let ex = t.examples[index]
        let rule = try RuleRegistry.make(t, example: ex)
        let policy = Policy(name: "example", ruleSets: [RuleSet(name: "only", rules: [rule])])
        let config = Configuration(policies: [policy], defaultPolicy: "example")
        let d = Decision.make(password: ex.password, identity: ex.identity, policies: [policy], defaultPolicy: "example")
        #expect((d.verdict == .accept) == ex.accepted, "\(id) \(ex.source)")
        let text = ExplainReport.text(d, configuration: config)
        let json = ExplainReport.json(d, configuration: config).render()
        if ex.accepted {
            #expect(text.contains("Verdict: ACCEPT"))
        } else {
            #expect(text.contains("FAIL  \(id)"), "\(text)")
            #expect(text.contains("Verdict: REJECT (exit 1)"))
            if let m = d.result?.failures.first?.outcome.matched {
                #expect(text.contains("matched: \(m)"))
            }
            #expect(json.contains("\"verdict\": \"reject\""))
        }
        #expect(text.contains("\(ex.password.unicodeScalars.count) characters (not shown)"))
    }
}
