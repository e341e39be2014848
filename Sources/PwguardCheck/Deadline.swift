#if canImport(Glibc)
import Glibc
#endif

// The internal deadline: a real-time timer whose signal handler sends a prepared log line and exits with
// the `on_error` outcome. Nothing else runs in the handler (send, write and _exit are async-signal-safe;
// the send never waits), so a hung stdin, directory, disk or syslog daemon can never hold the DC's write
// lock past the deadline. It stays armed until the process exits: once the verdict is known, `prepare`
// makes it exit with that verdict, so logging that hangs costs the event, never the decision.

nonisolated(unsafe) private var deadlineMessage: UnsafeMutableRawBufferPointer?
nonisolated(unsafe) private var deadlineSocket: Int32 = -1
nonisolated(unsafe) private var deadlineExitStatus: Int32 = ExitCode.internalError.rawValue

public enum Deadline {
    /// Arms (or re-arms) the timer to fire `milliseconds` after `start`. `message` is what gets logged and
    /// `exitStatus` what the process exits with when it fires.
    public static func arm(milliseconds: Int, since start: timespec, sink: SyslogSink, message: [UInt8], exitStatus: Int32) {
        prepare(sink: sink, message: message, exitStatus: exitStatus)
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let elapsedMs = Int(now.tv_sec - start.tv_sec) * 1000 + Int(now.tv_nsec - start.tv_nsec) / 1_000_000
        let remaining = max(1, milliseconds - elapsedMs)
        signal(SIGALRM, { _ in
            if let m = deadlineMessage {
                // never wait here: not on a full syslog socket, nor on a full stderr pipe (at most PIPE_BUF
                // bytes, and only when stderr can take them now)
                if deadlineSocket < 0 || send(deadlineSocket, m.baseAddress, m.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) < 0 {
                    writeToStderrIfWritable(UnsafeRawBufferPointer(m), newline: true, atMost: Int(PIPE_BUF) - 1)
                }
            }
            _exit(deadlineExitStatus)
        })
        var t = itimerval()
        t.it_value.tv_sec = remaining / 1000
        t.it_value.tv_usec = (remaining % 1000) * 1000
        setitimer(__itimer_which_t(ITIMER_REAL.rawValue), &t, nil)
    }

    /// Replaces what the handler logs and returns, without touching the timer.
    public static func prepare(sink: SyslogSink, message: [UInt8], exitStatus: Int32) {
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: message.count, alignment: 1)
        buf.copyBytes(from: message)
        let old = deadlineMessage
        deadlineMessage = buf
        deadlineSocket = sink.fd
        deadlineExitStatus = exitStatus
        old?.deallocate()
    }

    public static func disarm() {
        var t = itimerval()
        setitimer(__itimer_which_t(ITIMER_REAL.rawValue), &t, nil)
    }

    public static func now() -> timespec {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return t
    }

    public static func milliseconds(since start: timespec) -> Double {
        let n = now()
        return Double(n.tv_sec - start.tv_sec) * 1000 + Double(n.tv_nsec - start.tv_nsec) / 1_000_000
    }
}
