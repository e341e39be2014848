// A rule's parameters, independent of the configuration file format.
//
// The TOML loader (PwguardConfig) turns a rule's table into `[String: ConfigValue]`, remembering the line
// of every key; rule examples write the same dictionaries as Swift literals. `RuleParameters` hands out
// typed values, records which keys a rule read, and reports any key it did not read as an error, so a
// typo in the configuration is never silently ignored.

/// One configuration value.
public indirect enum ConfigValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case bool(Bool)
    case array([ConfigValue])
    case table([String: ConfigValue])

    /// TOML spelling, used by `pwguard rules` to show an example's parameters.
    public var description: String {
        switch self {
        case .string(let s): return tomlQuoted(s)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .table(let t):
            return "{ " + t.keys.sorted().map { "\($0) = \(t[$0]!.description)" }.joined(separator: ", ") + " }"
        }
    }

    /// "a string", "an integer", …: how error messages name the type.
    public var typeName: String {
        switch self {
        case .string: return "a string"
        case .int: return "an integer"
        case .bool: return "a boolean"
        case .array: return "an array"
        case .table: return "a table"
        }
    }
}

/// Quotes a string the way TOML's basic strings are written.
public func tomlQuoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

extension ConfigValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: ConfigValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, ConfigValue)...) {
        var t: [String: ConfigValue] = [:]
        for (k, v) in elements { t[k] = v }
        self = .table(t)
    }
}

/// A configuration problem. `key` is the dotted path below the file's top level (for example
/// `policy[2].rule_set[1].rule[3].tolerance`); `line` is the 1-based line in the file, when known.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String?
    public var line: Int?
    public var key: String
    public var message: String

    public init(file: String? = nil, line: Int? = nil, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        var where_ = file ?? "<config>"
        if let line { where_ += ":\(line)" }
        return key.isEmpty ? "\(where_): \(message)" : "\(where_): \(key): \(message)"
    }
}

/// Typed access to one rule's parameters.
///
/// Every getter marks its key as used; `finish()` throws for keys nobody asked for. Errors carry the key's
/// full path and line so `pwguard config check` can point at them.
public final class RuleParameters {
    public let values: [String: ConfigValue]
    /// Line of each key in the configuration file (empty for examples).
    public let lines: [String: Int]
    /// Dotted path of the table these parameters come from, e.g. `policy[1].rule_set[1].rule[2]`.
    public let path: String
    /// The line of the table itself.
    public let tableLine: Int?
    private var used: Set<String> = ["id"]

    public init(_ values: [String: ConfigValue], lines: [String: Int] = [:], path: String = "rule", tableLine: Int? = nil) {
        self.values = values
        self.lines = lines
        self.path = path
        self.tableLine = tableLine
    }

    public func error(_ key: String, _ message: String) -> ConfigError {
        ConfigError(line: lines[key] ?? tableLine, key: key.isEmpty ? path : "\(path).\(key)", message: message)
    }

    private func fetch(_ key: String) -> ConfigValue? {
        used.insert(key)
        return values[key]
    }

    public func has(_ key: String) -> Bool { values[key] != nil }

    public func int(_ key: String, default def: Int? = nil, min lo: Int? = nil, max hi: Int? = nil) throws -> Int {
        guard let v = try optionalInt(key, min: lo, max: hi) else {
            if let def { return def }
            throw error(key, "is required (an integer)")
        }
        return v
    }

    public func optionalInt(_ key: String, min lo: Int? = nil, max hi: Int? = nil) throws -> Int? {
        guard let v = fetch(key) else { return nil }
        guard case .int(let i) = v else { throw error(key, "must be an integer, not \(v.typeName)") }
        if let lo, i < lo { throw error(key, "must be at least \(lo), not \(i)") }
        if let hi, i > hi { throw error(key, "must be at most \(hi), not \(i)") }
        return i
    }

    public func bool(_ key: String, default def: Bool) throws -> Bool {
        guard let v = fetch(key) else { return def }
        guard case .bool(let b) = v else { throw error(key, "must be true or false, not \(v.typeName)") }
        return b
    }

    public func string(_ key: String, default def: String? = nil) throws -> String {
        guard let v = try optionalString(key) else {
            if let def { return def }
            throw error(key, "is required (a string)")
        }
        return v
    }

    public func optionalString(_ key: String) throws -> String? {
        guard let v = fetch(key) else { return nil }
        guard case .string(let s) = v else { throw error(key, "must be a string, not \(v.typeName)") }
        return s
    }

    /// A string that must be one of `choices`.
    public func choice(_ key: String, _ choices: [String], default def: String) throws -> String {
        let s = try string(key, default: def)
        guard choices.contains(s) else {
            throw error(key, "must be one of \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), not \"\(s)\"")
        }
        return s
    }

    public func strings(_ key: String, default def: [String] = []) throws -> [String] {
        guard let v = fetch(key) else { return def }
        switch v {
        case .string(let s): return [s]
        case .array(let a):
            return try a.map {
                guard case .string(let s) = $0 else { throw error(key, "must be an array of strings") }
                return s
            }
        default: throw error(key, "must be a string or an array of strings, not \(v.typeName)")
        }
    }

    /// A tolerance: an integer ≥ 0, or the string "auto" (returned as nil).
    public func tolerance(_ key: String = "tolerance", default def: Int?) throws -> Int? {
        guard let v = fetch(key) else { return def }
        switch v {
        case .int(let i) where i >= 0: return i
        case .string(let s) where s.lowercased() == "auto": return nil
        default: throw error(key, "must be a non-negative integer or \"auto\"")
        }
    }

    /// Throws for the first key that no getter asked for.
    public func finish() throws {
        for key in values.keys.sorted() where !used.contains(key) {
            throw error(key, "unknown key")
        }
    }
}
