#if canImport(Glibc)
import Glibc
#endif
import Synchronization

// Compiled word indexes (`pwguard words compile`): a word list laid out so that the check maps it (mmap,
// MADV_RANDOM) in constant time and finds, per password, the few entries that can matter with a handful of
// binary searches, instead of reading and scanning every entry. The format is documented in hashes/README.md
// ("Word indexes").
//
// Three sorted views over the entries' folded keys (simple per-scalar lower case, UTF-8): the keys, the keys
// written backwards, and every suffix of every key. A password position holds a set of characters (case and
// substitution, `FoldedText`), so a view is walked as an implicit trie: each step narrows a row range with two
// binary searches per candidate character, and only prefixes some entry has are followed, so a password with
// many ambiguous characters never expands into all its readings. The walks return candidate entries (a
// superset of those that match); the rules then run their usual matching on these few entries, so results are
// the same as with the text list, entry for entry (ties are broken by list order, which entries keep).

/// The layout's constants.
public enum WordIndexFormat {
    /// "PWGWORDS": the first bytes of every index. A list file starting with "PWGW" is taken for an index.
    public static let magic: [UInt8] = Array("PWGWORDS".utf8)
    public static let version: UInt32 = 1
    /// Normalisation of the keys: 1 = each scalar lower-cased by its simple mapping (`lowerScalar`).
    public static let normalisationLower: UInt32 = 1
    public static let headerSize = 160
    /// Bit of a record's raw-length word that marks a wildcard template (`!!BAN*!!`, `!!*ING!!`).
    static let templateFlag: UInt32 = 1 << 31
    /// Bits of a forward or reverse row's length word: the entry as written is its key (no upper case), so
    /// the key bytes are the entry; the entry is a wildcard template.
    static let rowRawIsKey: UInt32 = 1 << 31
    static let rowTemplate: UInt32 = 1 << 30
    static let rowLengthMask = 0x3FFF_FFFF

    /// FNV-1a, 64 bits.
    static func fnv1a(_ bytes: UnsafeRawBufferPointer, _ seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = seed
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }
}

/// Header fields, at these byte offsets, little-endian (hashes/README.md, "Word indexes").
private enum H {
    static let version = 8, normalisation = 12, entryCount = 16, templateCount = 24, suffixCount = 32, maxKeyBytes = 40
    static let rawOffset = 48, rawLength = 56, forwardBlob = 64, blobLength = 72, reverseBlob = 80
    static let recordsOffset = 88, forwardRows = 96, reverseRows = 104, suffixRows = 112, templatesOffset = 120
    static let jumpOffset = 128, fileSize = 136, bodyChecksum = 144, headerChecksum = 152
}

/// Entries of a view's jump table: the first row whose first two key bytes are at least x, for x in 0...65536.
let jumpEntries = 65537

// MARK: - Writing

