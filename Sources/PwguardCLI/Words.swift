import ArgumentParser
import PwguardCore

#if canImport(Glibc)
import Glibc
#endif

/// `pwguard words`: compiled word indexes for large lists (hashes/README.md, "Word indexes").
struct Words: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compile word lists into indexes that the check maps instead of reading (for lists of millions of entries).",
        discussion: """
            A list reference ([lists] or a rule's `lists`) that names a compiled index is used as the text list \
            would be, with the same results, but opened in constant time and searched with a few binary searches \
            per password.
            """,
        subcommands: [Compile.self, Info.self, Rank.self]
    )

    struct Rank: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile a ranked text list (one entry per line, most common first) for the strength rule.",
            discussion: """
                The strength rule's `ranked_lists` take the text list or this compiled form (mapped, not read; \
                hashes/README.md "Ranked lists"). scripts/gen-ranked-data.sh builds the built-in lists with it. \
                With --verify, checks an existing ranked list and prints its size instead.
                """
        )

        @Argument(help: "The text list (or, with --verify, the ranked list).")
        var list: String
        @Option(name: .shortAndLong, help: "The ranked list to write (default: LIST with .txt replaced by .pwgr).")
        var output: String?
        @Flag(help: "Verify a compiled ranked list (header and body checksums) and describe it.")
        var verify = false

        func run() throws {
            if verify {
                do {
                    let r = try RankedList(name: list, path: list)
                    guard r.verifyBody() else {
                        printError("\(list): not a usable ranked list: body checksum mismatch")
                        throw ExitCode(1)
                    }
                    print("\(list): ranked list, \(r.count) entries, checksum ok")
                    return
                } catch let e as FileError {
                    printError("\(e)")
                    throw ExitCode(1)
                }
            }
            let out = output ?? ((list.hasSuffix(".txt") ? String(list.dropLast(4)) : list) + ".pwgr")
            let bytes: [UInt8]
            do {
                bytes = try RankedListWriter.build(text: try readFileBytes(list, limit: 1 << 30), name: list)
                try WordIndexWriter.writeAtomically(bytes, to: out)
            } catch {
                throw ValidationError("\(error)")
            }
            print("\(out): \(bytes.count) bytes")
        }
    }

    struct Compile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile a text word list (one entry per line, # comments) into an index.",
            discussion: "Writes atomically (a temporary file beside OUT, then rename), so a DC never reads a half-written index."
        )

        @Argument(help: "The text list.")
        var list: String
        @Option(name: .shortAndLong, help: "The index to write (default: LIST with .txt replaced by .pwgw).")
        var output: String?

        static func defaultOutput(_ list: String) -> String {
            (list.hasSuffix(".txt") ? String(list.dropLast(4)) : list) + ".pwgw"
        }

        func run() throws {
            let out = output ?? Self.defaultOutput(list)
            let start = Self.now()
            let bytes: [UInt8]
            do {
                bytes = try readFileBytes(list, limit: 16 << 30)
            } catch {
                throw ValidationError("cannot read \(error)")
            }
            if WordIndex.looksLikeIndex(Array(bytes.prefix(4))) { throw ValidationError("\(list) is a compiled index already") }
            guard let text = String(validating: bytes, as: UTF8.self) else { throw ValidationError("\(list): not valid UTF-8") }
            let words = WordList(name: list, text: Substring(text)).words
            let index = WordIndexWriter.build(words)
            do {
                try WordIndexWriter.writeAtomically(index, to: out)
            } catch {
                throw ValidationError("cannot write \(error)")
            }
            let ms = (Self.now() - start) / 1_000_000
            print("\(out): \(words.count) entries, \(index.count) bytes, compiled in \(ms) ms")
        }

        static func now() -> Int {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe a compiled index and verify its checksums (reads the whole file).",
            discussion: "Exit status 0 when the index is sound, 1 when it is truncated or corrupt."
        )

        @Argument(help: "The index.")
        var index: String
        @Flag(help: "Also print every entry, in list order.")
        var entries = false

        func run() throws {
            let i: WordIndex
            do {
                i = try WordIndex(path: index)
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
            print("index: \(index)")
            print("format: pwguard word index, version \(WordIndexFormat.version)")
            print("normalisation: lower case (simple per-character mapping)")
            print("entries: \(i.entryCount)")
            print("wildcard templates: \(i.templateCount)")
            print("suffix rows: \(i.suffixCount)")
            print("longest key: \(i.maxKeyBytes) bytes")
            print("size: \(i.fileSize) bytes")
            guard i.verifyBody() else {
                print("checksum: MISMATCH")
                printError("\(index): not a usable word index: body checksum mismatch (corrupt)")
                throw ExitCode(1)
            }
            print("checksum: ok")
            if entries { for e in i.allEntries() { print(e) } }
        }
    }
}
