// Distinguished names (RFC 4514) parsed into RDNs, so that DNs compare by identity, not spelling.
//
// `OU=Svc,OU=Dept,DC=lab,DC=example`, `ou=svc, ou=dept, dc=LAB, dc=example` and `OU=S\76c,OU=Dept,…` are the
// same DN; `OU=x\,OU=Svc,OU=Dept,…` is one RDN (an OU named "x,OU=Svc") directly under OU=Dept, not an entry
// under OU=Svc. Attribute types and values compare without case (as AD compares them); a multi-valued RDN
// (`CN=a+UID=b`) is a set of attributes, in any order. Parsing never traps: input that is not a DN is nil
// (fuzzed by Tests/fuzz/DNParser).

/// A parsed distinguished name: its RDNs, the entry's own first, the root's last.
public struct DN: Hashable, Sendable, CustomStringConvertible {
    /// One `type=value` of an RDN.
    public struct Attribute: Hashable, Sendable {
        /// The attribute type, lower-cased: a name (`ou`, `dc`) or a numeric OID (`2.5.4.11`).
        public let type: String
        /// The value, unescaped (`Sales, EMEA`); for a `#hex` value (BER), its hex digits, lower-cased.
        public let value: String
        /// Whether the value was written `#hex` (a BER encoding, compared as bytes).
        public let isBER: Bool

        /// What equality and hashing use: the value without case (BER values are already lower-case).
        var key: String { isBER ? value : value.lowercased() }

        public static func == (a: Attribute, b: Attribute) -> Bool { a.type == b.type && a.isBER == b.isBER && a.key == b.key }
        public func hash(into h: inout Hasher) {
            h.combine(type)
            h.combine(isBER)
            h.combine(key)
        }
    }

    /// One RDN: one attribute, or several joined with `+` (kept sorted, so their order does not matter).
    public struct RDN: Hashable, Sendable {
        public let attributes: [Attribute]
        init(_ attributes: [Attribute]) {
            self.attributes = attributes.sorted { ($0.type, $0.isBER ? 1 : 0, $0.key) < ($1.type, $1.isBER ? 1 : 0, $1.key) }
        }
    }

    /// The RDNs, the entry's own first (`CN=alice`), the root's last (`DC=example`). Empty: the root DSE's "".
    public let rdns: [RDN]

    public init(rdns: [RDN]) { self.rdns = rdns }

    /// Parses `text`; nil when it is not a DN (a missing `=`, an empty RDN, a bad attribute type, a dangling
    /// `\`, a malformed `#hex` value, or escapes that decode to invalid UTF-8). Spaces around `=`, `,` and
    /// `+` are ignored, as are unescaped spaces at either end of a value.
    public init?(_ text: String) {
        var p = DNParser(Array(text.utf8))
        guard let rdns = p.parse() else { return nil }
        self.rdns = rdns
    }

    /// The DN without its first RDN (an entry's container); nil for the empty DN.
    public var parent: DN? { rdns.isEmpty ? nil : DN(rdns: Array(rdns.dropFirst())) }

    /// Whether this DN is `ancestor` or lies below it: its RDNs end with all of `ancestor`'s.
    public func isWithin(_ ancestor: DN) -> Bool {
        ancestor.rdns.count <= rdns.count && Array(rdns.suffix(ancestor.rdns.count)) == ancestor.rdns
    }

    /// The DNS name spelled by the `DC=` RDNs (`CN=x,DC=lab,DC=example` → `lab.example`); nil without any.
    public var domainName: String? {
        let labels = rdns.compactMap { r -> String? in
            guard r.attributes.count == 1, let a = r.attributes.first, a.type == "dc", !a.isBER else { return nil }
            return a.value
        }
        return labels.isEmpty ? nil : labels.joined(separator: ".")
    }

    /// RFC 4514 text that parses back to an equal DN (types lower-cased, values escaped where needed).
    public var description: String {
        rdns.map { r in
            r.attributes.map { a in a.type + "=" + (a.isBER ? "#" + a.value : Self.escape(a.value)) }.joined(separator: "+")
        }.joined(separator: ",")
    }

