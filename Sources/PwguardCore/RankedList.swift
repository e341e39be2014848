#if canImport(Glibc)
import Glibc
#endif

// Ranked lists: a word list in frequency order (most common first) laid out for the `strength` rule and the
// built-in lists, so that the check reads it in place (embedded in the binary, or mapped from a file) and a
// lookup touches a few pages whatever the list's size. Format (hashes/README.md, "Ranked lists"), all integers
// little-endian:
//
//   header, 64 bytes: "PWGRANK1", version u32 (1), count u32, maxKeyBytes u32, keysLength u32, keysOffset u32,
//                     offsetsOffset u32, ranksOffset u32, jumpOffset u32, fileSize u32, reserved u32,
//                     bodyChecksum u64 (FNV-1a of bytes 64..<fileSize), headerChecksum u64 (of bytes 0..<56)
//   keys:      the keys (entries lower-cased per scalar, UTF-8) concatenated in bytewise order
//   offsets:   count + 1 u32: key i is keys[offsets[i]..<offsets[i + 1]]
//   ranks:     count u32: the 1-based rank of key i (its first line in the source list)
//   jump:      96 × 96 + 1 u32: for two printable ASCII bytes (0x20–0x7F), the first key whose first two
//              bytes are ≥ x = (b0 − 0x20) · 96 + (b1 − 0x20) (a one-byte key counting as b1 = 0x20), so
//              the first two steps of a walk are one read of a 37 KB table; other first bytes are searched
//
// A key sorts before every longer key it is a prefix of, so the keys sharing a prefix are one row range and
// a walk from a password position narrows that range one character at a time, stopping as soon as no key has
// the prefix read so far (`RankedList.walk`). Reads never trap on a damaged body: every offset is clamped to
// its section, so damage can only give wrong answers; the header is checked when the list is opened.

public enum RankedListFormat {
    public static let magic: [UInt8] = Array("PWGRANK1".utf8)
    public static let version: UInt32 = 1
    public static let headerSize = 64
    /// Entries longer than this (in bytes, folded) are left out: no password position walks that deep.
    public static let maxKeyBytes = 64
    /// Entries of the two-byte jump table: printable ASCII pairs, plus the end.
    static let jumpEntries = 96 * 96 + 1

    /// The jump table's index of a key's first two bytes (b1 = nil for a one-byte key), nil outside ASCII.
    @inline(__always) static func jumpIndex(_ b0: Int, _ b1: Int?) -> Int? {
        guard b0 >= 0x20 && b0 < 0x80 else { return nil }
        let second = b1 ?? 0x20
        guard second >= 0x20 && second < 0x80 else { return nil }
        return (b0 - 0x20) * 96 + (second - 0x20)
    }
}

