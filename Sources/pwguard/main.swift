// pwguard's entry point. `check` is what Samba runs on every password change: it is dispatched here,
// before any argument-parsing machinery is touched, so the DC's write lock waits as little as possible.
#if canImport(Glibc)
import Glibc
#endif
import PwguardCheck
import PwguardCLI

let arguments = CommandLine.arguments
if arguments.count >= 2 && arguments[1] == "check" && !arguments.dropFirst(2).contains(where: { $0 == "--help" || $0 == "-h" }) {
    exit(CheckCommand.main(Array(arguments.dropFirst(2))))
}
// The detached history record process that `check` starts (never run by hand: it reads a job on stdin).
if arguments.count == 2 && arguments[1] == "__history-record" {
    exit(HistoryRecorder.runDetached())
}
PwguardCommand.main()
