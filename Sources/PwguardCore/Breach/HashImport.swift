#if canImport(Glibc)
import Glibc
#endif

// `pwguard hashes import`: HIBP downloads (SHA-1 or NTLM, `HASH[:COUNT]` lines, sorted or not), directories of
// HIBP range files (`ABCDE` or `ABCDE.txt` holding 35- or 27-character suffixes), stdin, or plain-text
// password lists hashed on import, into a store written atomically (temp file in the target directory,
// fsync, rename). Malformed lines are counted, not fatal.

/// One digest being imported: its first 16 bytes, the rest (SHA-1 bytes 16–19) and its count.
public struct ImportEntry: Comparable, Sendable {
    public var top: UInt128
    public var tail: UInt32
    public var count: UInt32

    public static func < (a: ImportEntry, b: ImportEntry) -> Bool { a.top != b.top ? a.top < b.top : a.tail < b.tail }
    public static func == (a: ImportEntry, b: ImportEntry) -> Bool { a.top == b.top && a.tail == b.tail }

    public init(top: UInt128, tail: UInt32, count: UInt32) {
        self.top = top
        self.tail = tail
        self.count = count
    }

    public init(digest d: UnsafeRawBufferPointer, count: UInt32) {
        top = StoreFormat.top(d)
        tail = d.count >= 20 ? UInt32(d[16]) << 24 | UInt32(d[17]) << 16 | UInt32(d[18]) << 8 | UInt32(d[19]) : 0
        self.count = count
    }
}

public struct ImportOptions: Sendable {
    public var kind: HashKind
    /// Lines are passwords, hashed on import, instead of hashes.
    public var plain = false
    /// Keep only hashes seen at least this many times (lines without a count count as 1).
    public var minCount: UInt32 = 1
    /// Store whole digests instead of 48 bits after the prefix.
    public var exact = false
    /// Store each record's prevalence count (4 bytes more per record) so a rule's min_count can use it.
    public var keepCounts = false

    public init(kind: HashKind) { self.kind = kind }
}

/// What an import read.
public struct ImportStats: Sendable {
    public var lines = 0
    public var accepted = 0
    public var malformed = 0
    /// First malformed lines as "source:line" (never their text: a plain list holds passwords).
    public var malformedExamples: [String] = []
    public var belowMinCount = 0
    public var duplicates = 0
    public var records = 0
    public var bytes = 0
}

/// Reads inputs into entries, then writes a store.
public final class HashImporter {
    public let options: ImportOptions
    public private(set) var entries: [ImportEntry] = []
    public var stats = ImportStats()
    /// Called now and then with the number of lines read so far.
    public var progress: ((Int) -> Void)?
    /// Bytes buffered between writes (small in tests, so every path through the writer runs).
    var writeBufferLimit = 1 << 20

    public init(options: ImportOptions) { self.options = options }

