// libFuzzer target: the history job parser (scripts/fuzz/run.sh history_job).
//
// Input: the bytes `pwguard check` writes to the root record process's stdin (HistoryJob). The parser must
// never trap, and a job it accepts must carry no control character in any text field and encode back to
// exactly the input (one spelling per job: no second way to say something, no ignored bytes).

import PwguardCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHistoryJob(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let job = HistoryJob(bytes: bytes) else { return 0 }
    if job.encoded != bytes { fatalError("an accepted job does not encode back to its input") }
    for field in [job.account, job.distinguishedName ?? "", job.configPath ?? ""] {
        if field.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            fatalError("a control character in an accepted field")
        }
    }
    if job.ntHash.count != 16 { fatalError("an NT hash of \(job.ntHash.count) bytes") }
    return 0
}