/// Builds index files from word lists.
public enum WordIndexWriter {
    /// The index of `words` (entries in list order, as `WordList` reads a text list), as file bytes.
    public static func build(_ words: [String]) -> [UInt8] {
        let n = words.count
        var raw: [UInt8] = [], keys: [UInt8] = [], rev: [UInt8] = []
        var rawAt: [UInt32] = [], rawLen: [UInt32] = [], keyAt: [Int] = [], keyLen: [Int] = []
        var templates: [UInt32] = []
        var maxKey = 0
        for (i, w) in words.enumerated() {
            let folded = lowerScalars(w)
            var k = "", r = ""
            k.unicodeScalars.append(contentsOf: folded)
            r.unicodeScalars.append(contentsOf: folded.reversed())
            let template = DictionaryRule.template(w) != nil
            if template { templates.append(UInt32(i)) }
            rawAt.append(UInt32(raw.count))
            rawLen.append(UInt32(w.utf8.count) | (template ? WordIndexFormat.templateFlag : 0))
            raw.append(contentsOf: w.utf8)
            keyAt.append(keys.count)
            keyLen.append(k.utf8.count)
            keys.append(contentsOf: k.utf8)
            rev.append(contentsOf: r.utf8)
            maxKey = max(maxKey, k.utf8.count)
        }
        /// (record, byte offset into its key) sorted by the key's bytes from that offset, then by record.
        func sorted(_ blob: [UInt8], _ items: [(UInt32, UInt32)]) -> [(UInt32, UInt32)] {
            blob.withUnsafeBufferPointer { b in
                func range(_ it: (UInt32, UInt32)) -> (Int, Int) {
                    let r = Int(it.0)
                    return (keyAt[r] + Int(it.1), keyAt[r] + keyLen[r])
                }
                func prefix(_ it: (UInt32, UInt32)) -> UInt64 {
                    let (a, e) = range(it)
                    var p: UInt64 = 0
                    for j in 0..<8 { p = p << 8 | (a + j < e ? UInt64(b[a + j]) : 0) }
                    return p
                }
                var keyed = items.map { (prefix($0), $0) }
                keyed.sort { x, y in
                    if x.0 != y.0 { return x.0 < y.0 }
                    let (a1, e1) = range(x.1), (a2, e2) = range(y.1)
                    var i = a1, j = a2
                    while i < e1 && j < e2 {
                        if b[i] != b[j] { return b[i] < b[j] }
                        i += 1
                        j += 1
                    }
                    if (e1 - a1) != (e2 - a2) { return (e1 - a1) < (e2 - a2) }
                    return x.1.0 != y.1.0 ? x.1.0 < y.1.0 : x.1.1 < y.1.1
                }
                return keyed.map { $0.1 }
            }
        }
        let whole = (0..<n).map { (UInt32($0), UInt32(0)) }
        let forward = sorted(keys, whole).map { Int($0.0) }
        let reverse = sorted(rev, whole).map { Int($0.0) }
        var suffixItems: [(UInt32, UInt32)] = []
        for i in 0..<n {
            for o in 0..<keyLen[i] where keys[keyAt[i] + o] & 0xC0 != 0x80 { suffixItems.append((UInt32(i), UInt32(o))) }
        }
        let suffixes = sorted(keys, suffixItems)

        // key blobs in each view's order (neighbouring rows, neighbouring bytes); rows (offset, length, record)
        var forwardBlob: [UInt8] = [], reverseBlob: [UInt8] = []
        forwardBlob.reserveCapacity(keys.count)
        reverseBlob.reserveCapacity(keys.count)
        var forwardAt = [Int](repeating: 0, count: n)
        var forwardRows: [UInt32] = [], reverseRows: [UInt32] = [], suffixRows: [UInt32] = []
        // flags in the length word of forward and reverse rows, so that a candidate found through a row
        // needs no read of the records or raw entries in the common case
        func flagged(_ r: Int) -> UInt32 {
            let same = rawLen[r] & ~WordIndexFormat.templateFlag == UInt32(keyLen[r])
                && raw[Int(rawAt[r])..<(Int(rawAt[r]) + keyLen[r])] == keys[keyAt[r]..<(keyAt[r] + keyLen[r])]
            return UInt32(keyLen[r]) | (same ? WordIndexFormat.rowRawIsKey : 0)
                | (rawLen[r] & WordIndexFormat.templateFlag != 0 ? WordIndexFormat.rowTemplate : 0)
        }
        for r in forward {
            forwardAt[r] = forwardBlob.count
            forwardRows += [UInt32(forwardBlob.count), flagged(r), UInt32(r)]
            forwardBlob.append(contentsOf: keys[keyAt[r]..<(keyAt[r] + keyLen[r])])
        }
        for r in reverse {
            reverseRows += [UInt32(reverseBlob.count), flagged(r), UInt32(r)]
            reverseBlob.append(contentsOf: rev[keyAt[r]..<(keyAt[r] + keyLen[r])])
        }
        for (r, o) in suffixes {
            suffixRows += [UInt32(forwardAt[Int(r)] + Int(o)), UInt32(keyLen[Int(r)] - Int(o)), r]
        }
        func jump(_ rows: [UInt32], _ blob: [UInt8]) -> [UInt32] {
            var table = [UInt32](repeating: 0, count: jumpEntries)
            var x = 0
            let count = rows.count / 3
            for row in 0..<count {
                let off = Int(rows[row * 3]), len = Int(rows[row * 3 + 1]) & WordIndexFormat.rowLengthMask
                let v = Int(blob[off]) << 8 | (len > 1 ? Int(blob[off + 1]) : 0)
                while x <= v {
                    table[x] = UInt32(row)
                    x += 1
                }
            }
            while x < jumpEntries {
                table[x] = UInt32(count)
                x += 1
            }
            return table
        }

        // layout: header, then each section 8-byte aligned
        var out = [UInt8](repeating: 0, count: WordIndexFormat.headerSize)
        func align() { while out.count % 8 != 0 { out.append(0) } }
        func u32s(_ a: [UInt32]) { for v in a { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } } }
        func section(_ body: () -> Void) -> Int { align(); let at = out.count; body(); return at }
        let rawSection = section { out.append(contentsOf: raw) }
        let forwardBlobAt = section { out.append(contentsOf: forwardBlob) }
        let reverseBlobAt = section { out.append(contentsOf: reverseBlob) }
        let recordsAt = section { for i in 0..<n { u32s([rawAt[i], rawLen[i]]) } }
        let forwardRowsAt = section { u32s(forwardRows) }
        let reverseRowsAt = section { u32s(reverseRows) }
        let suffixRowsAt = section { u32s(suffixRows) }
        let templatesAt = section { u32s(templates) }
        let jumpAt = section {
            u32s(jump(forwardRows, forwardBlob))
            u32s(jump(reverseRows, reverseBlob))
            u32s(jump(suffixRows, forwardBlob))
        }
        align()
        func put(_ at: Int, _ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { for j in 0..<8 { out[at + j] = $0[j] } } }
        func put32(_ at: Int, _ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { for j in 0..<4 { out[at + j] = $0[j] } } }
        for (j, b) in WordIndexFormat.magic.enumerated() { out[j] = b }
        put32(H.version, WordIndexFormat.version)
        put32(H.normalisation, WordIndexFormat.normalisationLower)
        put(H.entryCount, UInt64(n))
        put(H.templateCount, UInt64(templates.count))
        put(H.suffixCount, UInt64(suffixes.count))
        put(H.maxKeyBytes, UInt64(maxKey))
        put(H.rawOffset, UInt64(rawSection)); put(H.rawLength, UInt64(raw.count))
        put(H.forwardBlob, UInt64(forwardBlobAt)); put(H.blobLength, UInt64(keys.count))
        put(H.reverseBlob, UInt64(reverseBlobAt))
        put(H.recordsOffset, UInt64(recordsAt)); put(H.forwardRows, UInt64(forwardRowsAt))
        put(H.reverseRows, UInt64(reverseRowsAt)); put(H.suffixRows, UInt64(suffixRowsAt))
        put(H.templatesOffset, UInt64(templatesAt)); put(H.jumpOffset, UInt64(jumpAt))
        put(H.fileSize, UInt64(out.count))
        let body = out.withUnsafeBytes { WordIndexFormat.fnv1a(UnsafeRawBufferPointer(rebasing: $0[WordIndexFormat.headerSize...])) }
        put(H.bodyChecksum, body)
        let head = out.withUnsafeBytes { WordIndexFormat.fnv1a(UnsafeRawBufferPointer(rebasing: $0[0..<H.headerChecksum])) }
        put(H.headerChecksum, head)
        return out
    }

    /// Writes `bytes` to `path` atomically: a temporary file beside it (O_EXCL, mode 0644), fsync, rename.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let tmp = path + ".tmp.\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 { throw FileError(path: tmp, reason: String(cString: strerror(errno))) }
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        var done = 0
        try bytes.withUnsafeBytes { b in
            while done < b.count {
                let w = write(fd, b.baseAddress! + done, b.count - done)
                if w < 0 {
                    if errno == EINTR { continue }
                    let reason = String(cString: strerror(errno))
                    close(fd)
                    throw FileError(path: tmp, reason: reason)
                }
                done += w
            }
        }
        if fsync(fd) != 0 || close(fd) != 0 { throw FileError(path: tmp, reason: String(cString: strerror(errno))) }
        if rename(tmp, path) != 0 { throw FileError(path: path, reason: String(cString: strerror(errno))) }
        ok = true
    }
}

