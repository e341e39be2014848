import CArgon2
import CCrypto
import CLDAP
import Testing

/// The three C libraries link and answer: the shims later issues build on.
@Suite struct ShimTests {
    @Test func libcryptoComputesSHA1() {
        var out = [UInt8](repeating: 0, count: 20)
        let input = Array("abc".utf8)
        _ = SHA1(input, input.count, &out)
        #expect(out.prefix(4) == [0xA9, 0x99, 0x3E, 0x36])
    }

    @Test func libargon2HashesWithKnownAnswer() {
        // RFC 9106-style sanity: argon2id of "password" with salt "somesalt", t=2, m=64 KiB, p=1 is deterministic
        var out1 = [UInt8](repeating: 0, count: 32), out2 = out1
        let pw = Array("password".utf8), salt = Array("somesalt".utf8)
        let rc1 = argon2id_hash_raw(2, 64, 1, pw, pw.count, salt, salt.count, &out1, 32)
        let rc2 = argon2id_hash_raw(2, 64, 1, pw, pw.count, salt, salt.count, &out2, 32)
        #expect(rc1 == Int32(ARGON2_OK.rawValue) && rc2 == rc1)
        #expect(out1 == out2)
        #expect(out1 != [UInt8](repeating: 0, count: 32))
    }

    /// CLDAP links no libldap: it dlopens it on first use and resolves what it needs.
    @Test func libldapLoadsLazilyAndParsesURLs() {
        var err = [CChar](repeating: 0, count: 400)
        let rc = pwg_ldap_load(0, &err, err.count)
        #expect(rc == 0, "\(String(cString: err))")
        #expect(pwg_ldap_loaded_name() != nil)
        #expect(pwg_ldap_is_url("ldap://dc1.lab.example") == 1)
        #expect(pwg_ldap_is_url("ldapi://%2Fvar%2Flib%2Fsamba%2Fprivate%2Fldap_priv%2Fldapi") == 1)
        #expect(pwg_ldap_is_url("http://dc1.lab.example") == 0)
    }
}