    /// Adds a file, a directory of range files, or stdin ("-").
    public func add(path: String) throws(StoreError) {
        if path == "-" { return try add(fd: 0, source: "stdin", rangePrefix: nil) }
        var st = stat()
        guard stat(path, &st) == 0 else { throw StoreError(path: path, reason: String(cString: strerror(errno))) }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            guard let dir = opendir(path) else { throw StoreError(path: path, reason: String(cString: strerror(errno))) }
            var names: [String] = []
            while let e = readdir(dir) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                if name.hasPrefix(".") { continue }
                names.append(name)
            }
            closedir(dir)
            var ranges = 0
            for name in names.sorted() {
                let stem = name.hasSuffix(".txt") ? String(name.dropLast(4)) : name
                guard stem.utf8.count == 5, Digest.unhex(Array(("0" + stem).utf8)) != nil else { continue }
                ranges += 1
                try add(file: path + "/" + name, rangePrefix: Array(stem.utf8))
            }
            if ranges == 0 {
                throw StoreError(path: path, reason: "no HIBP range files (five hex digits, e.g. 21BD1 or 21BD1.txt) in this directory")
            }
            return
        }
        // Reserve for the whole file (a line is at least a hash and a line end) so the array does not double.
        if !options.plain { entries.reserveCapacity(entries.count + Int(st.st_size) / (2 * options.kind.byteCount + 1)) }
        try add(file: path, rangePrefix: nil)
    }

    private func add(file: String, rangePrefix: [UInt8]?) throws(StoreError) {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw StoreError(path: file, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        try add(fd: fd, source: file, rangePrefix: rangePrefix)
    }

    private func add(fd: Int32, source: String, rangePrefix: [UInt8]?) throws(StoreError) {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var carry: [UInt8] = []
        var lineNumber = 0
        defer { for i in carry.indices { carry[i] = 0 }; for i in buffer.indices { buffer[i] = 0 } }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError(path: source, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            buffer.withUnsafeBufferPointer { buf in
                var start = 0
                for i in 0..<n where buf[i] == 10 {
                    lineNumber += 1
                    if carry.isEmpty {
                        line(UnsafeBufferPointer(rebasing: buf[start..<i]), source, lineNumber, rangePrefix)
                    } else {
                        carry.append(contentsOf: buf[start..<i])
                        carry.withUnsafeBufferPointer { line($0, source, lineNumber, rangePrefix) }
                        for j in carry.indices { carry[j] = 0 }
                        carry.removeAll(keepingCapacity: true)
                    }
                    start = i + 1
                }
                carry.append(contentsOf: buf[start..<n])
            }
        }
        if !carry.isEmpty {
            lineNumber += 1
            carry.withUnsafeBufferPointer { line($0, source, lineNumber, rangePrefix) }
        }
    }

    private func malformed(_ source: String, _ lineNumber: Int) {
        stats.malformed += 1
        if stats.malformedExamples.count < 5 { stats.malformedExamples.append("\(source):\(lineNumber)") }
    }

    private func line(_ raw: UnsafeBufferPointer<UInt8>, _ source: String, _ lineNumber: Int, _ rangePrefix: [UInt8]?) {
        stats.lines += 1
        if stats.lines & 0xFFFFF == 0 { progress?(stats.lines) }
        var hi = raw.count
        if hi > 0 && raw[hi - 1] == 13 { hi -= 1 }
        if options.plain {
            guard hi > 0 else { return }
            guard let password = String(validating: UnsafeBufferPointer(rebasing: raw[0..<hi]), as: UTF8.self) else {
                return malformed(source, lineNumber)
            }
            let d = options.kind.digest(password)
            d.withUnsafeBytes { entries.append(ImportEntry(digest: $0, count: 1)) }
            stats.accepted += 1
            return
        }
        var lo = 0
        while lo < hi, raw[lo] == 32 || raw[lo] == 9 { lo += 1 }
        while hi > lo, raw[hi - 1] == 32 || raw[hi - 1] == 9 { hi -= 1 }
        if lo == hi || raw[lo] == UInt8(ascii: "#") { return }
        var colon = lo
        while colon < hi && raw[colon] != UInt8(ascii: ":") { colon += 1 }
        var count: UInt32 = 1
        if colon < hi {
            var c: UInt64 = 0
            guard colon + 1 < hi else { return malformed(source, lineNumber) }
            for i in (colon + 1)..<hi {
                let v = raw[i] &- 48
                guard v < 10 else { return malformed(source, lineNumber) }
                c = min(c * 10 + UInt64(v), UInt64(UInt32.max))
            }
            count = UInt32(c)
        }
        let hexLength = 2 * options.kind.byteCount
        let prefixLength = rangePrefix?.count ?? 0
        guard colon - lo + prefixLength == hexLength else { return malformed(source, lineNumber) }
        // Hex straight into the entry: the first 32 digits are the top, the rest (SHA-1) the tail.
        var top: UInt128 = 0
        var tail: UInt32 = 0
        var nibbles = 0
        @inline(__always) func put(_ c: UInt8) -> Bool {
            guard let v = Digest.hexValue(c) else { return false }
            if nibbles < 32 { top = top << 4 | UInt128(v) } else { tail = tail << 4 | UInt32(v) }
            nibbles += 1
            return true
        }
        for c in rangePrefix ?? [] { guard put(c) else { return malformed(source, lineNumber) } }
        for i in lo..<colon { guard put(raw[i]) else { return malformed(source, lineNumber) } }
        if count < options.minCount {
            stats.belowMinCount += 1
            return
        }
        entries.append(ImportEntry(top: top, tail: tail, count: count))
        stats.accepted += 1
    }

    /// In place: an American-flag pass on the top byte (256 partitions, no extra memory), then each partition
    /// with the standard sort, which then works in cache-sized pieces. ~2x faster than one big sort.
    static func sort(_ a: inout [ImportEntry]) {
        a.withUnsafeMutableBufferPointer { b in
            var counts = [Int](repeating: 0, count: 256)
            for e in b { counts[Int(truncatingIfNeeded: e.top >> 120)] += 1 }
            var starts = [Int](repeating: 0, count: 257)
            for i in 0..<256 { starts[i + 1] = starts[i] + counts[i] }
            var next = Array(starts[0..<256])
            for bucket in 0..<256 {
                while next[bucket] < starts[bucket + 1] {
                    var e = b[next[bucket]]
                    var target = Int(truncatingIfNeeded: e.top >> 120)
                    while target != bucket {
                        swap(&e, &b[next[target]])
                        next[target] += 1
                        target = Int(truncatingIfNeeded: e.top >> 120)
                    }
                    b[next[bucket]] = e
                    next[bucket] += 1
                }
            }
            for bucket in 0..<256 where starts[bucket + 1] - starts[bucket] > 1 {
                var part = UnsafeMutableBufferPointer(rebasing: b[starts[bucket]..<starts[bucket + 1]])
                part.sort()
            }
        }
    }

    /// Sorts, merges duplicates (summing counts), applies --min-count to plain lists (whose counts are the
    /// number of times a password occurs), and writes the store atomically to `path`.
    public func write(to path: String) throws(StoreError) -> StoreHeader {
        HashImporter.sort(&entries)
        let p = StoreFormat.prefixBits(for: max(entries.count, 1))
        // Merge equal keys: whole digests when exact, else the same bucket and 48-bit key.
        var out = 0
        for k in entries.indices {  // by index: iterating the array itself would copy it on the first write
            let e = entries[k]
            if out > 0 {
                let last = entries[out - 1]
                let same = options.exact ? last == e
                    : last.top >> (80 - p) == e.top >> (80 - p)
                if same {
                    entries[out - 1].count = UInt32(min(UInt64(last.count) + UInt64(e.count), UInt64(UInt32.max)))
                    stats.duplicates += 1
                    continue
                }
            }
            entries[out] = e
            out += 1
        }
        entries.removeLast(entries.count - out)
        if options.plain && options.minCount > 1 {
            let before = entries.count
            entries.removeAll { $0.count < options.minCount }
            stats.belowMinCount += before - entries.count
        }
        // p was chosen from the count before merging: at most one bit more than the merged count would give.
        let header = try StoreHeaderWriter.write(entries, to: path, options: options, prefixBits: p, bufferLimit: writeBufferLimit)
        stats.records = header.recordCount
        stats.bytes = header.fileSize
        return header
    }
}