// MARK: - Reading

/// A compiled word index, mapped read-only. Opening checks the magic, version, normalisation, header checksum,
/// the file size the header records (a truncated file is refused), that every count and length in the header
/// is plausible and that every section lies inside the file; the body checksum is checked by `verifyBody()`
/// (`pwguard words info`), not per check, so that opening stays constant-time. Every read through a row, a
/// record or a jump-table entry is bounds-checked against its section, so a corrupt body gives wrong candidates
/// at worst, never a read outside its section nor a trap; a walk that meets a field no valid index holds (a key
/// outside its blob, a record number past the entries) records it in `damage`, and `pwguard check` then refuses
/// the change as it refuses an index that fails to open (a configuration error naming the file).
public final class WordIndex: @unchecked Sendable {
    public let path: String
    private let base: UnsafeRawPointer
    private let size: Int
    public let entryCount: Int
    public let templateCount: Int
    public let suffixCount: Int
    public let maxKeyBytes: Int
    private let raw: Range<Int>, forwardBlob: Range<Int>, reverseBlob: Range<Int>
    private let records: Int, forwardRows: Int, reverseRows: Int, suffixRows: Int, templates: Int, jump: Int
    private let firstDamage = Mutex<String?>(nil)

    /// The first inconsistency a walk met in the body (see the type's comment), or nil.
    public var damage: FileError? {
        firstDamage.withLock { $0 }.map { FileError(path: path, reason: "not a usable word index: damaged body: " + $0) }
    }

