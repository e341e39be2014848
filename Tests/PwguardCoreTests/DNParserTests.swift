import Testing
@testable import PwguardCore

/// `DN`: distinguished names compared by parsed RDNs, not by spelling (issue 12, finding 7).
@Suite struct DNParserTests {
    @Test func sameDNDifferentSpellings() {
        let a = DN("OU=Svc,OU=Dept,DC=lab,DC=example")
        #expect(a != nil)
        #expect(DN("ou=svc, ou = DEPT ,dc=Lab,  DC=example") == a)
        #expect(DN("OU=S\\76c,OU=Dept,DC=lab,DC=example") == a)      // \76 is "v"
        #expect(DN("OU=\\Svc,OU=Dept,DC=lab,DC=example") == a)       // a needless escape
        #expect(DN("OU=Svc ,OU=Dept,DC=lab,DC=example  ") == a)      // unescaped trailing spaces
        #expect(DN("OU=Svc\\ ,OU=Dept,DC=lab,DC=example") != a)      // an escaped one is part of the value
        #expect(DN("CN=Svc,OU=Dept,DC=lab,DC=example") != a)         // another attribute type
    }

    @Test func escapedCommaIsPartOfTheValue() {
        // A sibling OU whose name is "x,OU=Svc": one RDN, directly under OU=Dept.
        for spelling in ["OU=x\\,OU=Svc,OU=Dept,DC=lab,DC=example", "OU=x\\2COU=Svc,OU=Dept,DC=lab,DC=example",
                         "OU=x\\2cOU=Svc,OU=Dept,DC=lab,DC=example"] {
            let dn = DN(spelling)
            #expect(dn?.rdns.count == 4, "\(spelling)")
            #expect(dn?.rdns.first?.attributes.first?.value == "x,OU=Svc")
            #expect(dn?.isWithin(DN("OU=Svc,OU=Dept,DC=lab,DC=example")!) == false)
            #expect(dn?.isWithin(DN("OU=Dept,DC=lab,DC=example")!) == true)
        }
    }

    @Test func hexEscapesAreUTF8() {
        #expect(DN("OU=R\\C3\\A9seau,DC=lab")?.rdns.first?.attributes.first?.value == "Réseau")
        #expect(DN("OU=R\\C3\\A9SEAU,DC=lab") == DN("ou=réseau,dc=LAB"))
        #expect(DN("OU=R\\C3,DC=lab") == nil)                           // half a UTF-8 sequence
    }

    @Test func multiValuedRDNsAreSets() {
        let a = DN("CN=a+UID=b,DC=lab")
        #expect(a?.rdns.first?.attributes.count == 2)
        #expect(DN("uid=B + cn=A,dc=lab") == a)
        #expect(DN("CN=a\\+UID=b,DC=lab")?.rdns.first?.attributes.count == 1)
    }

    @Test func berValuesAndNumericTypes() {
        #expect(DN("2.5.4.11=Svc,DC=lab")?.rdns.first?.attributes.first?.type == "2.5.4.11")
        #expect(DN("CN=#04024869,DC=lab")?.rdns.first?.attributes.first == DN("cn=#04024869,dc=lab")?.rdns.first?.attributes.first)
        #expect(DN("CN=#04024869,DC=lab") != DN("CN=\\#04024869,DC=lab"))
        #expect(DN("CN=#0,DC=lab") == nil)
        #expect(DN("CN=#zz,DC=lab") == nil)
    }

    @Test func notADN() {
        for bad in ["Staff", "OU=a,,DC=b", "OU=a,", ",OU=a", "=a", "O U=a", "1a=x", "2..5=x", "ou.x=y", "OU=a\\", "OU=a+", "OU=a,DC=b,"] {
            #expect(DN(bad) == nil, "\(bad)")
        }
        #expect(DN("")?.rdns.isEmpty == true)
        #expect(DN("   ")?.rdns.isEmpty == true)
        #expect(DN("OU=")?.rdns.first?.attributes.first?.value == "")
    }

    @Test func parentAndDomain() {
        let dn = DN("CN=Smith\\, John,OU=Sales,DC=lab,DC=example")!
        #expect(dn.parent == DN("OU=Sales,DC=lab,DC=example"))
        #expect(dn.domainName == "lab.example")
        #expect(DN("O=none")?.domainName == nil)
        #expect(DN("")?.parent == nil)
    }

    @Test func descriptionParsesBack() {
        for s in ["CN=Smith\\, John,OU=Sales\\2C EMEA,DC=lab", "CN=\\ lead\\ ,DC=x", "CN=\\#not-ber,DC=x", "CN=a+UID=b",
                  "CN=#0402abcd", "CN=a\\00b\\0Ac", "CN=x=y;z<>\"q", "OU="] {
            let dn = DN(s)
            #expect(dn != nil, "\(s)")
            #expect(dn.flatMap { DN($0.description) } == dn, "\(s) → \(dn?.description ?? "nil")")
        }
    }

    /// Whatever the bytes, parsing returns (a DN or nil) and never traps; what parses renders and parses back.
    @Test func neverTrapsOnArbitraryInput() {
        var g = SplitMix(state: 12)  // BreachStoreTests.swift: deterministic
        let alphabet = Array("=,+\\# ;\"<>aAoOuU0129cdCDfF.-é\u{0}\n".utf8)
        for _ in 0..<20_000 {
            let n = Int(g.next() % 25)
            let bytes = (0..<n).map { _ -> UInt8 in
                let r = g.next()
                return r & 1 == 0 ? alphabet[Int((r >> 1) % UInt64(alphabet.count))] : UInt8(truncatingIfNeeded: r >> 8)
            }
            let text = String(decoding: bytes, as: UTF8.self)
            if let dn = DN(text) { #expect(DN(dn.description) == dn, "\(text)") }
        }
    }
}