    /// Escapes a value for RFC 4514 text: `\` before `, + " \ < > ; =`, a leading `#` or space and a trailing
    /// space; control characters as `\XX`.
    public static func escape(_ value: String) -> String {
        var out = ""
        let scalars = Array(value.unicodeScalars)
        for (i, s) in scalars.enumerated() {
            switch s {
            case ",", "+", "\"", "\\", "<", ">", ";", "=":
                out += "\\" + String(s)
            case "#" where i == 0, " " where i == 0 || i == scalars.count - 1:
                out += "\\" + String(s)
            case "\u{0}"..."\u{1F}", "\u{7F}":
                let h = String(s.value, radix: 16, uppercase: true)
                out += "\\" + (h.count < 2 ? "0" : "") + h
            default:
                out.unicodeScalars.append(s)
            }
        }
        return out
    }
}

/// The parser behind `DN.init?(_:)`: one pass over the UTF-8 bytes, index-checked at every step.
struct DNParser {
    let b: [UInt8]
    var i = 0

    init(_ bytes: [UInt8]) { b = bytes }

    static let space = UInt8(ascii: " "), comma = UInt8(ascii: ","), plus = UInt8(ascii: "+"),
               equals = UInt8(ascii: "="), backslash = UInt8(ascii: "\\"), sharp = UInt8(ascii: "#"),
               dot = UInt8(ascii: "."), hyphen = UInt8(ascii: "-")

    var atEnd: Bool { i >= b.count }
    func peek() -> UInt8? { i < b.count ? b[i] : nil }
    mutating func skipSpaces() { while i < b.count, b[i] == Self.space { i += 1 } }

    mutating func parse() -> [DN.RDN]? {
        skipSpaces()
        if atEnd { return [] }
        var rdns: [DN.RDN] = []
        while true {
            var attributes: [DN.Attribute] = []
            while true {
                guard let a = attribute() else { return nil }
                attributes.append(a)
                guard peek() == Self.plus else { break }
                i += 1
            }
            rdns.append(DN.RDN(attributes))
            if atEnd { return rdns }
            guard peek() == Self.comma else { return nil }
            i += 1
        }
    }

    /// `type = value`, with the spaces around it; stops before `,`, `+` or the end.
    mutating func attribute() -> DN.Attribute? {
        skipSpaces()
        guard let type = attributeType() else { return nil }
        skipSpaces()
        guard peek() == Self.equals else { return nil }
        i += 1
        skipSpaces()
        if peek() == Self.sharp {
            i += 1
            guard let hex = berValue() else { return nil }
            return DN.Attribute(type: type, value: hex, isBER: true)
        }
        guard let value = stringValue() else { return nil }
        return DN.Attribute(type: type, value: value, isBER: false)
    }

    /// A descr (`ou`, `userPrincipalName`: a letter, then letters, digits, `-`) or a numericoid (`2.5.4.11`).
    mutating func attributeType() -> String? {
        let start = i
        while let c = peek(), Self.isAlnum(c) || c == Self.hyphen || c == Self.dot { i += 1 }
        let t = b[start..<i]
        guard let first = t.first else { return nil }
        if Self.isDigit(first) {
            let parts = t.split(separator: Self.dot, omittingEmptySubsequences: false)
            guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isDigit) }) else { return nil }
        } else {
            guard Self.isAlpha(first), !t.contains(Self.dot) else { return nil }
        }
        return String(decoding: t, as: UTF8.self).lowercased()
    }

    /// `#` then an even number (≥ 2) of hex digits, up to `,`, `+`, spaces or the end.
    mutating func berValue() -> String? {
        let start = i
        while let c = peek(), Self.hexValue(c) != nil { i += 1 }
        let digits = b[start..<i]
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        skipSpaces()
        guard atEnd || peek() == Self.comma || peek() == Self.plus else { return nil }
        return String(decoding: digits, as: UTF8.self).lowercased()
    }

    /// A string value up to an unescaped `,` or `+`: `\XX` is a byte, `\` before any other character is that
    /// character; unescaped trailing spaces are dropped. Nil on a dangling `\` or bytes that are not UTF-8.
    mutating func stringValue() -> String? {
        var out: [UInt8] = []
        var keep = 0   // out's length up to its last byte that is not an unescaped space
        while let c = peek(), c != Self.comma, c != Self.plus {
            if c == Self.backslash {
                guard i + 1 < b.count else { return nil }
                if i + 2 < b.count, let hi = Self.hexValue(b[i + 1]), let lo = Self.hexValue(b[i + 2]) {
                    out.append(hi << 4 | lo)
                    i += 3
                } else {
                    out.append(b[i + 1])
                    i += 2
                }
                keep = out.count
            } else {
                out.append(c)
                i += 1
                if c != Self.space { keep = out.count }
            }
        }
        return String(validating: out.prefix(keep), as: UTF8.self)
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    static func isAlpha(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
    }
    static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isAlpha(c) }
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
