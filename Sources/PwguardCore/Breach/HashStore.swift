#if canImport(Glibc)
import Glibc
#endif

// A breached-password store (`.pwgs`): sorted fixed-width hash records behind a prefix index, opened with
// mmap + madvise(MADV_RANDOM) so one lookup touches the index entry and one or two record pages.
// The format is documented in hashes/README.md; HashStoreWriter writes it.

/// Layout constants of the store file (format version 1).
public enum StoreFormat {
    public static let magic: [UInt8] = Array("PWGHASH".utf8) + [0]
    public static let version: UInt16 = 1
    public static let headerSize = 64
    /// Bytes of a truncated record's key: the 48 bits that follow the prefix (72+ bits compared with it).
    public static let truncatedKeyBytes = 6
    public static let countBytes = 4
    public static let flagCounts: UInt8 = 1
    public static let flagExact: UInt8 = 2

    /// Prefix bits for `n` records: about 128–256 records per bucket (a bucket of 6-byte records spans one
    /// or two pages), at least 4 and at most 32 bits.
    public static func prefixBits(for n: Int) -> Int {
        guard n > 1 else { return 4 }
        let log2n = Int.bitWidth - 1 - n.leadingZeroBitCount
        return min(32, max(4, log2n - 7))
    }

    /// Where the records start: the header, then 2^p + 1 four-byte index entries, padded to 8 bytes.
    public static func recordsOffset(prefixBits p: Int) -> Int {
        let end = headerSize + ((1 << p) + 1) * 4
        return (end + 7) & ~7
    }

    /// The first 16 bytes of a digest as a big-endian integer: its bucket and key are read from it.
    @inline(__always) public static func top(_ d: UnsafeRawBufferPointer) -> UInt128 {
        var v: UInt128 = 0
        for i in 0..<16 { v = v << 8 | UInt128(d[i]) }
        return v
    }

    @inline(__always) public static func bucket(_ top: UInt128, prefixBits p: Int) -> Int { Int(truncatingIfNeeded: top >> (128 - p)) }
    /// Bits [p, p+48) of the digest.
    @inline(__always) public static func truncatedKey(_ top: UInt128, prefixBits p: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: (top << p) >> 80)
    }
}

/// A 64-bit checksum (FNV-1a style over little-endian 64-bit words, the tail zero-padded): any change to
/// one word changes the result. Streaming, so import computes it while writing.
public struct StoreChecksum {
    private var h: UInt64 = 0xCBF2_9CE4_8422_2325
    private var pending: UInt64 = 0
    private var pendingBytes = 0

    public init() {}

    @inline(__always) private mutating func mix(_ w: UInt64) {
        h = (h ^ w) &* 0x0000_0100_0000_01B3
        h = (h << 29) | (h >> 35)
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var i = 0
        let n = bytes.count
        while pendingBytes != 0 && i < n {
            pending |= UInt64(bytes[i]) << (8 * UInt64(pendingBytes))
            pendingBytes += 1
            i += 1
            if pendingBytes == 8 { mix(pending); pending = 0; pendingBytes = 0 }
        }
        guard let base = bytes.baseAddress else { return }
        while i + 8 <= n {
            mix(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            i += 8
        }
        while i < n {
            pending |= UInt64(bytes[i]) << (8 * UInt64(pendingBytes))
            pendingBytes += 1
            i += 1
        }
    }

    public func finish() -> UInt64 {
        var c = self
        if c.pendingBytes > 0 { c.mix(c.pending) }
        c.mix(0x7077_6773)  // "pwgs": an empty range does not give the seed back
        return c.h
    }

    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var c = StoreChecksum()
        c.update(bytes)
        return c.finish()
    }
}

/// Why a store cannot be used.
public struct StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String
    /// Refused by `FileTrust` (others can write it, or another user owns it): a configuration error.
    public let untrusted: Bool
    public init(path: String, reason: String, untrusted: Bool = false) {
        self.path = path
        self.reason = reason
        self.untrusted = untrusted
    }
    public var description: String { "\(path): \(reason)" }
}

/// The result of one lookup.
public enum StoreLookup: Sendable, Equatable {
    case absent
    /// Present; the prevalence count when the store keeps counts.
    case found(count: UInt32?)
    /// The index entries for the bucket are inconsistent: the store is corrupt and must not be trusted.
    case corrupt(String)
}

