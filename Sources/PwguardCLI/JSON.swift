import PwguardCheck

/// A small JSON value with deterministic output (keys in insertion order), for `--json` outputs.
public enum JSON: Sendable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSON])
    case object([(String, JSON)])

    public static func opt(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }

    public func render(indent: Int? = 2) -> String {
        var out = ""
        write(&out, level: 0, indent: indent)
        return out
    }

    private func write(_ out: inout String, level: Int, indent: Int?) {
        let nl = indent == nil ? "" : "\n"
        let pad = { (l: Int) in indent.map { String(repeating: " ", count: $0 * l) } ?? "" }
        switch self {
        case .string(let s): out += JSON.quote(s)
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? String(d) : "null"
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "[" + nl
            for (i, v) in a.enumerated() {
                out += pad(level + 1)
                v.write(&out, level: level + 1, indent: indent)
                out += (i < a.count - 1 ? "," : "") + nl
            }
            out += pad(level) + "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{" + nl
            for (i, (k, v)) in o.enumerated() {
                out += pad(level + 1) + JSON.quote(k) + (indent == nil ? ":" : ": ")
                v.write(&out, level: level + 1, indent: indent)
                out += (i < o.count - 1 ? "," : "") + nl
            }
            out += pad(level) + "}"
        }
    }

    /// One string quoting for every JSON pwguard writes (the event file's and the admin commands').
    public static func quote(_ s: String) -> String { JSONLog.quote(s) }
}