    /// Records what a walk found wrong (the first one is kept).
    func noteDamage(_ what: @autoclosure () -> String) {
        firstDamage.withLock { if $0 == nil { $0 = what() } }
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), size) }

    /// Whether the first bytes of a file say it is an index ("PWGW").
    public static func looksLikeIndex(_ prefix: [UInt8]) -> Bool {
        prefix.count >= 4 && Array(prefix[0..<4]) == Array(WordIndexFormat.magic[0..<4])
    }

    /// Whether the file at `path` starts like an index (false when it cannot be read: the text path reports that).
    public static func isIndexFile(_ path: String) -> Bool { looksLikeIndex(fileHead(path, 4)) }

    public init(path: String) throws {
        func fail(_ reason: String) -> FileError { FileError(path: path, reason: "not a usable word index: " + reason) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FileError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(path: path, reason: String(cString: strerror(errno))) }
        try FileTrust.check(st, path: path)
        let size = Int(st.st_size)
        guard size >= WordIndexFormat.headerSize else {
            throw fail("truncated: \(size) bytes, shorter than the \(WordIndexFormat.headerSize)-byte header")
        }
        guard let m = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), m != MAP_FAILED else {
            throw FileError(path: path, reason: "mmap: " + String(cString: strerror(errno)))
        }
        madvise(m, size, MADV_RANDOM)
        let p = UnsafeRawPointer(m)
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        var ok = false
        defer { if !ok { munmap(m, size) } }
        guard Array(UnsafeRawBufferPointer(start: p, count: 8)) == WordIndexFormat.magic else {
            throw fail("wrong magic (expected \"PWGWORDS\")")
        }
        guard u32(H.version) == WordIndexFormat.version else {
            throw fail("format version \(u32(H.version)), this pwguard reads version \(WordIndexFormat.version): recompile it")
        }
        guard WordIndexFormat.fnv1a(UnsafeRawBufferPointer(start: p, count: H.headerChecksum)) == u64(H.headerChecksum) else {
            throw fail("header checksum mismatch (corrupt header)")
        }
        guard u32(H.normalisation) == WordIndexFormat.normalisationLower else {
            throw fail("unknown normalisation \(u32(H.normalisation))")
        }
        guard u64(H.fileSize) == UInt64(size) else {
            throw fail("truncated or extended: \(size) bytes, the header says \(u64(H.fileSize))")
        }
        let n = u64(H.entryCount), t = u64(H.templateCount), s = u64(H.suffixCount)
        guard n < 1 << 31, t <= n, s < 1 << 32 else { throw fail("implausible counts in the header") }
        // rows hold 32-bit offsets and 30-bit lengths; every key is in the blob, every suffix starts in it
        let blobLength = u64(H.blobLength), maxKey = u64(H.maxKeyBytes)
        guard u64(H.rawLength) < 1 << 32, blobLength < 1 << 32, maxKey <= blobLength, maxKey <= UInt64(WordIndexFormat.rowLengthMask),
              s <= blobLength else {
            throw fail("implausible lengths in the header (longest key \(maxKey) bytes, key blob \(blobLength) bytes)")
        }
        // every section inside the file
        func span(_ offset: Int, _ length: UInt64) throws -> Range<Int> {
            let o = u64(offset)
            guard o >= UInt64(WordIndexFormat.headerSize), length <= UInt64(size), o <= UInt64(size) - length else {
                throw fail("a section lies outside the file")
            }
            return Int(o)..<Int(o + length)
        }
        raw = try span(H.rawOffset, u64(H.rawLength))
        forwardBlob = try span(H.forwardBlob, u64(H.blobLength))
        reverseBlob = try span(H.reverseBlob, u64(H.blobLength))
        records = try span(H.recordsOffset, n * 8).lowerBound
        forwardRows = try span(H.forwardRows, n * 12).lowerBound
        reverseRows = try span(H.reverseRows, n * 12).lowerBound
        suffixRows = try span(H.suffixRows, s * 12).lowerBound
        templates = try span(H.templatesOffset, t * 4).lowerBound
        jump = try span(H.jumpOffset, UInt64(3 * jumpEntries * 4)).lowerBound
        self.path = path
        self.base = p
        self.size = size
        entryCount = Int(n)
        templateCount = Int(t)
        suffixCount = Int(s)
        maxKeyBytes = Int(maxKey)
        ok = true
    }

    /// Recomputes the body checksum (reads the whole file).
    public func verifyBody() -> Bool {
        let stored = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: H.bodyChecksum, as: UInt64.self))
        let h = WordIndexFormat.fnv1a(UnsafeRawBufferPointer(start: base + WordIndexFormat.headerSize, count: size - WordIndexFormat.headerSize))
        return h == stored
    }

    public var fileSize: Int { size }

    @inline(__always) private func u32(_ at: Int) -> Int {
        Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
    }

    /// Bytes `off..<off+len` of a section, empty if they fall outside it (corrupt body).
    @inline(__always) private func slice(_ section: Range<Int>, _ off: Int, _ len: Int) -> UnsafeBufferPointer<UInt8> {
        guard off + len <= section.count else {
            noteDamage("an entry of \(len) bytes at \(off) lies outside the raw entries (\(section.count) bytes)")
            return UnsafeBufferPointer(start: nil, count: 0)
        }
        return UnsafeBufferPointer(start: (base + section.lowerBound + off).assumingMemoryBound(to: UInt8.self), count: len)
    }

    /// Entry `record` as written in the list.
    public func entry(_ record: Int) -> String {
        guard record >= 0 && record < entryCount else {
            noteDamage("record \(record) of \(entryCount)")
            return ""
        }
        let r = records + record * 8
        return String(decoding: slice(raw, u32(r), u32(r + 4) & 0x7FFF_FFFF), as: UTF8.self)
    }

    func isTemplate(_ record: Int) -> Bool {
        record >= 0 && record < entryCount && UInt32(u32(records + record * 8 + 4)) & WordIndexFormat.templateFlag != 0
    }

    /// The wildcard templates' records, in list order.
    func templateRecords() -> [Int] { (0..<templateCount).map { u32(templates + $0 * 4) } }

    /// Every entry, in list order (`pwguard words info`, tests).
    public func allEntries() -> [String] { (0..<entryCount).map(entry) }

    // views: rows sorted by key, each (offset into the view's key blob, length, record)

    enum View: Int { case forward = 0, reverse = 1, suffix = 2 }

    func count(_ view: View) -> Int { view == .suffix ? suffixCount : entryCount }

    /// One view's rows, key blob and jump table as pointers into the mapping, for the walks (valid while the
    /// index lives; `IndexWalk` holds it).
    func rowView(_ view: View) -> RowView {
        let rows: Int
        switch view {
        case .forward: rows = forwardRows
        case .reverse: rows = reverseRows
        case .suffix: rows = suffixRows
        }
        let blob = view == .reverse ? reverseBlob : forwardBlob
        return RowView(
            owner: self, reversed: view == .reverse,
            rows: base + rows, count: count(view),
            blob: (base + blob.lowerBound).assumingMemoryBound(to: UInt8.self), blobCount: blob.count,
            jump: base + jump + view.rawValue * jumpEntries * 4)
    }
}

