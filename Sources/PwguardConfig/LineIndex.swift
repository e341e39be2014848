import PwguardCore

// The line of every key in a TOML document.
//
// TOMLKit returns values without their positions, so this small scanner reads the text once more and
// records, for every key path, the line where it is defined: `[table]` and `[[array]]` headers, `key = …`
// lines (dotted keys too) and the keys and elements inside inline tables and arrays. Paths are spelled as
// in error messages: `policy[1].rule_set[2].rule[3].min` (array elements count from 1). The text has
// already been parsed by TOMLKit, so the scanner can assume it is valid TOML.

/// A key path component as written in messages: bare when TOML allows it, quoted otherwise.
func keyComponent(_ key: String) -> String {
    let bare = !key.isEmpty && key.unicodeScalars.allSatisfy {
        ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == "-"
    }
    return bare ? key : tomlQuoted(key)
}

/// `parent.key`, or `key` at the top level.
func joinPath(_ parent: String, _ key: String) -> String {
    parent.isEmpty ? keyComponent(key) : parent + "." + keyComponent(key)
}

struct LineIndex {
    private(set) var lines: [String: Int] = [:]

    init(_ text: String) {
        var scanner = LineScanner(Array(text.utf8))
        scanner.run()
        lines = scanner.lines
    }

    /// The line of `path`, or of the nearest enclosing key that has one (a key inside an inline table
    /// that the scanner did not see, a missing key whose table is known).
    func line(_ path: String) -> Int? {
        var p = Substring(path)
        while !p.isEmpty {
            if let l = lines[String(p)] { return l }
            p = Self.parent(p)
        }
        return nil
    }

    /// The path without its last component (`a.b[2]` → `a.b`, `a."x.y"` → `a`).
    static func parent(_ path: Substring) -> Substring {
        var quoted = false
        var escaped = false
        var cut = path.startIndex
        for i in path.indices {
            let c = path[i]
            if escaped { escaped = false; continue }
            if quoted {
                if c == "\\" { escaped = true } else if c == "\"" { quoted = false }
                continue
            }
            if c == "\"" { quoted = true } else if c == "." || c == "[" { cut = i }
        }
        return path[path.startIndex..<cut]
    }
}

private struct LineScanner {
    let b: [UInt8]
    var i = 0
    var line = 1
    var lines: [String: Int] = [:]
    /// Number of elements seen so far of each array of tables (`[[x]]`), by path.
    var arrays: [String: Int] = [:]
    var current = ""

    init(_ bytes: [UInt8]) { b = bytes }

    static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
    static let hash = UInt8(ascii: "#"), dot = UInt8(ascii: "."), equals = UInt8(ascii: "="), comma = UInt8(ascii: ",")
    static let lbracket = UInt8(ascii: "["), rbracket = UInt8(ascii: "]"), lbrace = UInt8(ascii: "{"), rbrace = UInt8(ascii: "}")
    static let dquote = UInt8(ascii: "\""), squote = UInt8(ascii: "'"), backslash = UInt8(ascii: "\\")

    func peek(_ offset: Int = 0) -> UInt8? { i + offset < b.count ? b[i + offset] : nil }

    mutating func note(_ path: String) {
        if lines[path] == nil { lines[path] = line }
    }

    mutating func run() {
        while true {
            skipTrivia(newlines: true)
            guard let c = peek() else { return }
            let before = i
            if c == Self.lbracket { header() } else { keyValue(in: current) }
            while let c = peek(), c != Self.lf { i += 1 }  // the rest of the line: a comment
            if i == before { i += 1 }
        }
    }

    /// Skips spaces, tabs, comments and (when asked) newlines.
    mutating func skipTrivia(newlines: Bool) {
        while let c = peek() {
            if c == Self.space || c == Self.tab || c == Self.cr {
                i += 1
            } else if c == Self.lf && newlines {
                line += 1
                i += 1
            } else if c == Self.hash {
                while let c = peek(), c != Self.lf { i += 1 }
            } else {
                return
            }
        }
    }

    mutating func header() {
        let isArray = peek(1) == Self.lbracket
        i += isArray ? 2 : 1
        let keys = key()
        skipTrivia(newlines: false)
        while peek() == Self.rbracket { i += 1 }
        var path = ""
        for (n, k) in keys.enumerated() {
            let candidate = joinPath(path, k)
            if n == keys.count - 1 && isArray {
                let count = arrays[candidate, default: 0] + 1
                arrays[candidate] = count
                note(candidate)
                path = candidate + "[\(count)]"
            } else if let count = arrays[candidate] {
                path = candidate + "[\(count)]"
            } else {
                path = candidate
            }
            note(path)
        }
        lines[path] = line
        current = path
    }

