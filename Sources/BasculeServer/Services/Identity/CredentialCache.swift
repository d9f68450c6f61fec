import BasculeCore
import BasculeStore
import Foundation
import NIOConcurrencyHelpers

/// Who a bearer token or session cookie stood for, remembered for at most `lifetime` so that a
/// burst of requests with one credential reads the database once. The bound is what keeps
/// revocation prompt on every replica: a credential ended on another replica (or by a local
/// command) stops working here within `lifetime`; one ended here, or heard of through the
/// events table, at once, since every entry belongs to the revocation epoch it was read in.
/// Keyed by the secret's SHA-256, never by the secret.
final class CredentialCache: Sendable {
    struct Entry: Sendable {
        let identity: Identity
        let csrfToken: String?
        let until: Date
        let epoch: Int
    }

    static let lifetime: TimeInterval = 0.5
    private static let capacity = 10_000
    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    func find(_ secret: String, at now: Date, epoch: Int) -> Entry? {
        let key = Self.key(secret)
        return entries.withLockedValue { entries in
            guard let entry = entries[key] else { return nil }
            guard entry.epoch == epoch, entry.until > now else {
                entries[key] = nil
                return nil
            }
            return entry
        }
    }

    /// Remembers a credential read at `now`, no longer than `expiresAt` (the token's or session's own end).
    func remember(_ secret: String, identity: Identity, csrfToken: String? = nil, at now: Date, expiresAt: Date?, epoch: Int) {
        let until = min(now.addingTimeInterval(Self.lifetime), expiresAt ?? .distantFuture)
        entries.withLockedValue { entries in
            // Many distinct credentials at once (a scan, a flood of bad tokens): start afresh rather than grow.
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[Self.key(secret)] = Entry(identity: identity, csrfToken: csrfToken, until: until, epoch: epoch)
        }
    }

    private static func key(_ secret: String) -> String { Digest.sha256(secret) }
}
