#if canImport(Glibc)
import Glibc
#endif

// Word lists and the substitution table that rules share. Lists are read once per process and cached.

/// A word list: one entry per line, `#` starts a comment line, blank lines are skipped, CR/LF trimmed.
public struct WordList: Sendable {
    /// The name shown in `explain` and logs: the configured name, a path, or `builtin:…`.
    public let name: String
    public let words: [String]

    public init(name: String, words: [String]) {
        self.name = name
        self.words = words
    }

    /// Splits on LF bytes (a CRLF file's "\r\n" is one Character to Swift, so Character splitting
    /// would miss it) and trims CR, spaces and tabs at both ends of each line.
    public init(name: String, text: Substring) {
        var words: [String] = []
        let bytes = text.utf8
        var lineStart = bytes.startIndex
        func take(_ line: Substring.UTF8View.SubSequence) {
            var lo = line.startIndex, hi = line.endIndex
            while lo < hi, let b = Optional(line[lo]), b == 32 || b == 9 || b == 13 { lo = line.index(after: lo) }
            while hi > lo, let b = Optional(line[line.index(before: hi)]), b == 32 || b == 9 || b == 13 { hi = line.index(before: hi) }
            guard lo < hi, line[lo] != UInt8(ascii: "#") else { return }
            words.append(String(Substring(line[lo..<hi])))
        }
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == 10 {
                take(bytes[lineStart..<i])
                lineStart = bytes.index(after: i)
            }
            i = bytes.index(after: i)
        }
        take(bytes[lineStart..<bytes.endIndex])
        self.init(name: name, words: words)
    }
}

/// A file that could not be read.
public struct FileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Reads a whole file (at most `limit` bytes) with plain POSIX calls; with `trusted`, only a file
/// `FileTrust` accepts (judged on the opened descriptor).
public func readFileBytes(_ path: String, limit: Int = 256 << 20, trusted: Bool = false) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw FileError(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    if trusted { try FileTrust.check(fd: fd, path: path) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw FileError(path: path, reason: String(cString: strerror(errno)))
        }
        if n == 0 { break }
        out.append(contentsOf: buf[0..<n])
        if out.count > limit { throw FileError(path: path, reason: "larger than \(limit) bytes") }
    }
    return out
}

/// The first `count` bytes of the file at `path` (fewer when it is shorter, none when it cannot be read): what
/// kind of file it is (a compiled index or ranked list starts with its magic). The reader that follows opens
/// the file again and reports, and judges (`FileTrust`), what it finds.
public func fileHead(_ path: String, _ count: Int) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { return [] }
    defer { close(fd) }
    var b = [UInt8](repeating: 0, count: count)
    let n = b.withUnsafeMutableBytes { read(fd, $0.baseAddress, count) }
    return Array(b.prefix(max(n, 0)))
}

/// Shared inputs of rules: named word lists and the substitution table.
public final class Resources: @unchecked Sendable {
    public let substitutions: SubstitutionTable
    /// Named lists declared in the configuration (`[lists]`): name → path or `builtin:NAME`.
    public let listPaths: [String: String]
    /// Lists given inline (rule examples, tests).
    public let inline: [String: [String]]
    /// Directory relative list paths are resolved against (the config file's directory).
    public let baseDirectory: String?
    /// Named breached-password stores declared in the configuration (`[stores]`): name → path.
    public let storePaths: [String: String]
    /// History hashes computed in this process (one per parameter set), shared by the history rule and the
    /// record written after the change.
    public let historyHasher = HistoryHasher()
    private var cache: [String: WordList] = [:]
    var storeCache: [String: StoreHandle] = [:]
    private var indexCache: [String: WordIndex] = [:]
    private var rankedCache: [String: RankedList] = [:]
    /// References already found to be text lists (not indexes).
    private var textReferences: Set<String> = []

    public init(
        substitutions: SubstitutionTable = .standard, listPaths: [String: String] = [:], inline: [String: [String]] = [:],
        baseDirectory: String? = nil, storePaths: [String: String] = [:]
    ) {
        self.substitutions = substitutions
        self.listPaths = listPaths
        self.inline = inline
        self.baseDirectory = baseDirectory
        self.storePaths = storePaths
    }

    /// The list called `reference`: an inline list, a name from `[lists]`, `builtin:NAME`, or a file path.
    public func wordList(_ reference: String) throws -> WordList {
        if let l = cache[reference] { return l }
        let list: WordList
        if let words = inline[reference] {
            list = WordList(name: reference, words: words)
        } else if let path = listPaths[reference] {
            list = try load(path, name: reference)
        } else {
            list = try load(reference, name: reference)
        }
        cache[reference] = list
        return list
    }

