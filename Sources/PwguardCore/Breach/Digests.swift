// SHA-1 (RFC 3174) and MD4 (RFC 1320) in plain Swift, for the breached-password stores: HIBP publishes
// SHA-1 and NTLM (MD4 of the UTF-16LE password) hashes. No OpenSSL on the check path: its first EVP call
// costs ~1 ms and MD4 is not in OpenSSL 3's default provider. These cost microseconds, first call included.

/// The hash kinds a breached-password store can hold.
public enum HashKind: UInt8, Sendable, CaseIterable {
    case sha1 = 1
    case ntlm = 2

    /// Digest length in bytes.
    public var byteCount: Int { self == .sha1 ? 20 : 16 }
    public var name: String { self == .sha1 ? "sha1" : "ntlm" }

    public init?(name: String) {
        switch name.lowercased() {
        case "sha1", "sha-1": self = .sha1
        case "ntlm", "nt": self = .ntlm
        default: return nil
        }
    }

    /// The digest of a password as this kind hashes it: SHA-1 of its UTF-8, or NTLM (MD4 of its UTF-16LE).
    public func digest(_ password: String) -> [UInt8] {
        switch self {
        case .sha1: return Digest.sha1(Array(password.utf8))
        case .ntlm: return Digest.ntlm(password)
        }
    }
}

public enum Digest {
    /// NTLM hash: MD4 of the password's UTF-16LE encoding (what Samba stores as the NT hash).
    public static func ntlm(_ password: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(password.utf8.count * 2)
        for unit in password.utf16 {
            bytes.append(UInt8(truncatingIfNeeded: unit))
            bytes.append(UInt8(truncatingIfNeeded: unit >> 8))
        }
        defer { for i in bytes.indices { bytes[i] = 0 } }
        return md4(bytes)
    }

    /// Message padded to a multiple of 64 bytes with the bit length appended (big- or little-endian).
    private static func padded(_ message: [UInt8], bigEndian: Bool) -> [UInt8] {
        var m = message
        let bitLength = UInt64(message.count) &* 8
        m.append(0x80)
        while m.count % 64 != 56 { m.append(0) }
        for i in 0..<8 {
            let shift = bigEndian ? UInt64(56 - 8 * i) : UInt64(8 * i)
            m.append(UInt8(truncatingIfNeeded: bitLength >> shift))
        }
        return m
    }

