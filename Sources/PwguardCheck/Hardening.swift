#if canImport(Glibc)
import Glibc
#endif
import CProcess

/// Process hardening before any secret is read, for every command that holds a password or a hash of one:
/// `check`, the history record process, `explain`, `audit`, `hashes check|hash|import --plain`, `history`.
/// Files it creates are private, it leaves no core dump and cannot be ptraced or read through /proc by other
/// users, and a vanished reader of its output does not kill it with SIGPIPE.
public enum Hardening {
    public static func apply() {
        umask(0o077)                      // Samba runs the script with umask 0000
        _ = pwguard_set_nondumpable()    // no core dump, no ptrace by other users
        var zero = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &zero)
        signal(SIGPIPE, SIG_IGN)
        // The deadline relies on SIGALRM: a parent may hand us a blocked signal mask (seen with
        // Foundation's Process), so unblock it explicitly.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGALRM)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }
}
