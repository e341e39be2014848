#if canImport(Glibc)
import Glibc
#endif

/// A minimal syslog client: RFC 3164 datagrams on the local socket (`/dev/log`).
///
/// Written by hand rather than with syslog(3) so a message prepared in advance can be sent from the
/// deadline's signal handler (`send` is async-signal-safe; syslog(3) is not). Sends never block
/// (`MSG_DONTWAIT`): when the socket's queue is full (a hung journald or rsyslog) the message goes to
/// stderr instead, after a line saying so, rather than holding Samba's write lock. When the socket is missing
/// (a container without a syslog daemon) messages go to stderr too, which Samba discards.
///
/// `PWGUARD_LOG_SOCKET` names another socket than `/dev/log` (tests, dry runs; README "Events").
public final class SyslogSink: @unchecked Sendable {
    public enum Facility: Int32, Sendable {
        case auth = 4
        case authpriv = 10
    }

    public enum Severity: Int32, Sendable {
        case err = 3, warning = 4, notice = 5, info = 6
    }

    private(set) var fd: Int32 = -1
    let facility: Facility
    let ident: String
    let socketPath: String

    /// `socketPath` defaults to `PWGUARD_LOG_SOCKET` (for tests and dry runs) or `/dev/log`.
    public init(facility: Facility = .authpriv, ident: String = "pwguard", socketPath: String? = nil) {
        self.facility = facility
        self.ident = ident
        self.socketPath = socketPath ?? (getenv("PWGUARD_LOG_SOCKET").map { String(cString: $0) } ?? "/dev/log")
        connectSocket()
    }

    deinit { if fd >= 0 { close(fd) } }

    private func connectSocket() {
        let s = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { return }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(socketPath.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { close(s); return }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if rc != 0 { close(s); return }
        fd = s
    }

    /// The full datagram for a message: `<PRI>ident[pid]: message`. Timestamp and host are added by the daemon.
    public func datagram(_ severity: Severity, _ message: String) -> [UInt8] {
        let pri = facility.rawValue * 8 + severity.rawValue
        return Array("<\(pri)>\(ident)[\(getpid())]: \(message)".utf8)
    }

    public func log(_ severity: Severity, _ message: String) {
        send(datagram(severity, message))
    }

    /// Sends a prepared datagram without ever waiting; on failure writes it to stderr (Samba discards it
    /// unless log level = 100), after a line naming the socket and why.
    public func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            if fd >= 0 {
                if Glibc.send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) >= 0 { return }
                let why = errno == EAGAIN || errno == EWOULDBLOCK ? "is full (is the syslog daemon hung?)" : "failed: \(String(cString: strerror(errno)))"
                let note = Array("pwguard: syslog socket \(socketPath) \(why); the message is written here instead:\n".utf8)
                note.withUnsafeBytes { writeToStderrIfWritable($0) }
            }
            writeToStderrIfWritable(raw, newline: true)
        }
    }
}

/// Writes to stderr only when it can take data now (`poll`, no wait): a stderr pipe nobody reads is full
/// at some point, and then the message is dropped rather than held. (A message larger than the room left
/// can still block in write(2): the deadline ends that.) Async-signal-safe: the deadline's handler uses it
/// with `atMost` PIPE_BUF bytes, which a writable pipe always takes at once.
func writeToStderrIfWritable(_ raw: UnsafeRawBufferPointer, newline: Bool = false, atMost: Int = Int.max) {
    var p = pollfd(fd: 2, events: Int16(POLLOUT), revents: 0)
    guard poll(&p, 1, 0) == 1, p.revents & Int16(POLLOUT) != 0 else { return }
    _ = write(2, raw.baseAddress, min(raw.count, atMost))
    if newline { _ = write(2, "\n", 1) }
}
