import Testing
import CCrypto
import CArgon2
import CLDAP
@Test func t2() { #expect(1 == 1) }