/// A sorted view of an index: rows of (key offset, key length, record), 12 bytes each.
struct RowView {
    /// The index (unretained: the walks hold it), told of damage the row reads meet.
    unowned(unsafe) let owner: WordIndex
    /// Keys written backwards (the reverse view).
    let reversed: Bool
    let rows: UnsafeRawPointer
    let count: Int
    let blob: UnsafePointer<UInt8>
    let blobCount: Int
    let jump: UnsafeRawPointer

    @inline(__always) private func u32(_ p: UnsafeRawPointer) -> Int {
        Int(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
    }

    @inline(__always) func record(_ r: Int) -> Int { u32(rows + r * 12 + 8) }

    /// The row's flags (`WordIndexFormat.rowRawIsKey`, `rowTemplate`; none in suffix rows).
    @inline(__always) func flags(_ r: Int) -> UInt32 { UInt32(u32(rows + r * 12 + 4)) & ~UInt32(WordIndexFormat.rowLengthMask) }

    /// The row's key; empty if it falls outside the blob (corrupt body).
    @inline(__always) func key(_ r: Int) -> UnsafeBufferPointer<UInt8> {
        let at = rows + r * 12
        let off = u32(at), len = u32(at + 4) & WordIndexFormat.rowLengthMask
        guard off + len <= blobCount else {
            outsideBlob(r, off, len)
            return UnsafeBufferPointer(start: nil, count: 0)
        }
        return UnsafeBufferPointer(start: blob + off, count: len)
    }

    /// Byte `d` of the row's key, or -1 past its end.
    @inline(__always) func byte(_ r: Int, _ d: Int) -> Int {
        let at = rows + r * 12
        let off = u32(at), len = u32(at + 4) & WordIndexFormat.rowLengthMask
        guard off + len <= blobCount else {
            outsideBlob(r, off, len)
            return -1
        }
        guard d < len else { return -1 }
        return Int(blob[off + d])
    }

    private func outsideBlob(_ r: Int, _ off: Int, _ len: Int) {
        owner.noteDamage("row \(r) of a view: a key of \(len) bytes at \(off) lies outside its \(blobCount)-byte blob")
    }

    /// Rows whose first two key bytes are `x` (`b0 << 8 | b1`), or, with `firstByteOnly`, whose first byte is
    /// `x >> 8`; clamped to `lo..<hi`.
    @inline(__always) func jumpRange(_ x: Int, firstByteOnly: Bool, _ lo: Int, _ hi: Int) -> Range<Int> {
        let end = firstByteOnly ? x + 256 : x + 1
        guard x >= 0 && end < jumpEntries else {
            owner.noteDamage("jump-table entry \(x) out of range")
            return lo..<lo
        }
        let a = u32(jump + x * 4), b = u32(jump + end * 4)
        let l = min(max(a, lo), hi)
        return l..<max(l, min(b, hi))
    }
}

// MARK: - Walks

/// The candidate entries of an index for one password reading. `sets` are the reading's positions (each the
/// characters it may stand for, lower case).
struct IndexWalk {
    let index: WordIndex
    let sets: [[Unicode.Scalar]]
    /// Records found, with the row and view they were found through, unsorted, possibly repeated.
    var found: [(record: UInt32, row: UInt32, view: RowView?)] = []
    /// Whole-key walks (`exact`, `fuzzy…`) leave out keys shorter than this many bytes (a key of fewer bytes
    /// has fewer characters: a rule's minimum length in characters is a safe bound).
    let minKeyBytes: Int