/// The header fields of a store.
public struct StoreHeader: Sendable, Equatable {
    public var kind: HashKind
    public var hasCounts: Bool
    public var exact: Bool
    public var prefixBits: Int
    public var keyBytes: Int
    public var recordCount: Int
    public var recordsOffset: Int
    public var fileSize: Int
    public var dataChecksum: UInt64
    public var recordBytes: Int { keyBytes + (hasCounts ? StoreFormat.countBytes : 0) }

    /// The 64 header bytes, with the header checksum.
    public func encoded() -> [UInt8] {
        var b = StoreFormat.magic
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { b.append(contentsOf: $0) } }
        put(StoreFormat.version)
        b.append(kind.rawValue)
        b.append((hasCounts ? StoreFormat.flagCounts : 0) | (exact ? StoreFormat.flagExact : 0))
        b.append(UInt8(prefixBits))
        b.append(UInt8(keyBytes))
        b.append(UInt8(hasCounts ? StoreFormat.countBytes : 0))
        b.append(0)
        put(UInt64(recordCount))
        put(UInt64(StoreFormat.headerSize))
        put(UInt64(recordsOffset))
        put(UInt64(fileSize))
        put(dataChecksum)
        let sum = b.withUnsafeBytes { StoreChecksum.of($0) }
        put(sum)
        return b
    }

    /// Parses and validates a header against the file's size. `path` is used in errors.
    public static func decode(_ h: UnsafeRawBufferPointer, fileSize: Int, path: String) throws(StoreError) -> StoreHeader {
        func bad(_ why: String) -> StoreError { StoreError(path: path, reason: why) }
        guard fileSize >= StoreFormat.headerSize, h.count >= StoreFormat.headerSize else {
            throw bad("truncated: \(fileSize) bytes, smaller than the \(StoreFormat.headerSize)-byte header")
        }
        guard Array(h[0..<8]) == StoreFormat.magic else { throw bad("not a pwguard hash store (bad magic)") }
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: h.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        let version = UInt16(littleEndian: h.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        guard version == StoreFormat.version else { throw bad("unsupported format version \(version) (this pwguard reads \(StoreFormat.version))") }
        guard StoreChecksum.of(UnsafeRawBufferPointer(rebasing: h[0..<56])) == u64(56) else { throw bad("corrupt: header checksum mismatch") }
        guard let kind = HashKind(rawValue: h[10]) else { throw bad("corrupt: unknown hash kind \(h[10])") }
        let flags = h[11], p = Int(h[12]), keyBytes = Int(h[13]), countBytes = Int(h[14])
        let exact = flags & StoreFormat.flagExact != 0, counts = flags & StoreFormat.flagCounts != 0
        guard flags & ~(StoreFormat.flagExact | StoreFormat.flagCounts) == 0, (1...32).contains(p),
              keyBytes == (exact ? kind.byteCount : StoreFormat.truncatedKeyBytes),
              countBytes == (counts ? StoreFormat.countBytes : 0), u64(24) == UInt64(StoreFormat.headerSize),
              u64(32) == UInt64(StoreFormat.recordsOffset(prefixBits: p)), u64(16) < UInt64(UInt32.max),
              u64(40) <= UInt64(Int.max)   // a file size no Int can hold trapped here (found by the store_reader fuzz target)
        else { throw bad("corrupt: inconsistent header fields") }
        let header = StoreHeader(kind: kind, hasCounts: counts, exact: exact, prefixBits: p, keyBytes: keyBytes,
                                 recordCount: Int(u64(16)), recordsOffset: Int(u64(32)), fileSize: Int(u64(40)), dataChecksum: u64(48))
        let expected = header.recordsOffset + header.recordCount * header.recordBytes
        guard header.fileSize == expected else { throw bad("corrupt: header size fields disagree") }
        guard fileSize == expected else {
            throw bad(fileSize < expected ? "truncated: \(fileSize) bytes, the header says \(expected)" : "corrupt: \(fileSize) bytes, the header says \(expected)")
        }
        return header
    }
}

/// An open store. Immutable after open; the mapping lives as long as the value.
public final class HashStore: @unchecked Sendable {
    public let path: String
    public let header: StoreHeader
    private let base: UnsafeRawPointer
    private let length: Int

