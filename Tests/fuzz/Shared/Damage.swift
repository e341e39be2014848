// Shared by the reader fuzz targets (store_reader, word_index_reader): a scratch directory on tmpfs, and the
// way an input damages a copy of a valid file.
//
// Input layout: byte 0 = flags (bit 0: recompute the header checksum after patching, so damaged fields
// behind a valid checksum reach the field checks and the readers' walks; bit 1: truncate to the length in
// bytes 1-4), then 5-byte patches: a 32-bit little-endian offset (modulo the size) and a byte XORed in there.

#if canImport(Glibc)
import Glibc
#endif

func scratchDirectory(_ name: String) -> String {
    var template = Array("/dev/shm/pwguard-fuzz-\(name)-XXXXXX".utf8CString)
    guard let p = mkdtemp(&template) else { fatalError("mkdtemp") }
    return String(cString: p)
}

/// `valid` damaged as `input` says; `fixChecksum(bytes)` recomputes the header checksum when bit 0 is set.
func damaged(_ valid: [UInt8], by input: [UInt8], fixChecksum: (inout [UInt8]) -> Void) -> [UInt8] {
    func u32(_ i: Int) -> Int { Int(UInt32(input[i]) | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2]) << 16 | UInt32(input[i + 3]) << 24) }
    var bytes = valid
    let flags = input.first ?? 0
    var i = 1
    if flags & 2 != 0, input.count >= 5 {
        bytes = Array(bytes.prefix(u32(1) % (bytes.count + 1)))
        i = 5
    }
    while i + 5 <= input.count, !bytes.isEmpty {
        bytes[u32(i) % bytes.count] ^= input[i + 4]
        i += 5
    }
    if flags & 1 != 0 { fixChecksum(&bytes) }
    return bytes
}

func writeFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
}
