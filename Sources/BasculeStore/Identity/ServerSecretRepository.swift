import Foundation
import SQLKit

/// Secrets of the installation itself (keys the server signs with), shared by every replica
/// through the database. Created on first use; the first writer wins and everyone reads its value.
public struct ServerSecretRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func secret(named name: String, creating make: () -> String, at: Date) async throws -> String {
        if let found = try await read(name) { return found }
        try await db.raw("""
            INSERT INTO server_secrets (name, secret, created_at) VALUES (\(bind: name), \(bind: make()), \(bind: Columns.millis(at)))
            ON CONFLICT (name) DO NOTHING
            """).run()
        guard let stored = try await read(name) else { throw StoreError.corruptRow("server secret \(name)") }
        return stored
    }

    private func read(_ name: String) async throws -> String? {
        try await db.raw("SELECT secret FROM server_secrets WHERE name = \(bind: name)").first()?.decode(column: "secret", as: String.self)
    }
}
