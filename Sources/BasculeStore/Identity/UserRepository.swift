import BasculeCore
import Foundation
import SQLKit

/// Stores users. The password hash is read only by `credentials(of:)`.
public struct UserRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private static let columns = "id, username, display_name, email, roles, disabled_at, created_at"

    public func insert(_ user: User, passwordHash: String) async throws {
        do {
            try await db.raw("""
                INSERT INTO users (id, username, display_name, email, password_hash, roles, disabled_at, created_at, updated_at)
                VALUES (\(bind: user.id.uuidString), \(bind: user.username), \(bind: user.displayName), \(bind: user.email),
                        \(bind: passwordHash), \(bind: Self.rolesText(user.roles)), \(bind: user.disabledAt.map(Columns.millis)),
                        \(bind: Columns.millis(user.createdAt)), \(bind: Columns.millis(user.createdAt)))
                """).run()
        } catch where Store.isUniqueViolation(error) {
            throw StoreError.duplicate("a user named \(user.username)")
        }
    }

    public func named(_ username: String) async throws -> User? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM users WHERE username = \(bind: username)").first().map { try Self.user($0) }
    }

    public func find(id: UUID) async throws -> User? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM users WHERE id = \(bind: id.uuidString)").first().map { try Self.user($0) }
    }

    /// The user and their password hash, for signing in.
    public func credentials(of username: String) async throws -> (User, String)? {
        guard let row = try await db.raw("SELECT \(unsafeRaw: Self.columns), password_hash FROM users WHERE username = \(bind: username)").first() else {
            return nil
        }
        return (try Self.user(row), try row.decode(column: "password_hash", as: String.self))
    }

    public func all() async throws -> [User] {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM users ORDER BY username").all().map { try Self.user($0) }
    }

    public func count() async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM users").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    public func update(_ user: User, at: Date) async throws {
        try await db.raw("""
            UPDATE users SET display_name = \(bind: user.displayName), email = \(bind: user.email),
                roles = \(bind: Self.rolesText(user.roles)), disabled_at = \(bind: user.disabledAt.map(Columns.millis)),
                updated_at = \(bind: Columns.millis(at))
            WHERE id = \(bind: user.id.uuidString)
            """).run()
    }

    public func setPasswordHash(_ hash: String, of user: User, at: Date) async throws {
        try await db.raw("UPDATE users SET password_hash = \(bind: hash), updated_at = \(bind: Columns.millis(at)) WHERE id = \(bind: user.id.uuidString)").run()
    }

    private static func rolesText(_ roles: Set<Role>) -> String {
        roles.sorted().map(\.rawValue).joined(separator: ",")
    }

    /// `id` and `createdAt` name the columns when a join renames them.
    static func user(_ row: any SQLRow, id idColumn: String = "id", createdAt createdColumn: String = "created_at") throws -> User {
        guard let id = UUID(uuidString: try row.decode(column: idColumn, as: String.self)) else { throw StoreError.corruptRow("user id") }
        let roles = try row.decode(column: "roles", as: String.self).split(separator: ",").compactMap { Role(rawValue: String($0)) }
        return User(
            id: id, username: try row.decode(column: "username", as: String.self),
            displayName: try row.decode(column: "display_name", as: String.self),
            email: try row.decode(column: "email", as: String.self), roles: Set(roles),
            disabledAt: try row.decode(column: "disabled_at", as: Int64?.self).map(Columns.date),
            createdAt: Columns.date(try row.decode(column: createdColumn, as: Int64.self)))
    }
}