/// Builds ranked-list bytes from entries in rank order.
public enum RankedListWriter {
    /// `entries` most common first (as `WordList` reads a text list). Keys are folded with `lowerScalar`;
    /// a key seen twice keeps its first (best) rank; empty keys and keys over `maxKeyBytes` are left out.
    public static func build(_ entries: [String]) -> [UInt8] {
        var seen: Set<[UInt8]> = []
        var keyed: [([UInt8], UInt32)] = []
        keyed.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() {
            var k = ""
            k.unicodeScalars.append(contentsOf: lowerScalars(e))
            let bytes = Array(k.utf8)
            guard !bytes.isEmpty, bytes.count <= RankedListFormat.maxKeyBytes, seen.insert(bytes).inserted else { continue }
            keyed.append((bytes, UInt32(i + 1)))
        }
        keyed.sort { $0.0.lexicographicallyPrecedes($1.0) }
        var keys: [UInt8] = [], offsets: [UInt32] = [], ranks: [UInt32] = []
        var maxKey = 0
        for (k, r) in keyed {
            offsets.append(UInt32(keys.count))
            keys.append(contentsOf: k)
            ranks.append(r)
            maxKey = max(maxKey, k.count)
        }
        offsets.append(UInt32(keys.count))
        // jump[x]: the first row whose first two bytes are at least pair x (keys below 0x20 come first, keys
        // from 0x80 last; a one-byte key and a key whose second byte is below 0x20 sort as pair (b0, 0x20), a
        // second byte from 0x7F as pair (b0, 0x7F))
        var jump = [UInt32](repeating: UInt32(keyed.count), count: RankedListFormat.jumpEntries)
        var x = 0
        for (row, (k, _)) in keyed.enumerated() {
            let v: Int
            if Int(k[0]) < 0x20 { continue }
            if Int(k[0]) >= 0x80 { v = RankedListFormat.jumpEntries - 1 } else {
                v = (Int(k[0]) - 0x20) * 96 + (k.count > 1 ? min(max(Int(k[1]), 0x20), 0x7F) - 0x20 : 0)
            }
            while x <= v && x < RankedListFormat.jumpEntries - 1 {
                jump[x] = UInt32(row)
                x += 1
            }
        }

        var out = [UInt8](repeating: 0, count: RankedListFormat.headerSize)
        func align() { while out.count % 4 != 0 { out.append(0) } }
        func u32s(_ a: [UInt32]) { for v in a { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } } }
        let keysAt = out.count
        out.append(contentsOf: keys)
        align()
        let offsetsAt = out.count
        u32s(offsets)
        let ranksAt = out.count
        u32s(ranks)
        let firstAt = out.count
        u32s(jump)
        func put32(_ at: Int, _ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { for j in 0..<4 { out[at + j] = $0[j] } } }
        func put64(_ at: Int, _ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { for j in 0..<8 { out[at + j] = $0[j] } } }
        for (j, m) in RankedListFormat.magic.enumerated() { out[j] = m }
        put32(8, RankedListFormat.version)
        put32(12, UInt32(keyed.count))
        put32(16, UInt32(maxKey))
        put32(20, UInt32(keys.count))
        put32(24, UInt32(keysAt))
        put32(28, UInt32(offsetsAt))
        put32(32, UInt32(ranksAt))
        put32(36, UInt32(firstAt))
        put32(40, UInt32(out.count))
        let body = out.withUnsafeBytes { WordIndexFormat.fnv1a(UnsafeRawBufferPointer(rebasing: $0[RankedListFormat.headerSize...])) }
        put64(48, body)
        let header = out.withUnsafeBytes { WordIndexFormat.fnv1a(UnsafeRawBufferPointer(rebasing: $0[0..<56])) }
        put64(56, header)
        return out
    }

    /// The ranked list of a text list's bytes (one entry per line, most common first, `#` comments).
    public static func build(text bytes: [UInt8], name: String) throws -> [UInt8] {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw FileError(path: name, reason: "not valid UTF-8") }
        return build(WordList(name: name, text: Substring(text)).words)
    }
}

/// Keeps the bytes a list reads alive: a mapped file, or a heap copy (data inside the binary needs no owner).
final class MappedBytes: @unchecked Sendable {
    enum Kind { case mapped, heap, none }
    let base: UnsafeRawPointer
    let count: Int
    private let kind: Kind

    init(base: UnsafeRawPointer, count: Int, kind: Kind) {
        self.base = base
        self.count = count
        self.kind = kind
    }

    /// A heap copy of `bytes`.
    convenience init(copying bytes: [UInt8]) {
        let copy = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes { if let b = $0.baseAddress { copy.copyMemory(from: b, byteCount: bytes.count) } }
        self.init(base: UnsafeRawPointer(copy), count: bytes.count, kind: .heap)
    }

    deinit {
        switch kind {
        case .mapped: munmap(UnsafeMutableRawPointer(mutating: base), count)
        case .heap: UnsafeMutableRawPointer(mutating: base).deallocate()
        case .none: break
        }
    }