    /// Opens, maps and validates the store: size against the header, header checksum, the first index entry.
    /// The full checksum over index and records is `verify()` (import and `pwguard hashes info --verify`).
    public init(path: String) throws(StoreError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw StoreError(path: path, reason: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError(path: path, reason: "cannot stat: \(String(cString: strerror(errno)))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw StoreError(path: path, reason: "not a regular file") }
        do { try FileTrust.check(st, path: path) } catch { throw StoreError(path: path, reason: error.reason, untrusted: true) }
        let size = Int(st.st_size)
        guard size >= StoreFormat.headerSize else {
            throw StoreError(path: path, reason: "truncated: \(size) bytes, smaller than the \(StoreFormat.headerSize)-byte header")
        }
        guard let m = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), m != MAP_FAILED else {
            throw StoreError(path: path, reason: "cannot map: \(String(cString: strerror(errno)))")
        }
        // Without this, the kernel's read-ahead turns a cold lookup into megabytes of reads (42 ms vs 1.4 ms).
        _ = madvise(m, size, MADV_RANDOM)
        let header: StoreHeader
        do {
            header = try StoreHeader.decode(UnsafeRawBufferPointer(start: m, count: StoreFormat.headerSize), fileSize: size, path: path)
        } catch {
            munmap(m, size)
            throw error
        }
        self.header = header
        self.base = UnsafeRawPointer(m)
        self.length = size
        // The first index entry shares the header's page; the last is checked by verify() (reading its page
        // here would cost a cold lookup one more disk read), and every lookup checks the two it reads.
        if index(0) != 0 {
            throw StoreError(path: path, reason: "corrupt: the index does not start at the first record")
        }
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }

    @inline(__always) private func index(_ b: Int) -> UInt32 {
        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: StoreFormat.headerSize + 4 * b, as: UInt32.self))
    }

    /// Looks a digest up (20 bytes for SHA-1, 16 for NTLM).
    public func lookup(digest: [UInt8]) -> StoreLookup {
        precondition(digest.count == header.kind.byteCount, "digest length does not match the store's hash kind")
        let h = header
        let top = digest.withUnsafeBytes { StoreFormat.top($0) }
        let b = StoreFormat.bucket(top, prefixBits: h.prefixBits)
        let lo0 = Int(index(b)), hi0 = Int(index(b + 1))
        guard lo0 <= hi0, hi0 <= h.recordCount else {
            return .corrupt("index entry \(b) is out of order")
        }
        let records = base + h.recordsOffset
        let rb = h.recordBytes
        var lo = lo0, hi = hi0
        if h.exact {
            while lo < hi {
                let mid = (lo + hi) / 2
                let c = digest.withUnsafeBytes { memcmp(records + mid * rb, $0.baseAddress!, h.keyBytes) }
                if c == 0 { return .found(count: count(records + mid * rb)) }
                if c < 0 { lo = mid + 1 } else { hi = mid }
            }
            return .absent
        }
        let key = StoreFormat.truncatedKey(top, prefixBits: h.prefixBits)
        while lo < hi {
            let mid = (lo + hi) / 2
            let r = records + mid * rb
            var k: UInt64 = 0
            for i in 0..<6 { k = k << 8 | UInt64(r.load(fromByteOffset: i, as: UInt8.self)) }
            if k == key { return .found(count: count(r)) }
            if k < key { lo = mid + 1 } else { hi = mid }
        }
        return .absent
    }

    private func count(_ record: UnsafeRawPointer) -> UInt32? {
        guard header.hasCounts else { return nil }
        return UInt32(littleEndian: record.loadUnaligned(fromByteOffset: header.keyBytes, as: UInt32.self))
    }

    /// Reads the whole file and checks the checksum over index and records, and that the index is ordered.
    public func verify() throws(StoreError) {
        let data = UnsafeRawBufferPointer(start: base + StoreFormat.headerSize, count: length - StoreFormat.headerSize)
        _ = madvise(UnsafeMutableRawPointer(mutating: base), length, MADV_SEQUENTIAL)
        defer { _ = madvise(UnsafeMutableRawPointer(mutating: base), length, MADV_RANDOM) }
        guard StoreChecksum.of(data) == header.dataChecksum else {
            throw StoreError(path: path, reason: "corrupt: checksum mismatch over the index and records")
        }
        var previous: UInt32 = 0
        for b in 0...(1 << header.prefixBits) {
            let v = index(b)
            guard v >= previous else { throw StoreError(path: path, reason: "corrupt: index entry \(b) is out of order") }
            previous = v
        }
        guard previous == UInt32(header.recordCount) else {
            throw StoreError(path: path, reason: "corrupt: the index does not cover the \(header.recordCount) records")
        }
    }
}

/// A store, or why it cannot be used: what a rule holds, so a broken store is reported, never trusted.
public enum StoreHandle: Sendable {
    case mapped(HashStore)
    /// Passwords given inline (rule examples, tests), hashed in memory: SHA-1 digests.
    case inline(Set<[UInt8]>)
    case broken(StoreError)
}
