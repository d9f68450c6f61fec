import BasculeStore
import Crypto
import Foundation
import NIOConcurrencyHelpers

/// The anti-forgery token of the sign-in form, which has no session to bind to yet: a random
/// nonce and an expiry signed with a key of the installation (HMAC-SHA256, the key kept in the
/// database so that every replica checks what another issued). The form and a cookie carry the
/// same token; a token the server did not sign, or one past its hour, is refused.
struct SignInFormToken: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    /// The key, read once per process.
    private let key = KeyBox()

    init(store: Store, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
    }

    private final class KeyBox: Sendable {
        let value = NIOLockedValueBox<SymmetricKey?>(nil)
    }

    static let lifetime: TimeInterval = 3600

    func issue() async throws -> String {
        let expiry = Int64((now().timeIntervalSince1970 + Self.lifetime).rounded())
        let body = "\(expiry).\(Secrets.random(bytes: 18))"
        return body + "." + (try await signature(of: body))
    }

    func isValid(_ token: String) async -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let expiry = Int64(parts[0]), Double(expiry) > now().timeIntervalSince1970,
              let expected = try? await signature(of: "\(parts[0]).\(parts[1])")
        else { return false }
        // Compared in constant time: the signature is a secret until it is checked.
        return Data(expected.utf8).withUnsafeBytes { a in Data(parts[2].utf8).withUnsafeBytes { b in safeCompare(a, b) } }
    }

    private func signature(of body: String) async throws -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: try await signingKey())
        return Data(mac).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private func signingKey() async throws -> SymmetricKey {
        if let known = key.value.withLockedValue({ $0 }) { return known }
        let at = now()
        let text = try await store.withConnection { db in
            try await ServerSecretRepository(db).secret(named: "sign-in-form", creating: { Secrets.random(bytes: 32) }, at: at)
        }
        let loaded = SymmetricKey(data: Data(text.utf8))
        key.value.withLockedValue { $0 = loaded }
        return loaded
    }

    private func safeCompare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<a.count { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
