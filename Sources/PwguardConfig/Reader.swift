import PwguardCore

/// An error that has already been recorded by the loader: stop the current section quietly.
struct AlreadyRecorded: Error {}

/// Collects errors while the loader walks the document, so `pwguard config check` can show them all.
final class Loader {
    let file: String?
    let lines: LineIndex
    private var errors: [ConfigError] = []
    private var suppressed: Set<String> = []

    init(file: String?, lines: LineIndex) {
        self.file = file
        self.lines = lines
    }

    func error(_ path: String, _ message: String) -> ConfigError {
        ConfigError(file: file, line: lines.line(path), key: path, message: message)
    }

    /// Records a value of a type no key accepts; later errors about the same key are left out.
    func unsupported(_ path: String, _ what: String) {
        record(error(path, "\(what) is not accepted here: use an integer or a string"))
        suppressed.insert(path)
    }

    func record(_ e: ConfigError) {
        if suppressed.contains(e.key) { return }
        var e = e
        if e.file == nil { e.file = file }
        if e.line == nil { e.line = lines.line(e.key) }
        errors.append(e)
    }

    var hasErrors: Bool { !errors.isEmpty }

    /// Runs one section; a thrown error is recorded and the section yields nil.
    func attempt<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let e as ConfigError {
            record(e)
        } catch is AlreadyRecorded {
        } catch {
            record(ConfigError(key: "", message: "\(error)"))
        }
        return nil
    }

    /// Errors in file order (errors without a line last), duplicates removed.
    func sortedErrors() -> [ConfigError] {
        var seen: [ConfigError] = []
        for e in errors where !seen.contains(e) { seen.append(e) }
        return seen.enumerated().sorted { a, b in
            let la = a.element.line ?? Int.max, lb = b.element.line ?? Int.max
            return la != lb ? la < lb : a.offset < b.offset
        }.map(\.element)
    }
}

/// Typed access to one TOML table; every getter marks its key as known, `finish()` reports the others.
final class Reader {
    let loader: Loader
    /// Path of the table, e.g. `policy[1].applies_to` ("" for the document).
    let path: String
    let values: [String: ConfigValue]
    private var known: [String] = []

    init(_ loader: Loader, path: String, _ values: [String: ConfigValue]) {
        self.loader = loader
        self.path = path
        self.values = values
    }

    func keyPath(_ key: String) -> String { joinPath(path, key) }

    /// An error about `key` (or about the table itself when `key` is empty).
    func error(_ key: String, _ message: String) -> ConfigError {
        loader.error(key.isEmpty ? path : keyPath(key), message)
    }

    func has(_ key: String) -> Bool { values[key] != nil }

    func node(_ key: String) -> ConfigValue? {
        if !known.contains(key) { known.append(key) }
        return values[key]
    }

    func string(_ key: String) throws -> String? {
        guard let v = node(key) else { return nil }
        guard case .string(let s) = v else { throw error(key, "must be a string, not \(v.typeName)") }
        return s
    }

    /// A string that must not be empty.
    func text(_ key: String) throws -> String? {
        guard let s = try string(key) else { return nil }
        if s.isEmpty { throw error(key, "must not be empty") }
        return s
    }

    func required(_ key: String, _ what: String) throws -> String {
        guard let s = try text(key) else { throw error(key, "is required (\(what))") }
        return s
    }

    func int(_ key: String, _ range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let v = node(key) else { return nil }
        guard case .int(let i) = v else { throw error(key, "must be an integer, not \(v.typeName)") }
        if let range, !range.contains(i) {
            throw error(key, "must be from \(range.lowerBound) to \(range.upperBound), not \(i)")
        }
        return i
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = node(key) else { return nil }
        guard case .bool(let b) = v else { throw error(key, "must be true or false, not \(v.typeName)") }
        return b
    }

    func choice(_ key: String, _ choices: [String]) throws -> String? {
        guard let s = try string(key) else { return nil }
        guard choices.contains(s) else {
            throw error(key, "must be one of \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), not \"\(s)\"")
        }
        return s
    }

    /// An absolute path.
    func absolutePath(_ key: String) throws -> String? {
        guard let s = try text(key) else { return nil }
        guard s.hasPrefix("/") else { throw error(key, "must be an absolute path, not \"\(s)\"") }
        return s
    }

    /// A DNS name (`lab.example`, `dc1`).
    func dnsName(_ key: String) throws -> String? {
        guard let s = try text(key) else { return nil }
        guard isDNSName(s) else { throw error(key, "must be a DNS name such as \"lab.example\", not \"\(s)\"") }
        return s
    }

    /// A non-empty array of non-empty strings (`allowEmpty`: `[]` too).
    func strings(_ key: String, allowEmpty: Bool = false) throws -> [String]? {
        guard let v = node(key) else { return nil }
        guard case .array(let items) = v else { throw error(key, "must be an array of strings, such as [\"a\", \"b\"], not \(v.typeName)") }
        if items.isEmpty && !allowEmpty { throw error(key, "must not be empty") }
        return try items.enumerated().map { n, item in
            guard case .string(let s) = item, !s.isEmpty else {
                throw loader.error(keyPath(key) + "[\(n + 1)]", "must be a non-empty string, not \(item.typeName)")
            }
            return s
        }
    }

    /// A table, written `[path.key]` or inline; `example` shows the expected shape in the message.
    func table(_ key: String, example: String) throws -> Reader? {
        guard let v = node(key) else { return nil }
        guard case .table(let t) = v else { throw error(key, "must be a table, such as \(example), not \(v.typeName)") }
        return Reader(loader, path: keyPath(key), t)
    }

    /// An array of tables (`[[path.key]]`).
    func tables(_ key: String, header: String) throws -> [Reader]? {
        guard let v = node(key) else { return nil }
        guard case .array(let items) = v else { throw error(key, "must be an array of tables: write [[\(header)]], not \(v.typeName)") }
        return try items.enumerated().map { n, item in
            let itemPath = keyPath(key) + "[\(n + 1)]"
            guard case .table(let t) = item else { throw loader.error(itemPath, "must be a table, not \(item.typeName)") }
            return Reader(loader, path: itemPath, t)
        }
    }

    /// Records an error for every key no getter asked for.
    func finish() {
        let expected = known.sorted().joined(separator: ", ")
        for key in values.keys.sorted() where !known.contains(key) {
            loader.record(error(key, "unknown key" + (expected.isEmpty ? "" : " (expected one of: \(expected))")))
        }
    }
}

/// Letters, digits and hyphens in dot-separated labels of at most 63 characters (253 in all).
func isDNSName(_ s: String) -> Bool {
    guard !s.isEmpty, s.utf8.count <= 253 else { return false }
    for label in s.split(separator: ".", omittingEmptySubsequences: false) {
        guard !label.isEmpty, label.utf8.count <= 63, label.first != "-", label.last != "-" else { return false }
        let ok = label.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "-"
        }
        if !ok { return false }
    }
    return true
}