    /// The compiled index `reference` names (through `[lists]` or as a path), told from a text list by its
    /// first bytes, mapped on first use; nil for a text list, an inline or built-in list, or a file that cannot
    /// be opened (`wordList` reports that). Throws when the file looks like an index but is not a usable one
    /// (truncated, corrupt header, another version).
    public func wordIndex(_ reference: String) throws -> WordIndex? {
        if let i = indexCache[reference] { return i }
        if inline[reference] != nil || textReferences.contains(reference) { return nil }
        let path = listPaths[reference] ?? reference
        guard !path.hasPrefix("builtin:") else { return nil }
        let full = resolve(path)
        guard WordIndex.isIndexFile(full) else {
            textReferences.insert(reference)
            return nil
        }
        let index = try WordIndex(path: full)
        indexCache[reference] = index
        return index
    }

    /// Word indexes whose walks met a damaged body (`WordIndex.damage`), by path: refused like an index that
    /// fails to open.
    public var indexDamage: [FileError] { indexCache.values.compactMap(\.damage).sorted { $0.path < $1.path } }

    private func resolve(_ path: String) -> String {
        if !path.hasPrefix("/"), let base = baseDirectory { return base + "/" + path }
        return path
    }

    /// The built-in list `reference` names (directly or through `[lists]`), read in place, so a rule on the hot
    /// path searches it without building a `WordList` (20,000 `String`s take ~12 ms). nil for any other
    /// reference, including an unknown built-in name (`wordList` reports that).
    func builtinRanked(_ reference: String) -> (name: String, list: RankedList)? {
        if inline[reference] != nil { return nil }
        let path = listPaths[reference] ?? reference
        guard path.hasPrefix("builtin:"), let list = BuiltinLists.ranked(String(path.dropFirst("builtin:".count))) else { return nil }
        return (reference, list)
    }

    /// Largest text ranked list read at load time; larger ones must be compiled (`pwguard words rank`).
    public static let rankedTextLimit = 4 << 20

    /// The ranked list `reference` names (the strength rule's `lists`): `builtin:NAME`, an inline list, a name
    /// from `[lists]` or a path. A file starting with the ranked-list magic is mapped; any other file is read as
    /// a text list (one entry per line, most common first, at most `rankedTextLimit` bytes) and ranked in memory.
    public func rankedList(_ reference: String) throws -> RankedList {
        if let l = rankedCache[reference] { return l }
        let list: RankedList
        if let words = inline[reference] {
            list = try RankedList(name: reference, bytes: RankedListWriter.build(words))
        } else {
            let path = listPaths[reference] ?? reference
            if path.hasPrefix("builtin:") {
                guard let b = BuiltinLists.ranked(String(path.dropFirst("builtin:".count))) else {
                    throw FileError(path: path, reason: "no built-in list of that name (known: \(BuiltinLists.names.joined(separator: ", ")))")
                }
                list = b
            } else {
                let full = resolve(path)
                // Only the first bytes decide the kind: a compiled list is mapped (never read whole); both readers
                // judge the file they open by FileTrust on its descriptor.
                if RankedList.looksLikeRankedList(fileHead(full, 4)) {
                    list = try RankedList(name: reference, path: full)
                } else {
                    let bytes: [UInt8]
                    do { bytes = try readFileBytes(full, limit: Self.rankedTextLimit, trusted: true) } catch let e as FileError
                        where e.reason.hasPrefix("larger than") {
                        throw FileError(path: full, reason: "a text list larger than \(Self.rankedTextLimit) bytes: compile it with `pwguard words rank`")
                    }
                    list = try RankedList(name: reference, bytes: RankedListWriter.build(text: bytes, name: full))
                }
            }
        }
        rankedCache[reference] = list
        return list
    }

    private func load(_ path: String, name: String) throws -> WordList {
        if path.hasPrefix("builtin:") {
            let builtinName = String(path.dropFirst("builtin:".count))
            guard let words = BuiltinLists.words(builtinName) else {
                throw FileError(path: path, reason: "no built-in list of that name (known: \(BuiltinLists.names.joined(separator: ", ")))")
            }
            return WordList(name: path, words: words)
        }
        let full = resolve(path)
        let bytes = try readFileBytes(full, trusted: true)
        if WordIndex.looksLikeIndex(Array(bytes.prefix(4))) {
            throw FileError(path: full, reason: "is a compiled word index, not a text list")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FileError(path: full, reason: "not valid UTF-8")
        }
        return WordList(name: name, text: Substring(text))
    }
}
