import Foundation
import Testing

/// `pwguard words compile` / `words info`, and `pwguard check` with a compiled list, through the binary.
@Suite struct WordsCommandTests {
    /// A text list and its compiled index (written by the binary) in a fresh directory.
    static func compiled() throws -> (dir: String, text: String, index: String) {
        let text = try Pwguard.writeTemp("words.txt", "# company words\nKelpcorp\nzorbu\n!!SPRING*!!\n")
        let dir = (text as NSString).deletingLastPathComponent
        let r = try Pwguard.run(["words", "compile", text], stdin: [])
        #expect(r.status == 0, "\(r.stderr)")
        let index = dir + "/words.pwgw"
        #expect(r.stdout.contains(index) && r.stdout.contains("3 entries"))
        return (dir, text, index)
    }

    static func config(_ dir: String, list: String, top: String = "") throws -> String {
        let path = dir + "/pwguard.toml"
        try """
            default_policy = "p"
            \(top)
            [lists]
            company = "\(list)"
            [[policy]]
            name = "p"
            [[policy.rule_set]]
            [[policy.rule_set.rule]]
            id = "dictionary"
            lists = ["company"]
            wildcards = true
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func checkRejectsWithACompiledListAsWithTheTextList() throws {
        let (dir, text, index) = try Self.compiled()
        let info = try Pwguard.run(["words", "info", index], stdin: [])
        #expect(info.status == 0)
        #expect(info.stdout.contains("entries: 3") && info.stdout.contains("wildcard templates: 1") && info.stdout.contains("checksum: ok"))
        for list in [index, text] {
            let cfg = try Self.config(dir, list: list)
            let bad = try Pwguard.check("My-Kelpc0rp-99x", args: ["--config", cfg])
            #expect(bad.status == 1, "\(list): \(bad.log)")
            #expect(bad.log.first?.contains("failed=\"dictionary list=company matched=") == true, "\(bad.log)")
            let template = try Pwguard.check("Springtime-Vx9!", args: ["--config", cfg])
            #expect(template.status == 1, "\(list): \(template.log)")
            let good = try Pwguard.check("Vx9-Kelp-Frimt-42", args: ["--config", cfg])
            #expect(good.status == 0, "\(list): \(good.log)")
        }
        // explain names the list and the entry as written
        let cfg = try Self.config(dir, list: index)
        let explain = try Pwguard.run(["explain", "--config", cfg, "--account", "bob"], stdin: Array("zzZorbu-42-Vx9".utf8))
        #expect(explain.stdout.contains("zorbu") && explain.stdout.contains("company"), "\(explain.stdout) \(explain.stderr)")
    }

    @Test func aDamagedIndexFailsClosedNamingTheFileLikeAMissingList() throws {
        let (dir, _, index) = try Self.compiled()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: index))
        let broken = dir + "/broken.pwgw"
        try bytes.prefix(bytes.count - 8).write(to: URL(fileURLWithPath: broken))
        for top in ["", "on_error = \"accept\""] {
            let r = try Pwguard.check("Vx9-Kelp-Frimt-42", args: ["--config", try Self.config(dir, list: broken, top: top)])
            let missing = try Pwguard.check("Vx9-Kelp-Frimt-42", args: ["--config", try Self.config(dir, list: dir + "/none.pwgw", top: top)])
            #expect(r.status == 2 && missing.status == 2)
            let line = try #require(r.log.first)
            #expect(line.contains("cause=config") && line.contains(broken) && line.contains("truncated") && line.contains("verdict=reject"))
        }
        let info = try Pwguard.run(["words", "info", broken], stdin: [])
        #expect(info.status == 1)
        #expect(info.stderr.contains(broken) && info.stderr.contains("truncated"))
        // a damaged body is found by info's full checksum
        var flipped = bytes
        flipped[flipped.count - 20] ^= 0x40
        try flipped.write(to: URL(fileURLWithPath: broken))
        let body = try Pwguard.run(["words", "info", broken], stdin: [])
        #expect(body.status == 1 && body.stderr.contains("checksum"))
    }

    @Test func aBodyDamagedBehindValidChecksumsFailsClosedNamingTheFile() throws {
        // issue 12 finding 9: a row's length changed (checksums recomputed) crashed `check` with SIGSEGV in the
        // walk; now the walk records the damage and the check refuses like a broken list: exit 2, whatever
        // on_error says, naming the file; explain too
        let (dir, _, index) = try Self.compiled()
        var b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: index)))
        func field(_ at: Int) -> Int { (0..<8).reversed().reduce(0) { $0 << 8 | Int(b[at + $1]) } }
        func put(_ at: Int, _ width: Int, _ v: UInt64) { for k in 0..<width { b[at + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) } }
        func fnv(_ r: Range<Int>) -> UInt64 { b[r].reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 } }
        put(field(96) + 12 + 4, 4, 0x00FF_FFFF)    // forward row 1 ("kelpcorp"): its length now runs past the blob
        put(144, 8, fnv(160..<b.count))
        put(152, 8, fnv(0..<152))
        let broken = dir + "/damaged.pwgw"
        try Data(b).write(to: URL(fileURLWithPath: broken))
        #expect(try Pwguard.run(["words", "info", broken], stdin: []).status == 0)   // checksums valid: info cannot tell
        for top in ["", "on_error = \"accept\""] {
            let r = try Pwguard.check("My-Kelpc0rp-99x", args: ["--config", try Self.config(dir, list: broken, top: top)])
            #expect(r.status == 2, "\(r.log) \(r.stderr)")
            let line = try #require(r.log.first)
            #expect(line.contains("cause=config") && line.contains(broken) && line.contains("damaged body") && line.contains("verdict=reject"), "\(line)")
        }
        let explain = try Pwguard.run(["explain", "--config", try Self.config(dir, list: broken), "--account", "bob"], stdin: Array("My-Kelpc0rp-99x".utf8))
        #expect(explain.status == 2 && explain.stderr.contains(broken) && explain.stderr.contains("damaged body"), "\(explain.stderr)")
    }

    @Test func compileRefusesUnreadableAndBinaryInput() throws {
        let missing = try Pwguard.run(["words", "compile", "/nonexistent/list.txt", "-o", "/tmp/never.pwgw"], stdin: [])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/list.txt"))
        let (_, _, index) = try Self.compiled()
        let again = try Pwguard.run(["words", "compile", index, "-o", index + ".2"], stdin: [])
        #expect(again.status != 0 && again.stderr.contains("compiled index already"))
        #expect(!FileManager.default.fileExists(atPath: index + ".2"))
    }
}
