// libFuzzer target: the TOML configuration loader (scripts/fuzz/run.sh config_loader).
//
// Input: the bytes of a configuration file. They go through the same steps as `Configuration.load`
// (UTF-8 validation, NUL refusal, TOMLKit/toml++, then pwguard's own validation with file/line/key errors).
// A valid result must be usable: every policy is evaluated once on a fixed password. Relative list paths
// resolve against a directory that does not exist, so no input reads the fuzzing machine's files.

import PwguardConfig
import PwguardCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    let (configuration, errors) = Configuration.parseCollecting(text: text, path: "/nonexistent-pwguard-fuzz/pwguard.toml")
    if configuration == nil && errors.isEmpty { fatalError("no configuration and no error") }
    for e in errors where "\(e)".isEmpty { fatalError("an error without a message") }
    if let c = configuration {
        let identity = Identity(accountName: "maryjones", userPrincipalName: "maryjones@example.com", displayName: "Mary Jones")
        for p in c.policies { _ = Engine.evaluate(p, Candidate("Vx9-Kelp-Zorbu-Frimt", identity: identity)) }
    }
    return 0
}
