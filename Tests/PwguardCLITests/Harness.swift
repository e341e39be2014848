import Foundation
import Testing

/// Runs the built `pwguard` binary as a subprocess, the way Samba does: password on stdin, identity in
/// the environment, and a private syslog socket (PWGUARD_LOG_SOCKET) to capture the one event.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
    var log: [String]
    var seconds: Double
}

enum Pwguard {
    /// The binary built beside the test bundle.
    static var binary: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [bundle, bundle.deletingLastPathComponent()] {
            let p = dir.appendingPathComponent("pwguard").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return bundle.appendingPathComponent("pwguard").path
    }

    static var packageRoot: String {
        // Tests/PwguardCLITests/Harness.swift -> package root
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// Runs pwguard. `stdin` nil keeps stdin open and never writes (a writer that never closes).
    /// `shell` runs it through `/bin/sh -c "SHELL; exec pwguard ARGS"` (ulimit, umask); `stderrBrokenPipe`
    /// hands it a stderr pipe whose reader is already gone (a write raises SIGPIPE); `logSocket: false`
    /// points PWGUARD_LOG_SOCKET at nothing, so events go to stderr.
    static func run(
        _ args: [String], stdin: [UInt8]?, env: [String: String] = [:], closeStdin: Bool = true,
        shell: String? = nil, stderrBrokenPipe: Bool = false, logSocket: Bool = true, via: [String] = []
    ) throws -> Run {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pwguard-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sockPath = dir.appendingPathComponent("log.sock").path
        let sock = try LogSocket(path: sockPath)
        defer { sock.close() }

        let p = Process()
        if let shell {
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", shell + "; exec \"$0\" \"$@\"", binary] + args
        } else {
            // `via`: a wrapper command (e.g. setpriv to drop root) that runs the binary with `args`.
            p.executableURL = URL(fileURLWithPath: via.first ?? binary)
            p.arguments = via.isEmpty ? args : Array(via.dropFirst()) + [binary] + args
        }
        // ASAN_OPTIONS: under `swift test --sanitize=address` the binary is instrumented too, and LeakSanitizer
        // would report (and exit 23 for) what a one-shot process never frees: Swift globals, TOMLKit's tables.
        var environment = ["PATH": "/usr/bin:/bin", "PWGUARD_LOG_SOCKET": logSocket ? sockPath : dir.appendingPathComponent("none.sock").path,
                           "ASAN_OPTIONS": "detect_leaks=0"]
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        if stderrBrokenPipe {
            try errPipe.fileHandleForReading.close()
            p.standardError = errPipe.fileHandleForWriting
        } else {
            p.standardError = errPipe
        }
        let t0 = Date()
        try p.run()
        if let stdin { inPipe.fileHandleForWriting.write(Data(stdin)) }
        if closeStdin && stdin != nil { try inPipe.fileHandleForWriting.close() }
        // stderr is drained beside stdout: a child that fills one pipe while we wait on the other would hang
        let err = DataBox()
        let reading = DispatchGroup()
        if !stderrBrokenPipe {
            let handle = errPipe.fileHandleForReading
            DispatchQueue.global().async(group: reading) { err.data = handle.readDataToEndOfFile() }
        }
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        reading.wait()
        p.waitUntilExit()
        let seconds = Date().timeIntervalSince(t0)
        if !closeStdin || stdin == nil { try? inPipe.fileHandleForWriting.close() }
        return Run(status: p.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                   stderr: String(decoding: err.data, as: UTF8.self), log: sock.drain(), seconds: seconds)
    }

    static func check(_ password: String, account: String? = "maryjones", extraEnv: [String: String] = [:], args: [String] = []) throws -> Run {
        var env = extraEnv
        if let account { env["SAMBA_CPS_ACCOUNT_NAME"] = account }
        return try run(["check"] + args, stdin: Array(password.utf8), env: env)
    }

    /// A configuration with one default policy holding one rule set with one rule (`rule`: its TOML lines).
    static func oneRuleConfig(_ name: String, top: String = "", mode: String = "enforce", rule: String) throws -> String {
        try writeTemp(name, """
            default_policy = "p"
            \(top)
            [[policy]]
            name = "p"
            mode = "\(mode)"
            [[policy.rule_set]]
            [[policy.rule_set.rule]]
            \(rule)
            """)
    }

    static func writeTemp(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pwguard-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// Bytes filled in by another thread, read after it is done (DispatchGroup.wait orders the two).
final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// A unix datagram socket standing in for /dev/log.
final class LogSocket {
    let fd: Int32

    init(path: String) throws {
        fd = try Self.bound(path: path, type: SOCK_DGRAM)
        _ = fcntl(fd, F_SETFL, O_NONBLOCK)
    }

    /// A unix socket of `type` bound to `path`.
    static func bound(path: String, type: __socket_type) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(type.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if rc != 0 { Glibc.close(fd); throw POSIXError(.EADDRINUSE) }
        return fd
    }

    func drain() -> [String] {
        var out: [String] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { break }
            out.append(String(decoding: buf[0..<n], as: UTF8.self))
        }
        return out
    }

    func close() { _ = Glibc.close(fd) }
}
