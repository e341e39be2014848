#if canImport(Glibc)
import Glibc
#endif
import PwguardCore

public let pwguardVersion = "0.1.0"

/// The optional JSON-lines event file (`[log] json_file`): one object per decision, appended with a single
/// write(2) on an O_APPEND descriptor so concurrent checks never interleave. Created 0600 (the process
/// umask is 077). A failure to write is reported on syslog and never changes the verdict.
public enum JSONLog {
    /// Returns nil on success, or why the line could not be written. With `private`, the file must be
    /// readable by its owner only (0600 or stricter) or nothing is written.
    public static func append(_ path: String, fields: [(String, JSONField)], private: Bool = false) -> String? {
        switch LogFile.open(path, private: `private`) {
        case .failure(let problem): return problem.message
        case .success(let file):
            defer { file.close() }
            return file.append(render(fields) + "\n")
        }
    }

    public enum JSONField {
        case string(String?)
        case number(String)
        case array([[(String, JSONField)]])
    }

    static func render(_ fields: [(String, JSONField)]) -> String {
        "{" + fields.map { k, v in quote(k) + ":" + value(v) }.joined(separator: ",") + "}"
    }

    static func value(_ v: JSONField) -> String {
        switch v {
        case .string(let s): return s.map(quote) ?? "null"
        case .number(let n): return n
        case .array(let a): return "[" + a.map(render).joined(separator: ",") + "]"
        }
    }

    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// Current UTC time as ISO 8601 with milliseconds.
    public static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = ts.tv_sec
        var tm = tm()
        gmtime_r(&t, &tm)
        func p(_ v: Int32, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(p(tm.tm_year + 1900, 4))-\(p(tm.tm_mon + 1, 2))-\(p(tm.tm_mday, 2))T\(p(tm.tm_hour, 2)):\(p(tm.tm_min, 2)):\(p(tm.tm_sec, 2)).\(p(Int32(ts.tv_nsec / 1_000_000), 3))Z"
    }
}

/// A log file `check` appends to (`json_file`, `capture_rejected_file`), opened so that it can never hold
/// the check: non-blocking (a FIFO without a reader fails at once instead of waiting for one), without
/// following a symbolic link at the last component, and only when it is a regular file (`fstat`: a FIFO
/// with a reader, a socket or a device is refused). Identified by device and inode, never by its path.
public struct LogFile {
    public struct Problem: Error {
        public let message: String
    }

    public let path: String
    let fd: Int32
    let device: UInt64
    let inode: UInt64

    public static func open(_ path: String, private: Bool = false) -> Result<LogFile, Problem> {
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o600)
        if fd < 0 {
            // ENXIO: a FIFO nobody reads (or a socket); a blocking open would have waited for a reader
            let why = errno == ENXIO ? "not a regular file (a FIFO or socket)" : String(cString: strerror(errno))
            return .failure(Problem(message: "\(path): \(why)"))
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let why = String(cString: strerror(errno))
            _ = Glibc.close(fd)
            return .failure(Problem(message: "\(path): \(why)"))
        }
        guard st.st_mode & S_IFMT == S_IFREG else {
            _ = Glibc.close(fd)
            return .failure(Problem(message: "\(path): not a regular file"))
        }
        if `private`, st.st_mode & 0o077 != 0 || st.st_uid != geteuid() {
            _ = Glibc.close(fd)
            return .failure(Problem(message: "\(path): not written: the file must belong to this user and be readable by it alone (mode 0600)"))
        }
        return .success(LogFile(path: path, fd: fd, device: UInt64(st.st_dev), inode: UInt64(st.st_ino)))
    }

    /// Whether both are the same file (device and inode): a hard link, a symlinked directory, another spelling.
    public func isSameFile(as other: LogFile) -> Bool { device == other.device && inode == other.inode }

    /// Whether this is the file `other` opened, or (when it could not be opened) the file at `path`.
    public func isSameFile(as other: Result<LogFile, Problem>?, path: String) -> Bool {
        if case .success(let o)? = other { return isSameFile(as: o) }
        var st = stat()
        return stat(path, &st) == 0 && UInt64(st.st_dev) == device && UInt64(st.st_ino) == inode
    }

    /// Appends `line` with one write(2); nil on success, else why not.
    public func append(_ line: String) -> String? {
        let bytes = Array(line.utf8)
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n != bytes.count { return "\(path): \(n < 0 ? String(cString: strerror(errno)) : "short write")" }
        return nil
    }

    public func close() { _ = Glibc.close(fd) }
}
