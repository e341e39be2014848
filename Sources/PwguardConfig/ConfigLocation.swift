#if canImport(Glibc)
import Glibc
#endif

/// Where the configuration comes from, and how two configured paths are compared.
public enum ConfigLocation {
    public static let defaultPath = "/etc/pwguard/pwguard.toml"

    /// The file to load: `explicit` when given (`--config`); else `defaultPath` unless nothing at all is there.
    ///
    /// Only "no such file" on the path itself (`lstat`: ENOENT) means "no configuration", and then nil: the
    /// embedded default policy decides. Anything else at the path — a dangling or looping symbolic link, a
    /// directory, a file that cannot be read — is returned, so loading it fails and the change is refused as a
    /// configuration error: an admin's broken configuration never silently becomes the default policy.
    public static func resolve(explicit: String?, defaultPath: String = defaultPath) -> String? {
        if let explicit { return explicit }
        var st = stat()
        if lstat(defaultPath, &st) != 0 && errno == ENOENT { return nil }
        return defaultPath
    }

    /// `path` with every symbolic link, `.` and `..` resolved: the real path of the file when it exists,
    /// else the real path of its deepest existing ancestor directory followed by the rest, `.` and `..`
    /// applied to the rest. Two spellings of one file (`/x/events.jsonl`, `/x/./events.jsonl`,
    /// `/link-to-x/events.jsonl`) give the same result. For comparing configured paths before the files
    /// exist; files that exist are compared by device and inode (`LogFile` in PwguardCheck).
    public static func canonicalPath(_ path: String) -> String {
        var rest: [Substring] = []
        var head = path
        while true {
            if let real = realPath(head) {
                var parts = real.split(separator: "/", omittingEmptySubsequences: true)
                for c in rest.reversed() {
                    switch c {
                    case ".": continue
                    case "..": if !parts.isEmpty { parts.removeLast() }
                    default: parts.append(c)
                    }
                }
                return "/" + parts.joined(separator: "/")
            }
            guard let slash = head.lastIndex(of: "/") else { return path }
            rest.append(head[head.index(after: slash)...])
            head = slash == head.startIndex ? "/" : String(head[..<slash])
            if head == "/" && realPath("/") == nil { return path }
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
