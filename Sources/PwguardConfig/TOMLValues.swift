import PwguardCore
import TOMLKit

extension Loader {
    /// Copies a TOMLKit table into ConfigValues. Floats, dates and times are valid TOML that no pwguard
    /// key accepts: each is reported at its path and left out.
    func values(_ t: TOMLTable, path: String) -> [String: ConfigValue] {
        var out: [String: ConfigValue] = [:]
        for (k, v) in t {
            if let value = value(v, path: joinPath(path, k)) { out[k] = value }
        }
        return out
    }

    func value(_ v: any TOMLValueConvertible, path: String) -> ConfigValue? {
        switch v.type {
        case .string: return .string(v.string ?? "")
        case .int: return .int(v.int ?? 0)
        case .bool: return .bool(v.bool ?? false)
        case .table: return .table(v.table.map { values($0, path: path) } ?? [:])
        case .array:
            guard let items = v.array else { return .array([]) }
            var out: [ConfigValue] = []
            for (n, item) in items.enumerated() {
                if let value = value(item, path: path + "[\(n + 1)]") { out.append(value) }
            }
            return .array(out)
        case .double: unsupported(path, "a floating-point number")
        case .date, .time, .dateTime: unsupported(path, "a date or time")
        }
        return nil
    }
}
