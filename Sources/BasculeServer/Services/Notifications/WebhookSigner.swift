import BasculeCore
import Crypto
import Foundation

/// Signs a webhook as the Standard Webhooks specification says: HMAC-SHA256 over
/// `{webhook-id}.{webhook-timestamp}.{body}` with the secret's decoded bytes, in base64, as
/// `v1,<signature>`; one per signing secret, separated by spaces, during a rotation.
enum WebhookSigner {
    static func signature(id: String, timestamp: Int, body: String, secrets: [WebhookSecret]) -> String {
        let content = Data("\(id).\(timestamp).\(body)".utf8)
        return secrets.map { secret in
            let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: secret.key))
            return "v1," + Data(mac).base64EncodedString()
        }.joined(separator: " ")
    }

    /// The three headers of a signed webhook.
    static func headers(id: String, at date: Date, body: String, secrets: [WebhookSecret]) -> [(String, String)] {
        let timestamp = Int(date.timeIntervalSince1970)
        return [
            ("webhook-id", id), ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", signature(id: id, timestamp: timestamp, body: body, secrets: secrets)),
        ]
    }
}
