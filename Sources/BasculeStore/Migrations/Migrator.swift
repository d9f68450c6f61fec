import Foundation
import SQLKit

/// Brings a database to the schema this binary expects: each migration in its own transaction,
/// recorded in `schema_versions`. A database migrated by a newer binary is refused rather than
/// silently misread.
public struct Migrator: Sendable {
    let store: Store
    let migrations: [Migration]

    public init(store: Store) {
        self.store = store
        self.migrations = Migrations.all
    }

    public static var latestVersion: Int { Migrations.latest }

    /// The schema version the database is at (0 when empty).
    public func currentVersion() async throws -> Int {
        try await store.withConnection { db in
            try await Self.ensureVersionTable(db)
            return try await Self.appliedVersion(db)
        }
    }

    /// Applies what is missing and returns the versions applied, in order.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let latest = migrations.last?.version ?? 0
        let current = try await currentVersion()
        if current > latest {
            throw StoreError.databaseNewerThanBinary(database: current, binary: latest)
        }
        var applied: [Int] = []
        for migration in migrations where migration.version > current {
            if try await apply(migration) { applied.append(migration.version) }
        }
        return applied
    }

    private func apply(_ migration: Migration) async throws -> Bool {
        let engine = store.engine
        do {
            return try await store.transaction { db in
                // Replicas starting together on one PostgreSQL take turns; the loser sees the
                // version already recorded and skips it.
                if engine == .postgresql {
                    try await db.raw("SELECT pg_advisory_xact_lock(7262531)").run()
                }
                if try await Self.appliedVersion(db) >= migration.version { return false }
                for statement in migration.statements(engine) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                try await db.raw(
                    "INSERT INTO schema_versions (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: now))"
                ).run()
                return true
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.migrationFailed(version: migration.version, name: migration.name, reason: Store.reason(error))
        }
    }

    private static func ensureVersionTable(_ db: any SQLDatabase) async throws {
        try await db.raw(
            "CREATE TABLE IF NOT EXISTS schema_versions (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
        ).run()
    }

    private static func appliedVersion(_ db: any SQLDatabase) async throws -> Int {
        let row = try await db.raw("SELECT MAX(version) AS version FROM schema_versions").first()
        return try row?.decode(column: "version", as: Int?.self) ?? 0
    }
}
