import Crypto

/// SHA-256 in lowercase hex: token and session hashes, the audit chain, the credential cache,
/// the evidence pack's manifest.
/// Hex by hand: `String(format: "%02x")` per byte cost more than the hash itself.
public enum Digest {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func sha256(_ text: String) -> String {
        sha256(bytes: Array(text.utf8))
    }

    public static func sha256(bytes: [UInt8]) -> String {
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