    init(_ index: WordIndex, _ sets: [[Unicode.Scalar]], minKeyBytes: Int = 1) {
        self.index = index
        self.sets = sets
        self.minKeyBytes = max(minKeyBytes, 1)
    }

    /// Rows of `lo..<hi` (which share bytes `0..<d`) whose next scalar is `c`. The first two bytes come from
    /// the view's jump table, the rest from binary searches within that range (a scan when it is small).
    private func narrow(_ v: RowView, _ lo: Int, _ hi: Int, _ d: Int, _ c: Unicode.Scalar) -> Range<Int>? {
        if c.value < 0x80 { return narrow(v, lo, hi, d, Int(c.value)) }
        var lo = lo, hi = hi, d = d
        for b in UTF8.encode(c)! {
            guard let r = narrow(v, lo, hi, d, Int(b)) else { return nil }
            lo = r.lowerBound
            hi = r.upperBound
            d += 1
        }
        return lo..<hi
    }

    /// Rows of `lo..<hi` (which share bytes `0..<d`) whose byte `d` is `want`.
    @inline(__always) private func narrow(_ v: RowView, _ lo: Int, _ hi: Int, _ d: Int, _ want: Int) -> Range<Int>? {
        guard lo < hi else { return nil }
        if d == 0 || (d == 1 && want > 0) {
            // (a key that ends or lies outside the blob here is a damaged row: skipEnded kept only longer keys)
            let b0 = d == 0 ? 0 : v.byte(lo, 0)
            guard b0 >= 0 else {
                v.owner.noteDamage("row \(lo): a key shorter than the rows around it")
                return nil
            }
            let x = d == 0 ? want << 8 : b0 << 8 | want
            let r = v.jumpRange(x, firstByteOnly: d == 0, lo, hi)
            return r.isEmpty ? nil : r
        }
        var l = lo
        if hi - lo <= 12 {
            while l < hi && v.byte(l, d) < want { l += 1 }
        } else {
            var h = hi
            while l < h {
                let mid = (l + h) >> 1
                if v.byte(mid, d) < want { l = mid + 1 } else { h = mid }
            }
        }
        guard l < hi, v.byte(l, d) == want else { return nil }
        return l..<upperBound(v, l, hi, d, want)
    }

