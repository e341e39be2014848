#if canImport(Glibc)
import Glibc
#endif
import PwguardCore

// How many record processes may run, and one directory poller per user (issue 12, finding 10).
//
// Every accepted change starts a record process; one whose change never commits waits up to
// confirm_timeout_seconds. Without a bound, a user retrying quickly (or a bulk tool) multiplies processes
// that poll the directory, against Samba's few prefork workers. So each record process, before it touches
// the directory, takes (with flock(2) on files in a root-owned run directory, default /run/pwguard):
//
//   1. one of `max_record_processes_per_user` seats of its user (`u-<digest of the account>.<i>`),
//   2. one of `max_record_processes` seats in all (`all.<i>`),
//   3. its user's turn (`u-<digest>.turn`): one process per user reads and writes the directory at a time.
//
// Seats 1 and 2 are tried without blocking, with a growing back-off (20 ms to 200 ms) for up to
// `seatWaitMilliseconds`; a process that gets none exits (`history_not_recorded result=busy`): at most
// max_record_processes processes hold a seat, and those waiting for one never touch the directory. Waiting
// for the turn (3) is bounded by the process's own deadline. flock(2) locks die with the process: a crashed
// record process frees its seats. Lock files are empty; the directory is created 0700 and must be a real
// directory owned by this user, writable by nobody else (compared on the open descriptor, never by path).

public final class RecordSlots {
    private var fds: [Int32]
    private let dir: Int32
    private let user: String

    /// Why no seat could be had.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case runDirectory(String)
        case busy(String)
        public var description: String {
            switch self {
            case .runDirectory(let s), .busy(let s): return s
            }
        }
    }

    /// Opens (creating it if needed) the run directory and takes the user's seat and a seat in all.
    public static func acquire(runDirectory: String, account: String, perUser: Int, total: Int, waitMilliseconds: Double,
                               since start: timespec = Deadline.now()) -> Result<RecordSlots, Failure>
    {
        let dir: Int32
        switch openRunDirectory(runDirectory) {
        case .failure(let f): return .failure(f)
        case .success(let d): dir = d
        }
        let user = "u-" + userKey(account)
        var held: [Int32] = []
        func fail(_ f: Failure) -> Result<RecordSlots, Failure> {
            held.forEach { _ = close($0) }
            close(dir)
            return .failure(f)
        }
        for (prefix, n, what) in [(user, perUser, "the \(perUser) record processes of this user"), ("all", total, "all \(total) record processes")] {
            switch seat(dir: dir, names: (0..<n).map { "\(prefix).\($0)" }, since: start, limit: waitMilliseconds) {
            case .failure(let f): return fail(f)
            case .success(nil): return fail(.busy("\(what) were busy for \(Int(waitMilliseconds / 1000)) s"))
            case .success(let fd?): held.append(fd)
            }
        }
        return .success(RecordSlots(fds: held, dir: dir, user: user))
    }

    private init(fds: [Int32], dir: Int32, user: String) {
        self.fds = fds
        self.dir = dir
        self.user = user
    }

    /// Waits (polling flock, no directory traffic) for the user's turn until `limit` ms after `start`. False
    /// when that passed first.
    public func waitForTurn(since start: timespec, limit: Double) -> Result<Bool, Failure> {
        switch Self.seat(dir: dir, names: ["\(user).turn"], since: start, limit: limit) {
        case .failure(let f): return .failure(f)
        case .success(nil): return .success(false)
        case .success(let fd?):
            fds.append(fd)
            return .success(true)
        }
    }

    deinit {
        fds.forEach { _ = close($0) }
        close(dir)
    }

    /// The file-name key of an account: hex of the first 12 bytes of SHA-256 of its lower-cased name (account
    /// names are case-insensitive, and may hold characters a file name should not).
    static func userKey(_ account: String) -> String {
        let digest = SHA256.hash(Array(account.lowercased().utf8))
        let hex = Array("0123456789abcdef".utf8)
        return String(decoding: digest.prefix(12).flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] }, as: UTF8.self)
    }

    static func openRunDirectory(_ path: String) -> Result<Int32, Failure> {
        guard path.hasPrefix("/") else { return .failure(.runDirectory("\(path): not an absolute path")) }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            return .failure(.runDirectory("cannot create \(path): \(String(cString: strerror(errno)))"))
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.runDirectory("cannot open \(path): \(String(cString: strerror(errno)))")) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_uid == geteuid(), st.st_mode & 0o022 == 0 else {
            close(fd)
            return .failure(.runDirectory("\(path) must be a directory owned by uid \(geteuid()) and writable by it alone"))
        }
        return .success(fd)
    }

    /// Takes the first free lock among `names` (trying each without blocking), retrying with back-off until
    /// `limit` ms after `start`. nil: none became free in time.
    static func seat(dir: Int32, names: [String], since start: timespec, limit: Double) -> Result<Int32?, Failure> {
        var fds: [Int32] = []
        defer { fds.forEach { _ = close($0) } }
        for name in names {
            let fd = openat(dir, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return .failure(.runDirectory("cannot open the lock file \(name): \(String(cString: strerror(errno)))")) }
            var st = stat()
            guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_uid == geteuid() else {
                close(fd)
                return .failure(.runDirectory("the lock file \(name) is not a regular file of uid \(geteuid())"))
            }
            fds.append(fd)
        }
        var pause: UInt32 = 20_000
        while true {
            for (i, fd) in fds.enumerated() where flock(fd, LOCK_EX | LOCK_NB) == 0 {
                fds.remove(at: i)
                return .success(fd)
            }
            if Deadline.milliseconds(since: start) >= limit { return .success(nil) }
            usleep(pause)
            pause = min(pause * 2, 200_000)
        }
    }
}
