import Testing
@testable import PwguardCore

#if canImport(Glibc)
import Glibc
#endif

/// Which files pwguard takes its policy from (issue 12, finding 12): refused when others can write them or a
/// user other than root and the one running pwguard owns them; a warning when group-writable.
@Suite struct FileTrustTests {
    @Test func ownerAndModeDecide() {
        let me: uid_t = 1000
        #expect(FileTrust.refusal(owner: 0, mode: 0o100644, euid: me) == nil)
        #expect(FileTrust.refusal(owner: me, mode: 0o100600, euid: me) == nil)
        #expect(FileTrust.refusal(owner: 0, mode: 0o100666, euid: me)?.contains("writable by others (mode 0666)") == true)
        #expect(FileTrust.refusal(owner: me, mode: 0o100602, euid: me)?.contains("writable by others") == true)
        #expect(FileTrust.refusal(owner: 65534, mode: 0o100644, euid: me)?.contains("owned by uid 65534") == true)
        #expect(FileTrust.refusal(owner: 65534, mode: 0o100644, euid: 0)?.contains("owned by uid 65534") == true)
        #expect(FileTrust.refusal(owner: 0, mode: 0o100664, euid: me) == nil)
        #expect(FileTrust.caution(mode: 0o100664)?.contains("group-writable (mode 0664)") == true)
        #expect(FileTrust.caution(mode: 0o100644) == nil)
    }

    static func file(_ text: String) -> String {
        var template = Array("/tmp/pwguard-trust-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        _ = text.withCString { write(fd, $0, strlen($0)) }
        fchmod(fd, 0o644)
        close(fd)
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    @Test func trustedReadsRefuseOthersWritableFilesNamingThem() throws {
        let path = Self.file("kelpcorp\n")
        defer { unlink(path) }
        #expect(try readFileBytes(path, trusted: true) == Array("kelpcorp\n".utf8))
        chmod(path, 0o666)
        do {
            _ = try readFileBytes(path, trusted: true)
            Issue.record("an others-writable file was read")
        } catch let e as FileError {
            #expect(e.path == path && e.reason.contains("writable by others"), "\(e)")
        }
        #expect(try readFileBytes(path) == Array("kelpcorp\n".utf8))   // untrusted reads (import inputs) are unchanged
        chmod(path, 0o664)
        _ = try readFileBytes(path, trusted: true)
        #expect(FileTrust.warnings.contains { $0.hasPrefix(path + ": group-writable") })
    }

    @Test func theOpenedFileIsJudgedNotWhateverThePathNamesLater() throws {
        let good = Self.file("a\n"), bad = Self.file("b\n")
        defer { unlink(good); unlink(bad) }
        chmod(bad, 0o666)
        let fd = open(good, O_RDONLY)
        defer { close(fd) }
        #expect(rename(bad, good) == 0)   // the path now names the others-writable file
        #expect(throws: Never.self) { try FileTrust.check(fd: fd, path: good) }
        let again = open(good, O_RDONLY)
        defer { close(again) }
        #expect(throws: FileError.self) { try FileTrust.check(fd: again, path: good) }
    }

    @Test func indexesAndStoresAreJudgedToo() throws {
        var template = Array("/tmp/pwguard-trust-XXXXXX".utf8CString)
        let dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        let index = dir + "/w.pwgw"
        try WordIndexWriter.writeAtomically(WordIndexWriter.build(["kelpcorp"]), to: index)
        _ = try WordIndex(path: index)
        chmod(index, 0o646)
        #expect(throws: FileError.self) { try WordIndex(path: index) }
        #expect(WordIndexTests.ruleError(index).contains("writable by others"))

        let list = dir + "/l.txt", store = dir + "/s.pwgs"
        try WordIndexWriter.writeAtomically(Array("Summer2024!\n".utf8), to: list)
        var options = ImportOptions(kind: .sha1)
        options.plain = true
        let importer = HashImporter(options: options)
        try importer.add(path: list)
        _ = try importer.write(to: store)
        _ = try HashStore(path: store)
        chmod(store, 0o602)
        do {
            _ = try HashStore(path: store)
            Issue.record("an others-writable store was opened")
        } catch {
            #expect(error.untrusted && error.reason.contains("writable by others"), "\(error)")
        }
        // the breached rule makes it a configuration error (not a broken store left to on_error)
        #expect(throws: (any Error).self) {
            try BreachedRule(RuleParameters(["stores": ["s"]]), resources: Resources(storePaths: ["s": store]))
        }
    }
}

/// The strength rule's own ranked lists (text or compiled) are judged like every other list.
@Suite struct RankedListTrustTests {
    @Test func textAndCompiledRankedListsOthersCanWriteAreRefused() throws {
        let text = FileTrustTests.file("kelpcorp\nfjordline\n")
        let compiled = FileTrustTests.file("")
        defer { unlink(text); unlink(compiled) }
        let blob = RankedListWriter.build(["kelpcorp", "fjordline"])
        let fd = open(compiled, O_WRONLY | O_TRUNC)
        _ = blob.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        for path in [text, compiled] {
            #expect(throws: Never.self) { _ = try Resources(listPaths: ["own": path]).rankedList("own") }
            chmod(path, 0o666)
            do {
                _ = try Resources(listPaths: ["own": path]).rankedList("own")
                Issue.record("an others-writable ranked list was used: \(path)")
            } catch let e as FileError {
                #expect(e.path == path && e.reason.contains("writable by others"), "\(e)")
            }
            chmod(path, 0o644)
        }
    }
}
