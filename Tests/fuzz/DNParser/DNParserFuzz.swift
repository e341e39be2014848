// libFuzzer target: the DN parser and the selection filters built on it (scripts/fuzz/run.sh dn_parser).
//
// Input: bytes, split at the first newline into a user's DN and a configured container/domain/server name.
// `DN.init?` must never trap; a DN that parses must render (`description`) to text that parses back to an
// equal DN, lie within itself and its parents; the containers, accounts, domains and servers filters must
// decide without trapping.

import PwguardCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDNParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let cut = bytes.firstIndex(of: 10) ?? bytes.count
    let first = String(decoding: bytes[..<cut], as: UTF8.self)
    let second = cut < bytes.count ? String(decoding: bytes[(cut + 1)...], as: UTF8.self) : first
    for text in [first, second] {
        guard let dn = DN(text) else { continue }
        guard let again = DN(dn.description) else { fatalError("\(dn.description) (from \(text)) does not parse") }
        if again != dn { fatalError("\(text) → \(dn.description) parses to another DN") }
        var p: DN? = dn
        while let d = p {
            if !dn.isWithin(d) { fatalError("\(text) is not within its ancestor \(d)") }
            p = d.parent
        }
        _ = dn.domainName
    }
    let facts = SelectionFacts(identity: Identity(accountName: "u", distinguishedName: first), groups: [],
                               domain: first, server: first)
    for subtree in [false, true] {
        let f = PolicyFilters(accounts: PrincipalFilter(mode: .allow, members: [second]),
                              containers: PrincipalFilter(mode: .block, members: [second], subtree: subtree),
                              domains: PrincipalFilter(mode: .block, members: [second]),
                              servers: PrincipalFilter(mode: .allow, members: [second]))
        _ = PolicySelector.evaluate(f, facts)
    }
    return 0
}
