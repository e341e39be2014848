#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Whether a file pwguard takes its policy from — the configuration, word lists, compiled word indexes,
/// breached-password stores — may be trusted, judged on the file actually opened (`fstat` of its
/// descriptor, never a second look at the path). Whoever can write such a file decides which passwords a
/// root process accepts, so it is refused when others can write it, or when a user other than root and the
/// one running pwguard owns it; a group-writable file is accepted with a warning.
public enum FileTrust {
    /// Why a file with this owner and mode must not be trusted by a process of effective user `euid`, or nil.
    public static func refusal(owner: uid_t, mode: mode_t, euid: uid_t = geteuid()) -> String? {
        if mode & S_IWOTH != 0 {
            return "writable by others (mode \(octal(mode))): chmod o-w it"
        }
        if owner != 0 && owner != euid {
            return "owned by uid \(owner), neither root nor the user running pwguard (uid \(euid)): chown it"
        }
        return nil
    }

    /// The warning for a group-writable file, or nil.
    public static func caution(mode: mode_t) -> String? {
        mode & S_IWGRP != 0 ? "group-writable (mode \(octal(mode))): every member of its group can change it; chmod g-w it" : nil
    }

    /// Checks the open file `fd` (read from `path`): throws when it must not be trusted, records a warning
    /// (`warnings`) when it is group-writable.
    public static func check(fd: Int32, path: String) throws(FileError) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(path: path, reason: String(cString: strerror(errno))) }
        try check(st, path: path)
    }

    /// The same for the status of a file already opened (`fstat`).
    public static func check(_ st: stat, path: String) throws(FileError) {
        if let why = refusal(owner: st.st_uid, mode: st.st_mode) { throw FileError(path: path, reason: refusedPrefix + why) }
        if let why = caution(mode: st.st_mode) { record(path + ": " + why) }
    }

    /// How the reason of a refusal starts.
    public static let refusedPrefix = "not trusted: "

    /// Warnings recorded by this process (each once, in order): `check` logs them as `event=warning
    /// cause=file_trust`, `config check` and `explain` print them.
    public static var warnings: [String] { recorded.withLock { $0 } }

    private static let recorded = Mutex<[String]>([])

    static func record(_ warning: String) {
        recorded.withLock { if !$0.contains(warning) { $0.append(warning) } }
    }

    static func octal(_ mode: mode_t) -> String {
        let m = mode & 0o7777
        var s = String(m, radix: 8)
        while s.count < 4 { s = "0" + s }
        return s
    }
}
