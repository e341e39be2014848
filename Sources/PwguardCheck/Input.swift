#if canImport(Glibc)
import Glibc
#endif

/// Reading the password exactly as Samba writes it: UTF-8, no trailing newline, then EOF.
public enum PasswordInput {
    /// Largest accepted input. Samba's `user create --random-password` sends up to ~250 bytes; a human
    /// password is far shorter. Anything longer is refused rather than truncated.
    public static let maxBytes = 1024

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case tooLong(limit: Int)
        case notUTF8
        case containsNUL
        case readError(String)

        public var description: String {
            switch self {
            case .tooLong(let limit): return "the password on stdin is longer than \(limit) bytes"
            case .notUTF8: return "the password on stdin is not valid UTF-8"
            case .containsNUL: return "the password on stdin contains a NUL byte"
            case .readError(let e): return "reading stdin failed: \(e)"
            }
        }
    }

    /// Reads fd until EOF (or one byte past the limit). The deadline's timer interrupts a stdin that never closes.
    public static func readAll(fd: Int32 = 0, limit: Int = maxBytes) -> Result<[UInt8], Failure> {
        var buf = [UInt8](repeating: 0, count: limit + 1)
        var n = 0
        while n <= limit {
            let r = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress! + n, limit + 1 - n) }
            if r < 0 {
                if errno == EINTR { continue }
                let e = String(cString: strerror(errno))
                wipe(&buf)
                return .failure(.readError(e))
            }
            if r == 0 { break }
            n += r
        }
        if n > limit {
            wipe(&buf)
            return .failure(.tooLong(limit: limit))
        }
        let out = Array(buf[0..<n])
        wipe(&buf)
        return .success(out)
    }

    /// Decodes Samba's bytes: strips exactly one trailing "\n" or "\r\n" (an admin piping `echo`), then
    /// requires valid UTF-8 without NUL.
    public static func decode(_ input: [UInt8]) -> Result<String, Failure> {
        var end = input.count
        if end >= 2 && input[end - 2] == 13 && input[end - 1] == 10 {
            end -= 2
        } else if end >= 1 && input[end - 1] == 10 {
            end -= 1
        }
        let bytes = input[0..<end]
        if bytes.contains(0) { return .failure(.containsNUL) }
        guard let s = String(validating: bytes, as: UTF8.self) else { return .failure(.notUTF8) }
        return .success(s)
    }

    /// Overwrites a buffer that held password bytes.
    public static func wipe(_ buf: inout [UInt8]) {
        buf.withUnsafeMutableBytes { raw in
            if let p = raw.baseAddress { memset(p, 0, raw.count) }
        }
    }
}