    /// Maps a file read-only (MADV_RANDOM: a lookup touches a few pages).
    static func map(path: String) throws -> MappedBytes {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FileError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(path: path, reason: String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw FileError(path: path, reason: "not a regular file") }
        try FileTrust.check(st, path: path)
        let size = Int(st.st_size)
        guard size > 0 else { return MappedBytes(copying: []) }
        guard let m = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), m != MAP_FAILED else {
            throw FileError(path: path, reason: "mmap: " + String(cString: strerror(errno)))
        }
        madvise(m, size, MADV_RANDOM)
        return MappedBytes(base: UnsafeRawPointer(m), count: size, kind: .mapped)
    }
}

/// A password's positions and their candidate characters (`FoldedText.sets`) in two flat arrays, for walks
/// that read them without touching an array per position.
struct FlatSets {
    let scalars: [Unicode.Scalar]
    /// Position i's candidates are `scalars[starts[i] ..< starts[i + 1]]`.
    let starts: [Int32]

    init(_ sets: [[Unicode.Scalar]]) {
        var scalars: [Unicode.Scalar] = []
        var starts: [Int32] = [0]
        scalars.reserveCapacity(sets.count * 2)
        starts.reserveCapacity(sets.count + 1)
        for set in sets {
            scalars.append(contentsOf: set)
            starts.append(Int32(scalars.count))
        }
        self.scalars = scalars
        self.starts = starts
    }
}

/// A ranked list read in place (a class: the walks capture it, and a struct holding a name and an owner
/// would cost reference counting on every copy).
public final class RankedList: @unchecked Sendable {
    /// The name shown in `explain` ("builtin:passwords", a configured name or path).
    public let name: String
    public let count: Int
    let maxKey: Int
    private let base: UnsafeRawPointer
    private let keys: Int, keysLength: Int, offsets: Int, ranks: Int, jump: Int
    private let size: Int
    private let owner: AnyObject?

    public static func looksLikeRankedList(_ prefix: [UInt8]) -> Bool { prefix.starts(with: RankedListFormat.magic.prefix(4)) && prefix.count >= 4 }

