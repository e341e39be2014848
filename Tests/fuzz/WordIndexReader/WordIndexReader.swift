// libFuzzer target: the compiled word-index reader and the word rules' walks over it
// (scripts/fuzz/run.sh word_index_reader).
//
// A valid index of 400 words is built once (an index is at least ~800 KB: its jump tables), and each input
// damages a copy (Tests/fuzz/Shared/Damage.swift). Every word rule is then built over it and run on a few passwords: refusing the index is fine, crashing or reading
// outside the mapping is not.

@testable import PwguardCore
#if canImport(Glibc)
import Glibc
#endif

let indexDirectory = scratchDirectory("words")

let validIndex: [UInt8] = {
    var words = ["password", "summer", "dragon", "monkey", "letmein", "acme", "!!BAN*!!", "!!*corp!!", "é", "x"]
    words += (0..<390).map { "word\($0)x" }
    return WordIndexWriter.build(words)
}()

let rules: [[String: ConfigValue]] = [
    ["id": "dictionary", "lists": ["w"], "tolerance": 3, "reversed": true],
    ["id": "dictionary", "lists": ["w"]],
    ["id": "password_dictionary", "lists": ["w"], "strip_affixes": true, "reversed": true],
    ["id": "defined_text", "lists": ["w"]],
    ["id": "banned_share", "lists": ["w"]],
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWordIndexReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let bytes = damaged(validIndex, by: input) { b in
        let h = 152  // the header checksum's offset (hashes/README.md, "Word indexes")
        guard b.count >= WordIndexFormat.headerSize else { return }
        let sum = b.withUnsafeBytes { WordIndexFormat.fnv1a(UnsafeRawBufferPointer(rebasing: $0[0..<h])) }
        withUnsafeBytes(of: sum.littleEndian) { for (k, v) in $0.enumerated() { b[h + k] = v } }
    }
    let path = indexDirectory + "/input.pwgw"
    writeFile(path, bytes)
    let identity = Identity(accountName: "maryjones")
    for values in rules {
        let resources = Resources(listPaths: ["w": path])
        guard let rule = try? RuleRegistry.make(RuleParameters(values, path: "fuzz"), resources: resources) else { continue }
        for pw in ["P@ssw0rd2024!", "drowssap", "xSummer99monkey", "wordlx", "ACMEcorp"] {
            _ = rule.evaluate(Candidate(pw, identity: identity))
        }
    }
    return 0
}
