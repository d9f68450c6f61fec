import Crypto
import Foundation

/// Seals and opens secret values with AES-GCM under the installation's key; the secret's name
/// is bound in as associated data, so that a sealed value moved under another name does not open.
public struct SecretVault: Sendable {
    let key: SymmetricKey?

    /// No key: secrets cannot be stored nor used (PostgreSQL without BASCULE_SECRET_KEY).
    public init(key: SymmetricKey?) {
        self.key = key
    }

    public static let disabled = SecretVault(key: nil)

    /// A key from 32 bytes in base64 (BASCULE_SECRET_KEY), nil when the text is not one.
    public static func key(base64 text: String) -> SymmetricKey? {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else { return nil }
        return SymmetricKey(data: data)
    }

    /// The key kept in `file`, made (readable by its owner only) when there is none yet.
    public static func key(file: URL) throws -> SymmetricKey {
        if let text = try? String(contentsOf: file, encoding: .utf8) {
            guard let key = key(base64: text) else { throw ServiceError.unavailable("\(file.path) does not hold a key: 32 bytes in base64") }
            return key
        }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        guard FileManager.default.createFile(atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ServiceError.unavailable("could not write the secrets key to \(file.path)")
        }
        return key
    }

    var enabled: Bool { key != nil }

    func seal(_ value: String, name: String) throws -> String {
        guard let key else { throw Self.noKey }
        let box = try AES.GCM.seal(Data(value.utf8), using: key, authenticating: Data(name.utf8))
        guard let combined = box.combined else { throw Self.noKey }
        return combined.base64EncodedString()
    }

    func open(_ sealed: String, name: String) throws -> String {
        guard let key else { throw Self.noKey }
        guard let data = Data(base64Encoded: sealed) else { throw ServiceError.unavailable("secret \(name) is damaged") }
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: key, authenticating: Data(name.utf8)), as: UTF8.self)
    }

    static let noKey = ServiceError.unavailable("secrets need a key: set BASCULE_SECRET_KEY (32 bytes in base64) on every replica")
}
