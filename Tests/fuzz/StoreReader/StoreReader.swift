// libFuzzer target: the breached-password store reader (scripts/fuzz/run.sh store_reader).
//
// A valid store of 300 SHA-1 hashes is built once; each input damages a copy of it and the reader must
// refuse it or answer lookups without crashing or reading outside the file. Input layout:
// Tests/fuzz/Shared/Damage.swift.

@testable import PwguardCore
#if canImport(Glibc)
import Glibc
#endif

let storeDirectory = scratchDirectory("store")

let validStore: [UInt8] = {
    let list = storeDirectory + "/list.txt", out = storeDirectory + "/base.pwgs"
    let text = (0..<300).map { "Password\($0)!" }.joined(separator: "\n") + "\n"
    writeFile(list, Array(text.utf8))
    var options = ImportOptions(kind: .sha1)
    options.plain = true
    let importer = HashImporter(options: options)
    do {
        try importer.add(path: list)
        _ = try importer.write(to: out)
        return try readFileBytes(out)
    } catch { fatalError("cannot build the base store: \(error)") }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStoreReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let bytes = damaged(validStore, by: input) { b in
        guard b.count >= StoreFormat.headerSize else { return }
        let sum = b.withUnsafeBytes { StoreChecksum.of(UnsafeRawBufferPointer(rebasing: $0[0..<56])) }
        withUnsafeBytes(of: sum.littleEndian) { for (k, v) in $0.enumerated() { b[56 + k] = v } }
    }
    let path = storeDirectory + "/input.pwgs"
    writeFile(path, bytes)
    if let store = try? HashStore(path: path) {
        for pw in ["Password7!", "Password299!", "not-in-the-store", ""] {
            _ = store.lookup(digest: store.header.kind.digest(pw))
        }
        _ = try? store.verify()
    }
    return 0
}