    public static func sha1(_ message: [UInt8]) -> [UInt8] {
        var m = padded(message, bigEndian: true)
        defer { for i in m.indices { m[i] = 0 } }
        var h0: UInt32 = 0x6745_2301, h1: UInt32 = 0xEFCD_AB89, h2: UInt32 = 0x98BA_DCFE, h3: UInt32 = 0x1032_5476
        var h4: UInt32 = 0xC3D2_E1F0
        var w = [UInt32](repeating: 0, count: 80)
        var block = 0
        while block < m.count {
            for t in 0..<16 {
                let o = block + 4 * t
                w[t] = UInt32(m[o]) << 24 | UInt32(m[o + 1]) << 16 | UInt32(m[o + 2]) << 8 | UInt32(m[o + 3])
            }
            for t in 16..<80 { w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1) }
            var a = h0, b = h1, c = h2, d = h3, e = h4
            for t in 0..<80 {
                let f: UInt32, k: UInt32
                switch t {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
                default: f = b ^ c ^ d; k = 0xCA62_C1D6
                }
                let temp = rotl(a, 5) &+ f &+ e &+ k &+ w[t]
                e = d; d = c; c = rotl(b, 30); b = a; a = temp
            }
            h0 = h0 &+ a; h1 = h1 &+ b; h2 = h2 &+ c; h3 = h3 &+ d; h4 = h4 &+ e
            block += 64
        }
        for i in w.indices { w[i] = 0 }
        var out: [UInt8] = []
        out.reserveCapacity(20)
        for h in [h0, h1, h2, h3, h4] {
            out.append(UInt8(h >> 24)); out.append(UInt8(truncatingIfNeeded: h >> 16))
            out.append(UInt8(truncatingIfNeeded: h >> 8)); out.append(UInt8(truncatingIfNeeded: h))
        }
        return out
    }

    public static func md4(_ message: [UInt8]) -> [UInt8] {
        var m = padded(message, bigEndian: false)
        defer { for i in m.indices { m[i] = 0 } }
        var a0: UInt32 = 0x6745_2301, b0: UInt32 = 0xEFCD_AB89, c0: UInt32 = 0x98BA_DCFE, d0: UInt32 = 0x1032_5476
        var x = [UInt32](repeating: 0, count: 16)
        var block = 0
        while block < m.count {
            for i in 0..<16 {
                let o = block + 4 * i
                x[i] = UInt32(m[o]) | UInt32(m[o + 1]) << 8 | UInt32(m[o + 2]) << 16 | UInt32(m[o + 3]) << 24
            }
            var a = a0, b = b0, c = c0, d = d0
            // Round 1: F(x,y,z) = xy | ~x z
            for i in stride(from: 0, to: 16, by: 4) {
                a = rotl(a &+ ((b & c) | (~b & d)) &+ x[i], 3)
                d = rotl(d &+ ((a & b) | (~a & c)) &+ x[i + 1], 7)
                c = rotl(c &+ ((d & a) | (~d & b)) &+ x[i + 2], 11)
                b = rotl(b &+ ((c & d) | (~c & a)) &+ x[i + 3], 19)
            }
            // Round 2: G(x,y,z) = xy | xz | yz, constant 0x5A827999
            for i in 0..<4 {
                a = rotl(a &+ ((b & c) | (b & d) | (c & d)) &+ x[i] &+ 0x5A82_7999, 3)
                d = rotl(d &+ ((a & b) | (a & c) | (b & c)) &+ x[i + 4] &+ 0x5A82_7999, 5)
                c = rotl(c &+ ((d & a) | (d & b) | (a & b)) &+ x[i + 8] &+ 0x5A82_7999, 9)
                b = rotl(b &+ ((c & d) | (c & a) | (d & a)) &+ x[i + 12] &+ 0x5A82_7999, 13)
            }
            // Round 3: H(x,y,z) = x ^ y ^ z, constant 0x6ED9EBA1
            for i in [0, 2, 1, 3] {
                a = rotl(a &+ (b ^ c ^ d) &+ x[i] &+ 0x6ED9_EBA1, 3)
                d = rotl(d &+ (a ^ b ^ c) &+ x[i + 8] &+ 0x6ED9_EBA1, 9)
                c = rotl(c &+ (d ^ a ^ b) &+ x[i + 4] &+ 0x6ED9_EBA1, 11)
                b = rotl(b &+ (c ^ d ^ a) &+ x[i + 12] &+ 0x6ED9_EBA1, 15)
            }
            a0 = a0 &+ a; b0 = b0 &+ b; c0 = c0 &+ c; d0 = d0 &+ d
            block += 64
        }
        for i in x.indices { x[i] = 0 }
        var out: [UInt8] = []
        out.reserveCapacity(16)
        for h in [a0, b0, c0, d0] {
            out.append(UInt8(truncatingIfNeeded: h)); out.append(UInt8(truncatingIfNeeded: h >> 8))
            out.append(UInt8(truncatingIfNeeded: h >> 16)); out.append(UInt8(h >> 24))
        }
        return out
    }

    @inline(__always) static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }

    /// Lower-case hex.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes of a hex string (either case); nil if it is not hex of even length.
    public static func unhex<S: Collection>(_ text: S) -> [UInt8]? where S.Element == UInt8 {
        guard text.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 2)
        var hi: UInt8 = 0, odd = false
        for c in text {
            guard let v = hexValue(c) else { return nil }
            if odd { out.append(hi << 4 | v) } else { hi = v }
            odd.toggle()
        }
        return out
    }

    @inline(__always) public static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 65...70: return c - 55
        case 97...102: return c - 87
        default: return nil
        }
    }
}
