/// Invalid TOML that toml++ 3 (under TOMLKit) does not report but asserts on: an `assert` that aborts the
/// process, since SwiftPM builds the C++ target without NDEBUG also in release (and `__builtin_assume`,
/// undefined behaviour, with NDEBUG). Found by the config_loader fuzz target (scripts/fuzz/). The text is
/// checked for these before it reaches the parser:
///   - a table header whose first key does not start with a bare-key character or a quote: `[[#`, `[é]`,
///     `[ =`, `[` then the end of the line;
///   - `}` where an array element is expected: `a = [ }`, `a = [1, }`, `{b = [}]}`.
/// Both are always invalid TOML. The header check reads lines, so it would also refuse such a line inside a
/// multi-line string (no pwguard setting has one).
enum TOMLPrecheck {
    /// The line and a description of the first such problem, or nil.
    static func problem(_ text: String) -> (line: Int, message: String)? {
        if let line = headerWithoutKey(text) {
            return (line, "a table header must start with a key, bare (letters, digits, _ or -) or quoted")
        }
        if let line = braceAsArrayElement(text) {
            return (line, "'}' where an array element or ']' is expected")
        }
        return nil
    }

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    static func headerWithoutKey(_ text: String) -> Int? {
        var lineNumber = 0
        for line in text.utf8.split(separator: newline, omittingEmptySubsequences: false) {
            lineNumber += 1
            var rest = line[...]
            if lineNumber == 1, rest.starts(with: [0xEF, 0xBB, 0xBF]) { rest = rest.dropFirst(3) }    // a BOM
            rest = rest.drop { $0 == space || $0 == tab }
            guard rest.first == UInt8(ascii: "[") else { continue }
            rest = rest.dropFirst()
            if rest.first == UInt8(ascii: "[") { rest = rest.dropFirst() }
            rest = rest.drop { $0 == space || $0 == tab }
            guard let c = rest.first else { return lineNumber }
            let ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'")
                || c == UInt8(ascii: "]")
            if !ok { return lineNumber }
        }
        return nil
    }

    /// Outside strings and comments: `[` or `,` followed (after whitespace, line breaks and comments) by `}`.
    static func braceAsArrayElement(_ text: String) -> Int? {
        let b = Array(text.utf8)
        var i = 0, line = 1
        func starts(_ s: String, at j: Int) -> Bool {
            let u = Array(s.utf8)
            return j + u.count <= b.count && Array(b[j..<j + u.count]) == u
        }
        while i < b.count {
            let c = b[i]
            if c == newline { line += 1; i += 1; continue }
            if c == UInt8(ascii: "#") {
                while i < b.count && b[i] != newline { i += 1 }
                continue
            }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                let multi = starts(String(repeating: String(UnicodeScalar(c)), count: 3), at: i)
                let close = multi ? 3 : 1
                i += close
                while i < b.count {
                    if c == UInt8(ascii: "\"") && b[i] == UInt8(ascii: "\\") { i += 2; continue }
                    if b[i] == newline {
                        line += 1
                        if !multi { break }
                    }
                    if b[i] == c && (!multi || starts(String(repeating: String(UnicodeScalar(c)), count: 3), at: i)) {
                        i += close
                        break
                    }
                    i += 1
                }
                continue
            }
            if c == UInt8(ascii: "[") || c == UInt8(ascii: ",") {
                var j = i + 1, l = line
                while j < b.count {
                    if b[j] == space || b[j] == tab || b[j] == carriageReturn { j += 1 }
                    else if b[j] == newline { l += 1; j += 1 }
                    else if b[j] == UInt8(ascii: "#") { while j < b.count && b[j] != newline { j += 1 } }
                    else { break }
                }
                if j < b.count && b[j] == UInt8(ascii: "}") { return l }
            }
            i += 1
        }
        return nil
    }
}
