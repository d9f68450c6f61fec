import Foundation

/// A token for the API and the CLI, as stored: the secret itself is never kept.
public struct APIToken: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let userID: UUID
    public let name: String
    /// The first characters of the secret, so a person can tell their tokens apart.
    public let prefix: String
    public let createdAt: Date
    public let expiresAt: Date?
    public var revokedAt: Date?
    public var lastUsedAt: Date?

    public init(id: UUID, userID: UUID, name: String, prefix: String, createdAt: Date, expiresAt: Date?, revokedAt: Date? = nil, lastUsedAt: Date? = nil) {
        self.id = id
        self.userID = userID
        self.name = name
        self.prefix = prefix
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }

    public func isUsable(at now: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { now < $0 } ?? true)
    }
}
