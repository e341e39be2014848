/// NIST SP 800-63B "passwords obtained from previous breach corpuses": the password's SHA-1 or NTLM hash
/// must not be in any configured breached-password store (HIBP Pwned Passwords, an organisation's own list).
public struct BreachedRule: PasswordRule {
    public static let id = "breached"
    public static let summary = "Rejects passwords whose hash is in a breached-password store (e.g. Have I Been Pwned)."
    public static let details = """
        NIST SP 800-63B asks verifiers to refuse passwords from breach corpuses, as Netwrix PPE, Specops and \
        Lithnet do with the Have I Been Pwned lists. Each store is a file built by `pwguard hashes import` \
        from HIBP's SHA-1 or NTLM downloads or from a plain-text list; the password is hashed the store's \
        way (SHA-1 of its UTF-8, or NTLM: MD4 of its UTF-16LE) and looked up through the store's prefix \
        index, which costs microseconds. Stores are named in the configuration's [stores] section or given \
        as paths; the first store that holds the password is named in `explain` and in the event as the \
        list. min_count ignores hashes seen fewer times (the store must have been imported with \
        --keep-counts). A missing, truncated or corrupt store is never trusted: `pwguard check` then \
        follows on_error (reject by default) and logs the store and the cause.
        """
    public static let parameters = [
        ParameterDoc("stores", "array of strings", default: "(required)",
                     "Stores to search, in order: names from [stores] or paths to .pwgs files."),
        ParameterDoc("min_count", "integer", default: "1",
                     "Reject only when the breach corpus saw the password at least this many times (needs a store with counts)."),
    ]

    public static let examples: [RuleExample] = [
        .reject("P@ssw0rd2024", ["stores": ["leaked"]], lists: ["leaked": ["P@ssw0rd2024", "Summer2024!"]],
                source: "NIST SP 800-63B: a password from a breach corpus is refused"),
        .accept("Vx9-Kelp-Zorbu", ["stores": ["leaked"]], lists: ["leaked": ["P@ssw0rd2024", "Summer2024!"]],
                source: "a password in no store is accepted"),
        .accept("p@ssw0rd2024", ["stores": ["leaked"]], lists: ["leaked": ["P@ssw0rd2024"]],
                source: "hashes are exact: another case is another password"),
        .reject("Summer2024!", ["stores": ["hibp", "ours"]], lists: ["hibp": ["P@ssw0rd2024"], "ours": ["Summer2024!"]],
                source: "several stores: the organisation's own leaked list after HIBP"),
    ]

    let stores: [(name: String, handle: StoreHandle)]
    let minCount: UInt32

    public init(_ p: RuleParameters, resources: Resources) throws {
        let names = try p.strings("stores")
        guard !names.isEmpty else { throw p.error("stores", "is required: at least one store (a name from [stores] or a path)") }
        let minCount = try p.int("min_count", default: 1, min: 1, max: Int(UInt32.max))
        self.minCount = UInt32(minCount)
        stores = names.map { ($0, resources.store($0)) }
        // a store others could have written is a configuration error (like an untrusted list), not on_error
        for case (let name, .broken(let e)) in stores where e.untrusted { throw p.error("stores", "store \"\(name)\": \(e)") }
        if minCount > 1 {
            for (name, handle) in stores {
                switch handle {
                case .mapped(let s) where !s.header.hasCounts:
                    throw p.error("min_count", "store \"\(name)\" (\(s.path)) has no counts: import it with --keep-counts, or drop min_count")
                case .inline:
                    throw p.error("min_count", "store \"\(name)\" is an inline list, which has no counts")
                default: break
                }
            }
        }
    }

    public func evaluate(_ c: Candidate) -> RuleOutcome {
        var sha1: [UInt8]?
        var ntlm: [UInt8]?
        for (name, handle) in stores {
            switch handle {
            case .broken(let e):
                return .fail("breached-password store \"\(name)\" is unusable (\(e.reason)): refused rather than trusted", list: name)
            case .inline(let set):
                if sha1 == nil { sha1 = HashKind.sha1.digest(c.password) }
                if set.contains(sha1!) { return .fail("found in breached-password store \"\(name)\"", list: name) }
            case .mapped(let store):
                let digest: [UInt8]
                switch store.header.kind {
                case .sha1:
                    if sha1 == nil { sha1 = HashKind.sha1.digest(c.password) }
                    digest = sha1!
                case .ntlm:
                    if ntlm == nil { ntlm = HashKind.ntlm.digest(c.password) }
                    digest = ntlm!
                }
                switch store.lookup(digest: digest) {
                case .absent: continue
                case .corrupt(let why):
                    return .fail("breached-password store \"\(name)\" is corrupt (\(why)): refused rather than trusted", list: name)
                case .found(let count):
                    if let count, count < minCount { continue }
                    let seen = count.map { " (seen \($0) times)" } ?? ""
                    return .fail("found in breached-password store \"\(name)\"\(seen)", list: name)
                }
            }
        }
        return .pass("not found in \(stores.count == 1 ? "the breached-password store" : "any of the \(stores.count) breached-password stores")")
    }
}