    /// The first row of `l..<hi` after `l` whose byte `d` is above `want` (row `l`'s byte is `want`).
    @inline(__always) private func upperBound(_ v: RowView, _ l: Int, _ hi: Int, _ d: Int, _ want: Int) -> Int {
        var u = l + 1
        if hi - u <= 12 {
            while u < hi && v.byte(u, d) <= want { u += 1 }
            return u
        }
        var h = hi
        while u < h {
            let mid = (u + h) >> 1
            if v.byte(mid, d) <= want { u = mid + 1 } else { h = mid }
        }
        return u
    }

    /// The first row of `lo..<hi` whose key is longer than `d` bytes (keys ending at `d` sort first).
    @inline(__always) private mutating func skipEnded(_ v: RowView, _ lo: Int, _ hi: Int, _ d: Int, emit: Bool) -> Int {
        var r = lo
        while r < hi && v.key(r).count == d {
            if d == 0 { v.owner.noteDamage("row \(r): an empty key") }
            if emit { found.append((UInt32(truncatingIfNeeded: v.record(r)), UInt32(r), v)) }
            r += 1
        }
        return r
    }

    /// The scalar at byte `d` of a row's key.
    @inline(__always) private func scalar(_ v: RowView, _ row: Int, _ d: Int) -> Unicode.Scalar? {
        let b = v.byte(row, d)
        if b >= 0 && b < 0x80 { return Unicode.Scalar(UInt8(b)) }
        let k = v.key(row)
        guard d < k.count else { return nil }
        var it = UnsafeBufferPointer(rebasing: k[d...]).makeIterator()
        var dec = UTF8()
        if case .scalarValue(let s) = dec.decode(&it) { return s }
        return nil
    }

    /// Position of the `i`-th character read from `start` in direction `step`, or nil past either end.
    @inline(__always) private func pos(_ start: Int, _ step: Int, _ i: Int) -> Int? {
        let p = start + step * i
        return p >= 0 && p < sets.count ? p : nil
    }

    /// Entries equal to the characters read from `start` (forward view: rightwards), of any length, or of
    /// exactly `length` characters.
    mutating func exact(from start: Int, length: Int? = nil) {
        exact(index.rowView(.forward), 0, index.entryCount, 0, start, 1, 0, length)
    }

    private mutating func exact(
        _ v: RowView, _ lo: Int, _ hi: Int, _ d: Int, _ start: Int, _ step: Int, _ i: Int, _ length: Int?
    ) {
        let r = skipEnded(v, lo, hi, d, emit: d >= minKeyBytes && (length == nil || length == i))
        guard r < hi, length.map({ i < $0 }) ?? true, let p = pos(start, step, i) else { return }
        for c in sets[p] {
            if let sub = narrow(v, r, hi, d, c) { exact(v, sub.lowerBound, sub.upperBound, d + UTF8.width(c), start, step, i + 1, length) }
        }
    }

    /// Entries within one edit (a character changed, added or left out) of some run of characters starting at
    /// `start`, plus those occurring exactly there. Forward only lets the edit fall after the entry's first two
    /// characters; `fuzzyBackward` covers edits in the first two (for entries of 4+ characters one of the two
    /// sides of the edit is 2+ characters long), so no walk enumerates the list's first characters.
    mutating func fuzzyForward(from start: Int) { fuzzy(index.rowView(.forward), 0, index.entryCount, 0, start, 1, 0, 0, true) }

    /// The same, reading leftwards from `end` (inclusive) over the backwards keys.
    mutating func fuzzyBackward(from end: Int) { fuzzy(index.rowView(.reverse), 0, index.entryCount, 0, end, -1, 0, 0, true) }

