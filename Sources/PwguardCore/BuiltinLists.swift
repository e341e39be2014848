import PwguardData

/// Lists compiled into the binary, so the embedded default policy needs no file on the DC. Each is a ranked
/// list (`RankedList`, hashes/README.md "Ranked lists") embedded as bytes by the PwguardData target and read in
/// place: opening one checks a 64-byte header, nothing is parsed or indexed at run time.
public enum BuiltinLists {
    /// Names, in the order of `pwg_data_blob`'s numbers. Sources and licences: hashes/README.md.
    public static let names = ["common-passwords", "passwords", "english", "first-names", "surnames"]

    /// The list called `name` (without `builtin:`), nil for an unknown name.
    public static func ranked(_ name: String) -> RankedList? {
        switch name {
        case "common-passwords": return commonPasswords
        case "passwords": return passwords
        case "english": return english
        case "first-names": return firstNames
        case "surnames": return surnames
        default: return nil
        }
    }

    /// The list's entries most common first (for common-passwords, which is not ranked, the order of its sorted
    /// source file), as `WordList` would read the source file; nil for an unknown name.
    public static func words(_ name: String) -> [String]? {
        guard let list = ranked(name) else { return nil }
        return list.entries().sorted { $0.rank < $1.rank }.map(\.key)
    }

    static let commonPasswords = blob(0, "common-passwords")
    static let passwords = blob(1, "passwords")
    static let english = blob(2, "english")
    static let firstNames = blob(3, "first-names")
    static let surnames = blob(4, "surnames")

    /// The bytes embedded for list `which`, exactly as the generator wrote them (the tests compare them).
    public static func bytes(_ name: String) -> UnsafeRawBufferPointer? {
        guard let which = names.firstIndex(of: name) else { return nil }
        var length = 0
        guard let p = pwg_data_blob(UInt32(which), &length) else { return nil }
        return UnsafeRawBufferPointer(start: p, count: length)
    }

    private static func blob(_ which: Int, _ name: String) -> RankedList {
        let b = bytes(name)!
        // the blobs are part of the binary and checked by the tests against their sources: a bad one is a build
        // defect, not an input, so it stops here rather than being reported as a configuration error
        guard let list = try? RankedList(name: "builtin:" + name, base: b.baseAddress!, size: b.count, owner: nil) else {
            fatalError("built-in list \(name): the embedded blob is not a ranked list (rebuild with scripts/gen-ranked-data.sh)")
        }
        return list
    }
}