    /// `key = value` (the key may be dotted), below `base`.
    mutating func keyValue(in base: String) {
        var path = base
        for k in key() {
            path = joinPath(path, k)
            note(path)
        }
        skipTrivia(newlines: false)
        if peek() == Self.equals { i += 1 }
        skipTrivia(newlines: false)
        value(path)
    }

    /// A possibly dotted key: its unquoted components.
    mutating func key() -> [String] {
        var parts: [String] = []
        while true {
            skipTrivia(newlines: false)
            guard let c = peek() else { return parts }
            if c == Self.dquote || c == Self.squote {
                parts.append(quotedKey(c))
            } else {
                let start = i
                while let c = peek(), c != Self.space, c != Self.tab, c != Self.dot, c != Self.equals,
                      c != Self.rbracket, c != Self.lf, c != Self.hash
                {
                    i += 1
                }
                parts.append(String(decoding: b[start..<i], as: UTF8.self))
            }
            skipTrivia(newlines: false)
            guard peek() == Self.dot else { return parts }
            i += 1
        }
    }

    /// A quoted key; basic-string escapes are decoded (`\"`, `\\`, `\n`, `\t`, `\uXXXX`, `\UXXXXXXXX`).
    mutating func quotedKey(_ quote: UInt8) -> String {
        i += 1
        var out: [UInt8] = []
        while let c = peek(), c != quote, c != Self.lf {
            i += 1
            guard quote == Self.dquote, c == Self.backslash, let e = peek() else {
                out.append(c)
                continue
            }
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(Self.lf)
            case UInt8(ascii: "t"): out.append(Self.tab)
            case UInt8(ascii: "r"): out.append(Self.cr)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let digits = e == UInt8(ascii: "u") ? 4 : 8
                let end = min(i + digits, b.count)
                let hex = String(decoding: b[i..<end], as: UTF8.self)
                i = end
                if let v = UInt32(hex, radix: 16), let s = Unicode.Scalar(v) { out.append(contentsOf: Array(String(s).utf8)) }
            default: out.append(e)
            }
        }
        if peek() == quote { i += 1 }
        return String(decoding: out, as: UTF8.self)
    }

    /// Skips one value, noting the keys of inline tables and the elements of arrays below `path`.
    mutating func value(_ path: String) {
        guard let c = peek() else { return }
        switch c {
        case Self.dquote, Self.squote:
            string(c)
        case Self.lbracket:
            i += 1
            var index = 0
            while true {
                skipTrivia(newlines: true)
                guard let c = peek() else { return }
                if c == Self.rbracket { i += 1; return }
                if c == Self.comma { i += 1; continue }
                index += 1
                let element = path + "[\(index)]"
                note(element)
                let before = i
                value(element)
                if i == before { i += 1 }
            }
        case Self.lbrace:
            i += 1
            while true {
                skipTrivia(newlines: true)
                guard let c = peek() else { return }
                if c == Self.rbrace { i += 1; return }
                if c == Self.comma { i += 1; continue }
                let before = i
                keyValue(in: path)
                if i == before { i += 1 }
            }
        default:
            while let c = peek(), c != Self.comma, c != Self.rbracket, c != Self.rbrace, c != Self.lf, c != Self.hash {
                i += 1
            }
        }
    }

    /// Skips a basic or literal string, single- or multi-line.
    mutating func string(_ quote: UInt8) {
        let multiline = peek(1) == quote && peek(2) == quote
        i += multiline ? 3 : 1
        while let c = peek() {
            if c == Self.lf {
                if !multiline { return }
                line += 1
            }
            if c == Self.backslash && quote == Self.dquote {
                i += 1
                if peek() == Self.lf { line += 1 }
                i += 1
                continue
            }
            if c == quote {
                if !multiline { i += 1; return }
                if peek(1) == quote && peek(2) == quote {
                    i += 3
                    // up to two quotes may end the content right before the delimiter
                    var extra = 0
                    while extra < 2 && peek() == quote { i += 1; extra += 1 }
                    return
                }
            }
            i += 1
        }
    }
}
