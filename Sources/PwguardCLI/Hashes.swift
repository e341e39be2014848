import ArgumentParser
import PwguardCheck
import PwguardCore

#if canImport(Glibc)
import Glibc
#endif

/// `pwguard hashes import|check|info`: breached-password stores (format: hashes/README.md).
struct Hashes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build and inspect breached-password stores (Have I Been Pwned downloads, leaked lists).",
        subcommands: [Import.self, Check.self, Info.self, Hash.self]
    )

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func grouped(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }

    static func fixed(_ x: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let v = Int((x * scale).rounded())
        guard digits > 0 else { return String(v) }
        var frac = String(abs(v) % Int(scale))
        while frac.count < digits { frac = "0" + frac }
        return (v < 0 ? "-" : "") + String(abs(v) / Int(scale)) + "." + frac
    }

    /// The expected false-positive rate of one lookup of an absent password: n / 2^(prefix bits + 48).
    static func falsePositiveRate(_ h: StoreHeader) -> Double {
        if h.exact { return 0 }
        var d = 1.0
        for _ in 0..<(h.prefixBits + 48) { d *= 2 }
        return Double(h.recordCount) / d
    }

    static func scientific(_ x: Double) -> String {
        guard x > 0 else { return "0" }
        var e = 0, m = x
        while m < 1 { m *= 10; e -= 1 }
        while m >= 10 { m /= 10; e += 1 }
        return fixed(m, 1) + "e" + String(e)
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a store from HIBP downloads (HASH or HASH:COUNT lines, any order), range-file directories, stdin, or plain-text password lists.",
            discussion: """
                INPUT is a file, a directory of HIBP range files (five hex digits, e.g. 21BD1 or 21BD1.txt, \
                whose lines hold the rest of the hash), or - for stdin (the default). The store is written \
                to a temporary file next to --output, verified, fsynced and renamed over it: a DC never \
                reads a half-written store. Malformed lines are counted and reported, not fatal. \
                Progress and the rate go to stderr every few seconds. NTLM stores hash the UTF-16LE of the \
                password; older HIBP NTLM downloads hashed non-ASCII passwords as CP1252 (see hashes/README.md).
                """
        )
        @Option(help: "Hash kind of the input and the store: sha1 or ntlm.")
        var kind: String
        @Option(name: .shortAndLong, help: "The store file to write (conventionally .pwgs).")
        var output: String
        @Flag(help: "Input lines are passwords (one per line, UTF-8), hashed on import.")
        var plain = false
        @Option(help: "Keep only hashes seen at least N times (lines without a count count once).")
        var minCount: Int = 1
        @Flag(help: "Store whole hashes (16 or 20 bytes per record, no false positives) instead of 6 bytes.")
        var exact = false
        @Flag(help: "Keep each hash's count (4 bytes per record) so the breached rule's min_count can use it.")
        var keepCounts = false
        @Flag(help: "No progress lines.")
        var quiet = false
        @Argument(help: "Input files, directories of range files, or - (stdin).")
        var inputs: [String] = []

        func run() throws {
            guard let kind = HashKind(name: kind) else { throw ValidationError("--kind must be sha1 or ntlm, not \"\(self.kind)\"") }
            guard minCount >= 1 && minCount <= Int(UInt32.max) else { throw ValidationError("--min-count must be at least 1") }
            if plain { Hardening.apply() }    // plain lists are passwords
            var options = ImportOptions(kind: kind)
            options.plain = plain
            options.minCount = UInt32(minCount)
            options.exact = exact
            options.keepCounts = keepCounts
            let importer = HashImporter(options: options)
            let start = Hashes.now()
            var lastReport = start
            if !quiet {
                importer.progress = { lines in
                    let t = Hashes.now()
                    guard t - lastReport >= 2 else { return }
                    lastReport = t
                    printError("read \(Hashes.grouped(lines)) lines (\(Hashes.grouped(Int(Double(lines) / (t - start)))) lines/s)")
                }
            }
            do {
                for input in inputs.isEmpty ? ["-"] : inputs { try importer.add(path: input) }
                let readDone = Hashes.now()
                if !quiet && readDone - start >= 2 { printError("read all \(Hashes.grouped(importer.stats.lines)) lines in \(Hashes.fixed(readDone - start, 1)) s; sorting and writing") }
                let header = try importer.write(to: output)
                let s = importer.stats
                let seconds = Hashes.now() - start
                print("\(output): \(Hashes.grouped(header.recordCount)) \(kind.name) records, \(Hashes.grouped(header.fileSize)) bytes ("
                      + "\(Hashes.fixed(header.recordCount > 0 ? Double(header.fileSize) / Double(header.recordCount) : 0, 2)) bytes/hash), "
                      + (exact ? "exact" : "false-positive rate \(Hashes.scientific(Hashes.falsePositiveRate(header)))")
                      + (keepCounts ? ", with counts" : ""))
                print("read \(Hashes.grouped(s.lines)) lines: \(Hashes.grouped(s.accepted)) hashes, \(Hashes.grouped(s.duplicates)) duplicates merged, "
                      + "\(Hashes.grouped(s.belowMinCount)) below --min-count, \(Hashes.grouped(s.malformed)) malformed"
                      + (s.malformedExamples.isEmpty ? "" : " (first at \(s.malformedExamples.joined(separator: ", ")))"))
                print("took \(Hashes.fixed(seconds, 1)) s (\(Hashes.grouped(Int(Double(s.accepted) / max(seconds, 1e-6)))) hashes/s)")
            } catch {
                printError("pwguard hashes import: \(error)")
                throw ExitCode(2)
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Look a password (read from stdin, never from the command line) up in stores.",
            discussion: "Prints `found in PATH` (with the count when the store keeps counts) or `not found`. Exit 0 not found, 1 found, 2 a store cannot be used."
        )
        @Option(name: .customLong("store"), help: "A store file; repeat for several.")
        var stores: [String]
        @Flag(help: "Print the time to open the stores and to hash and look the password up (microseconds) on stderr.")
        var timing = false

        func run() throws {
            Hardening.apply()
            guard !stores.isEmpty else { throw ValidationError("at least one --store is required") }
            let password = try Hashes.readPassword("check")
            let t0 = Hashes.now()
            var opened: [HashStore] = []
            for path in stores {
                do { opened.append(try HashStore(path: path)) } catch {
                    printError("pwguard hashes check: \(error)")
                    throw ExitCode(2)
                }
            }
            let t1 = Hashes.now()
            var results: [StoreLookup] = []
            for store in opened {
                let r = store.lookup(digest: store.header.kind.digest(password))
                results.append(r)
                if r != .absent { break }
            }
            if timing {
                printError("timing: open \(Hashes.fixed((t1 - t0) * 1e6, 1)) us, hash+lookup \(Hashes.fixed((Hashes.now() - t1) * 1e6, 1)) us")
            }
            for (store, result) in zip(opened, results) {
                switch result {
                case .absent: continue
                case .found(let count):
                    print("found in \(store.path)" + (count.map { " (count \($0))" } ?? ""))
                    throw ExitCode(1)
                case .corrupt(let why):
                    printError("pwguard hashes check: \(store.path): corrupt: \(why)")
                    throw ExitCode(2)
                }
            }
            print("not found")
        }
    }

    /// Reads the password on stdin, as every command here does; exits 2 on bad input.
    static func readPassword(_ command: String) throws -> String {
        var bytes: [UInt8]
        switch PasswordInput.readAll() {
        case .success(let b): bytes = b
        case .failure(let f): printError("pwguard hashes \(command): \(f)"); throw ExitCode(2)
        }
        defer { PasswordInput.wipe(&bytes) }
        switch PasswordInput.decode(bytes) {
        case .success(let s): return s
        case .failure(let f): printError("pwguard hashes \(command): \(f)"); throw ExitCode(2)
        }
    }

    struct Hash: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the SHA-1 or NTLM hash of a password read from stdin, in HIBP's form (upper-case hex).",
            discussion: "For finding a password in a download (its first five characters name the range file) or building test lists."
        )
        @Option(help: "sha1 or ntlm.")
        var kind: String

        func run() throws {
            Hardening.apply()
            guard let kind = HashKind(name: kind) else { throw ValidationError("--kind must be sha1 or ntlm, not \"\(self.kind)\"") }
            print(Digest.hex(kind.digest(try Hashes.readPassword("hash"))).uppercased())
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a store's header; --verify also reads it all and checks its checksum.",
            discussion: "Exit 0 when the store is usable (and verified), 2 when it is truncated or corrupt."
        )
        @Argument(help: "The store file.")
        var path: String
        @Flag(help: "Read the whole store and check the checksum over the index and records.")
        var verify = false

        func run() throws {
            do {
                let store = try HashStore(path: path)
                let h = store.header
                print("\(path): pwguard hash store, format version \(StoreFormat.version)")
                print("  kind \(h.kind.name), \(Hashes.grouped(h.recordCount)) records of \(h.recordBytes) bytes"
                      + (h.exact ? " (whole hashes)" : " (48 bits after a \(h.prefixBits)-bit prefix: \(h.prefixBits + 48) bits compared)")
                      + (h.hasCounts ? ", with counts" : ""))
                print("  \(Hashes.grouped(h.fileSize)) bytes, \(Hashes.fixed(h.recordCount > 0 ? Double(h.fileSize) / Double(h.recordCount) : 0, 2)) bytes/hash, "
                      + "index \(Hashes.grouped(1 << h.prefixBits)) buckets, false-positive rate \(Hashes.scientific(Hashes.falsePositiveRate(h)))")
                if verify {
                    try store.verify()
                    print("  verified: checksum over index and records matches, index ordered")
                }
            } catch {
                printError("pwguard hashes info: \(error)")
                throw ExitCode(2)
            }
        }
    }
}