    /// Opens the list in `bytes` (which must stay valid while `owner` lives), checking its header.
    init(name: String, base: UnsafeRawPointer, size: Int, owner: AnyObject?) throws {
        func fail(_ reason: String) -> FileError { FileError(path: name, reason: "not a usable ranked list: " + reason) }
        guard size >= RankedListFormat.headerSize else { throw fail("truncated (\(size) bytes)") }
        let raw = UnsafeRawBufferPointer(start: base, count: size)
        guard Array(raw[0..<8]) == RankedListFormat.magic else { throw fail("wrong magic") }
        func u32(_ at: Int) -> Int { Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt32.self))) }
        let stored = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 56, as: UInt64.self))
        guard WordIndexFormat.fnv1a(UnsafeRawBufferPointer(rebasing: raw[0..<56])) == stored else { throw fail("header checksum mismatch") }
        guard UInt32(u32(8)) == RankedListFormat.version else { throw fail("version \(u32(8)), expected \(RankedListFormat.version)") }
        let n = u32(12), keysLength = u32(20)
        let keys = u32(24), offsets = u32(28), ranks = u32(32), first = u32(36)
        guard u32(40) == size else { throw fail("truncated or extended: \(size) bytes, header says \(u32(40))") }
        guard keys >= RankedListFormat.headerSize, keys + keysLength <= size, offsets >= keys + keysLength,
              offsets + 4 * (n + 1) <= size, ranks >= offsets + 4 * (n + 1), ranks + 4 * n <= size,
              first >= ranks + 4 * n, first + 4 * RankedListFormat.jumpEntries <= size, u32(16) <= RankedListFormat.maxKeyBytes
        else { throw fail("sections outside the file") }
        self.name = name
        self.count = n
        self.maxKey = u32(16)
        self.base = base
        self.keys = keys
        self.keysLength = keysLength
        self.offsets = offsets
        self.ranks = ranks
        self.jump = first
        self.size = size
        self.owner = owner
    }

    /// A list held in memory (built from a text list at load time).
    public convenience init(name: String, bytes: [UInt8]) throws {
        let owner = MappedBytes(copying: bytes)
        try self.init(name: name, base: owner.base, size: owner.count, owner: owner)
    }

    /// Maps a compiled list file.
    public convenience init(name: String, path: String) throws {
        let m = try MappedBytes.map(path: path)
        do {
            try self.init(name: name, base: m.base, size: m.count, owner: m)
        } catch let e as FileError {
            throw FileError(path: path, reason: e.reason)
        }
    }

    /// Whether the body checksum matches (reads every byte: `pwguard words info --verify` and tests).
    public func verifyBody() -> Bool {
        let raw = UnsafeRawBufferPointer(start: base, count: size)
        let stored = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 48, as: UInt64.self))
        return WordIndexFormat.fnv1a(UnsafeRawBufferPointer(rebasing: raw[RankedListFormat.headerSize...])) == stored
    }

    @inline(__always) private func u32(_ at: Int) -> Int {
        Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
    }

    /// Key i's byte range within the keys section, clamped (a damaged body cannot send a read outside it).
    @inline(__always) private func keyRange(_ i: Int) -> (Int, Int) {
        let a = min(u32(offsets + 4 * i), keysLength)
        let b = min(max(u32(offsets + 4 * i + 4), a), keysLength, a + RankedListFormat.maxKeyBytes)
        return (a, b)
    }

    /// Byte d of key i, or -1 past its end.
    @inline(__always) private func byte(_ i: Int, _ d: Int) -> Int {
        let (a, b) = keyRange(i)
        return a + d < b ? Int(base.load(fromByteOffset: keys + a + d, as: UInt8.self)) : -1
    }

    /// The 1-based rank of row i.
    @inline(__always) public func rank(_ i: Int) -> Int { max(1, u32(ranks + 4 * i)) }

    /// Row i's key.
    public func key(_ i: Int) -> String {
        let (a, b) = keyRange(i)
        return String(decoding: UnsafeRawBufferPointer(start: base + keys + a, count: b - a), as: UTF8.self)
    }

    @inline(__always) private func jumpRow(_ x: Int) -> Int { min(u32(jump + 4 * x), count) }

    /// Rows of [lo, hi) (which share their first d bytes) whose byte d is `want`. The first two bytes come from
    /// the jump table (one read, one page); deeper bytes by two binary searches within the range.
    @inline(__always) func narrow(_ lo: Int, _ hi: Int, _ d: Int, _ want: Int) -> (Int, Int) {
        if d == 0, let x = RankedListFormat.jumpIndex(want, nil), want < 0x7F {
            let l = jumpRow(x)
            return (l, max(l, jumpRow(x + 96)))
        }
        if d == 1 && lo < hi, want >= 0x21 && want < 0x7F, let x = RankedListFormat.jumpIndex(byte(lo, 0), want) {
            let l = max(jumpRow(x), lo)
            return (l, max(l, min(jumpRow(x + 1), hi)))
        }
        var l = lo, h = hi
        while l < h {
            let mid = (l + h) >> 1
            if byte(mid, d) < want { l = mid + 1 } else { h = mid }
        }
        var u = l
        h = hi
        while u < h {
            let mid = (u + h) >> 1
            if byte(mid, d) <= want { u = mid + 1 } else { h = mid }
        }
        return (l, u)
    }

    /// Rows of [lo, hi) (sharing `d` bytes) continuing with scalar `c`; the new depth.
    @inline(__always) func narrow(_ lo: Int, _ hi: Int, _ d: Int, _ c: Unicode.Scalar) -> (Int, Int, Int) {
        var l = lo, h = hi, depth = d
        if c.value < 0x80 {
            (l, h) = narrow(l, h, depth, Int(c.value))
            return (l, h, depth + 1)
        }
        for b in UTF8.encode(c)! {
            (l, h) = narrow(l, h, depth, Int(b))
            depth += 1
            if l >= h { break }
        }
        return (l, h, depth)
    }

    /// The rank of the key equal to `scalars` (folded already), or nil.
    public func rank(of scalars: [Unicode.Scalar]) -> Int? {
        var lo = 0, hi = count, d = 0
        for c in scalars {
            (lo, hi, d) = narrow(lo, hi, d, c)
            if lo >= hi { return nil }
        }
        return lo < hi && byte(lo, d) == -1 ? rank(lo) : nil
    }

    /// Every entry that `sets[start...]` begins with, reading each position as any of its candidate characters
    /// (case folding and substitution, `FoldedText`): `body(end, row, choices)` for each, where `choices[k]` is
    /// the index chosen in `sets[start + k]` (0: the character as typed). Walks the sorted keys as an implicit
    /// trie, following only prefixes some key has, at most `maxKey` bytes deep. `budget` counts narrowing steps
    /// and stops the walk at 0.
    func walk(
        _ sets: [[Unicode.Scalar]], from start: Int, budget: inout Int, _ body: (_ end: Int, _ row: Int, _ choices: [UInt8]) -> Void
    ) {
        walk(FlatSets(sets), from: start, budget: &budget, body)
    }

    func walk(_ sets: FlatSets, from start: Int, budget: inout Int, _ body: (_ end: Int, _ row: Int, _ choices: [UInt8]) -> Void) {
        var choices: [UInt8] = []
        choices.reserveCapacity(RankedListFormat.maxKeyBytes)
        // the entries found are collected, then handed to `body` in the same order: a recursion calling `body`
        // itself is specialised for the closure and retains everything the closure captures at every step
        var hits: [Hit] = []
        sets.scalars.withUnsafeBufferPointer { sc in
            sets.starts.withUnsafeBufferPointer { st in
                walk(sc, st, start, start, 0, count, 0, &choices, &budget, &hits)
            }
        }
        for h in hits { body(h.end, h.row, h.choices) }
    }

    private struct Hit {
        let end: Int, row: Int
        let choices: [UInt8]
    }

    private func walk(
        _ sc: UnsafeBufferPointer<Unicode.Scalar>, _ st: UnsafeBufferPointer<Int32>, _ start: Int, _ at: Int, _ lo: Int, _ hi: Int,
        _ d: Int, _ choices: inout [UInt8], _ budget: inout Int, _ hits: inout [Hit]
    ) {
        if at > start && byte(lo, d) == -1 { hits.append(Hit(end: at, row: lo, choices: choices)) }
        guard at < st.count - 1, d < maxKey, budget > 0 else { return }
        var k = Int(st[at])
        let end = Int(st[at + 1])
        while k < end {
            budget -= 1
            let (l, h, nd) = narrow(lo, hi, d, sc[k])
            if l < h {
                choices.append(UInt8(truncatingIfNeeded: k - Int(st[at])))
                walk(sc, st, start, at + 1, l, h, nd, &choices, &budget, &hits)
                choices.removeLast()
            }
            k += 1
        }
    }

    /// The first row equal to `sets[range]`, any candidate of each position (depth first, candidates in order),
    /// or nil: a whole-password lookup (`WholeWordIndex`).
    func find(_ sets: [[Unicode.Scalar]], _ range: Range<Int>) -> Int? {
        func find(_ at: Int, _ lo: Int, _ hi: Int, _ d: Int) -> Int? {
            if at == range.upperBound { return byte(lo, d) == -1 ? lo : nil }
            for c in sets[at] {
                let (l, h, nd) = narrow(lo, hi, d, c)
                if l < h, let r = find(at + 1, l, h, nd) { return r }
            }
            return nil
        }
        guard !range.isEmpty, range.count <= RankedListFormat.maxKeyBytes, count > 0 else { return nil }
        return find(range.lowerBound, 0, count, 0)
    }

    /// Every entry, with its rank, in key order.
    public func entries() -> [(key: String, rank: Int)] { (0..<count).map { (key($0), rank($0)) } }
}