    /// `i`: characters of the password consumed; `k`: characters of the key consumed.
    private mutating func fuzzy(
        _ v: RowView, _ lo: Int, _ hi: Int, _ d: Int, _ start: Int, _ step: Int, _ i: Int, _ k: Int, _ edit: Bool
    ) {
        let r = skipEnded(v, lo, hi, d, emit: d >= minKeyBytes)
        guard r < hi else { return }
        let p = pos(start, step, i)
        if let p {
            for c in sets[p] {
                if let sub = narrow(v, r, hi, d, c) { fuzzy(v, sub.lowerBound, sub.upperBound, d + UTF8.width(c), start, step, i + 1, k + 1, edit) }
            }
        }
        guard edit && k >= 2 else { return }
        // the password has a character the entry lacks
        if p != nil { fuzzy(v, r, hi, d, start, step, i + 1, k, false) }
        // the entry has a character the password lacks, or another one in its place
        var row = r
        while row < hi {
            guard let c = scalar(v, row, d) else { return }
            let end: Int
            if c.value < 0x80 {
                end = upperBound(v, row, hi, d, Int(c.value))
            } else {
                guard let sub = narrow(v, row, hi, d, c) else { return }
                end = sub.upperBound
            }
            guard end > row else { return }
            fuzzy(v, row, end, d + UTF8.width(c), start, step, i, k + 1, false)
            if let p, !sets[p].contains(c) { fuzzy(v, row, end, d + UTF8.width(c), start, step, i + 1, k + 1, false) }
            row = end
        }
    }

    /// Row ranges of the suffix view reached from `start`, by depth: `levels[L]` gets the range of entries
    /// containing the `L` characters read from `start` (any reading), for every `L` some entry reaches. A range
    /// of at most `few` rows deeper than `floor` is not followed further but put in `small` (the entries with
    /// longer runs from there are among its rows), so that deep walks stay short.
    func suffixLevels(from start: Int, floor: Int, few: Int, into levels: inout [[Range<Int>]], small: inout [Range<Int>]) {
        suffixLevels(index.rowView(.suffix), 0, index.suffixCount, 0, start, 0, floor, few, &levels, &small)
    }

    private func suffixLevels(
        _ v: RowView, _ lo: Int, _ hi: Int, _ d: Int, _ start: Int, _ i: Int, _ floor: Int, _ few: Int,
        _ levels: inout [[Range<Int>]], _ small: inout [Range<Int>]
    ) {
        if i > floor && hi - lo <= few {
            small.append(lo..<hi)
            return
        }
        if i > 0 {
            while levels.count <= i { levels.append([]) }
            levels[i].append(lo..<hi)
        }
        guard let p = pos(start, 1, i) else { return }
        for c in sets[p] {
            if let sub = narrow(v, lo, hi, d, c) {
                suffixLevels(v, sub.lowerBound, sub.upperBound, d + UTF8.width(c), start, i + 1, floor, few, &levels, &small)
            }
        }
    }

    /// Adds every row of `rows` in the suffix view to the records found.
    mutating func addSuffixRows(_ rows: Range<Int>) {
        let v = index.rowView(.suffix)
        for row in rows { found.append((UInt32(truncatingIfNeeded: v.record(row)), 0, nil)) }
    }

    /// The records found, in list order, each once.
    func records() -> [Int] { candidates().map { $0.record } }

    /// The entries found, in list order, each once, as written, and whether each is a wildcard template.
    /// An entry found through a forward or reverse row that is its own key is read from the key bytes the
    /// walk touched already; others from the records and raw entries.
    func candidates() -> [(record: Int, entry: String, template: Bool)] {
        var f = found
        f.sort { $0.record < $1.record }
        var out: [(record: Int, entry: String, template: Bool)] = []
        for c in f where out.last?.record != Int(c.record) {
            let r = Int(c.record)
            guard r < index.entryCount else {
                index.noteDamage("a row names record \(r) of \(index.entryCount)")
                continue
            }
            if let v = c.view, v.flags(Int(c.row)) & WordIndexFormat.rowRawIsKey != 0 {
                let key = v.key(Int(c.row))
                var text = String(decoding: key, as: UTF8.self)
                if v.reversed { text = String(String.UnicodeScalarView(text.unicodeScalars.reversed())) }
                out.append((r, text, v.flags(Int(c.row)) & WordIndexFormat.rowTemplate != 0))
            } else {
                out.append((r, index.entry(r), index.isTemplate(r)))
            }
        }
        return out
    }
}