enum StoreHeaderWriter {
    static func write(_ entries: [ImportEntry], to path: String, options: ImportOptions, prefixBits p: Int,
                      bufferLimit: Int) throws(StoreError) -> StoreHeader {
        guard entries.count < Int(UInt32.max) else { throw StoreError(path: path, reason: "more than 4,294,967,294 records: not supported by format version 1") }
        let kind = options.kind
        let keyBytes = options.exact ? kind.byteCount : StoreFormat.truncatedKeyBytes
        var header = StoreHeader(kind: kind, hasCounts: options.keepCounts, exact: options.exact, prefixBits: p, keyBytes: keyBytes,
                                 recordCount: entries.count, recordsOffset: StoreFormat.recordsOffset(prefixBits: p), fileSize: 0,
                                 dataChecksum: 0)
        header.fileSize = header.recordsOffset + entries.count * header.recordBytes

        let dir = directoryName(path)
        var template = Array((dir + "/.pwgs-import-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw StoreError(path: path, reason: "cannot create a temporary file in \(dir): \(String(cString: strerror(errno)))") }
        let tmp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        var sum = StoreChecksum()
        var buf: [UInt8] = []
        buf.reserveCapacity(1 << 20)
        var failure: String?
        var written = StoreFormat.headerSize  // file offset of buf's first byte
        func flush() {
            written += buf.count
            guard failure == nil, !buf.isEmpty else { buf.removeAll(keepingCapacity: true); return }
            buf.withUnsafeBytes { sum.update($0) }
            var off = 0
            while off < buf.count {
                let n = buf.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno)); break
                }
                off += n
            }
            buf.removeAll(keepingCapacity: true)
        }
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { buf.append(contentsOf: $0) } }
        // Placeholder header (rewritten at the end with the checksum), not part of the data checksum.
        if lseek(fd, off_t(StoreFormat.headerSize), SEEK_SET) < 0 { failure = String(cString: strerror(errno)) }
        // Index: first record of each bucket, then the record count.
        var i = 0
        for b in 0..<(1 << p) {
            while i < entries.count && StoreFormat.bucket(entries[i].top, prefixBits: p) < b { i += 1 }
            put(UInt32(i))
            if buf.count >= bufferLimit { flush() }
        }
        put(UInt32(entries.count))
        while written + buf.count < header.recordsOffset { buf.append(0) }
        flush()
        for e in entries {
            if options.exact {
                for s in stride(from: 120, through: 0, by: -8) { buf.append(UInt8(truncatingIfNeeded: e.top >> UInt128(s))) }
                if kind == .sha1 { for s in [24, 16, 8, 0] { buf.append(UInt8(truncatingIfNeeded: e.tail >> UInt32(s))) } }
            } else {
                let k = StoreFormat.truncatedKey(e.top, prefixBits: p)
                for s in [40, 32, 24, 16, 8, 0] { buf.append(UInt8(truncatingIfNeeded: k >> UInt64(s))) }
            }
            if options.keepCounts { put(e.count) }
            if buf.count >= bufferLimit { flush() }
        }
        flush()
        header.dataChecksum = sum.finish()
        let encoded = header.encoded()
        if failure == nil {
            let n = encoded.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            if n != encoded.count { failure = String(cString: strerror(errno)) }
        }
        // A store from plain-text lists holds an organisation's own leaked passwords as unsalted hashes: root only.
        if failure == nil && fchmod(fd, options.plain ? 0o600 : 0o644) != 0 { failure = String(cString: strerror(errno)) }
        if failure == nil && fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if let failure { throw StoreError(path: path, reason: "cannot write \(tmp): \(failure)") }
        // Verify what was written before it replaces anything.
        let check = try HashStore(path: tmp)
        try check.verify()
        guard rename(tmp, path) == 0 else { throw StoreError(path: path, reason: "cannot rename \(tmp): \(String(cString: strerror(errno)))") }
        ok = true
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
        return header
    }

    static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
