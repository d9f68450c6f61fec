import BasculeCore
import Crypto
import Foundation
import SQLKit

/// Stores API tokens and web sessions by the SHA-256 of their secret: a stolen database
/// gives no working credential. The secrets are long and random, so a plain hash suffices.
public struct TokenRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public static func hash(_ secret: String) -> String {
        Digest.sha256(secret)
    }

    private static let columns = "id, user_id, name, prefix, created_at, expires_at, revoked_at, last_used_at"

    public func insert(_ token: APIToken, secret: String) async throws {
        try await db.raw("""
            INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at, expires_at)
            VALUES (\(bind: token.id.uuidString), \(bind: token.userID.uuidString), \(bind: token.name), \(bind: Self.hash(secret)),
                    \(bind: token.prefix), \(bind: Columns.millis(token.createdAt)), \(bind: token.expiresAt.map(Columns.millis)))
            """).run()
    }

    /// The token and its owner in one round trip: this runs on every API request.
    public func findWithOwner(secret: String) async throws -> (APIToken, User)? {
        guard let row = try await db.raw("""
            SELECT t.id, t.user_id, t.name, t.prefix, t.created_at, t.expires_at, t.revoked_at, t.last_used_at,
                   u.id AS owner_id, u.username, u.display_name, u.email, u.roles, u.disabled_at, u.created_at AS owner_created_at
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = \(bind: Self.hash(secret))
            """).first() else { return nil }
        return (try Self.token(row), try UserRepository.user(row, id: "owner_id", createdAt: "owner_created_at"))
    }

    public func find(id: UUID) async throws -> APIToken? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM api_tokens WHERE id = \(bind: id.uuidString)").first().map(Self.token)
    }

    public func owned(by userID: UUID) async throws -> [APIToken] {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM api_tokens WHERE user_id = \(bind: userID.uuidString) ORDER BY created_at DESC").all().map(Self.token)
    }

    public func revoke(_ id: UUID, at: Date) async throws {
        try await db.raw("UPDATE api_tokens SET revoked_at = \(bind: Columns.millis(at)) WHERE id = \(bind: id.uuidString) AND revoked_at IS NULL").run()
    }

    /// Revokes every live token of a user (password reset, account disabled); returns how many.
    @discardableResult
    public func revokeAll(of userID: UUID, at: Date) async throws -> Int {
        try await db.raw("""
            UPDATE api_tokens SET revoked_at = \(bind: Columns.millis(at))
            WHERE user_id = \(bind: userID.uuidString) AND revoked_at IS NULL RETURNING id
            """).all().count
    }

    /// Records use at most once a minute per token, so that reads do not all become writes.
    public func touch(_ id: UUID, at: Date) async throws {
        let now = Columns.millis(at)
        try await db.raw("""
            UPDATE api_tokens SET last_used_at = \(bind: now)
            WHERE id = \(bind: id.uuidString) AND (last_used_at IS NULL OR last_used_at < \(bind: now - 60_000))
            """).run()
    }

    // MARK: - Sessions

    public func insertSession(secret: String, userID: UUID, csrf: String, createdAt: Date, expiresAt: Date) async throws {
        try await db.raw("""
            INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at)
            VALUES (\(bind: Self.hash(secret)), \(bind: userID.uuidString), \(bind: csrf), \(bind: Columns.millis(createdAt)), \(bind: Columns.millis(expiresAt)))
            """).run()
    }

    /// The session's user and CSRF token, if it exists and has not expired, in one round trip.
    public func session(secret: String, at: Date) async throws -> (user: User, csrf: String)? {
        guard let row = try await db.raw("""
            SELECT s.csrf_token, u.id, u.username, u.display_name, u.email, u.roles, u.disabled_at, u.created_at
            FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id_hash = \(bind: Self.hash(secret)) AND s.expires_at > \(bind: Columns.millis(at))
            """).first() else { return nil }
        return (try UserRepository.user(row), try row.decode(column: "csrf_token", as: String.self))
    }

    public func deleteSession(secret: String) async throws {
        try await db.raw("DELETE FROM sessions WHERE id_hash = \(bind: Self.hash(secret))").run()
    }

    /// Forgets sessions that have expired: nothing can use them, and their rows would only grow.
    public func purgeExpiredSessions(at: Date) async throws {
        try await db.raw("DELETE FROM sessions WHERE expires_at <= \(bind: Columns.millis(at))").run()
    }

    public func deleteSessions(of userID: UUID) async throws {
        try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: userID.uuidString)").run()
    }

    static func token(_ row: any SQLRow) throws -> APIToken {
        guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)),
              let userID = UUID(uuidString: try row.decode(column: "user_id", as: String.self))
        else { throw StoreError.corruptRow("api token") }
        return APIToken(
            id: id, userID: userID, name: try row.decode(column: "name", as: String.self),
            prefix: try row.decode(column: "prefix", as: String.self),
            createdAt: Columns.date(try row.decode(column: "created_at", as: Int64.self)),
            expiresAt: try row.decode(column: "expires_at", as: Int64?.self).map(Columns.date),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Columns.date),
            lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Columns.date))
    }
}
