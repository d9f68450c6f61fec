import Foundation
import SQLKit

/// The revision of records that are not stored as documents (users, teams): read it, and move
/// it on by one only if nobody moved it since, so that `If-Match` holds under concurrency.
public struct RevisionCounter: Sendable {
    public enum Table: String, Sendable { case users, teams }

    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func current(_ table: Table, id: UUID) async throws -> Int? {
        try await db.raw("SELECT revision FROM \(unsafeRaw: table.rawValue) WHERE id = \(bind: id.uuidString)").first()?
            .decode(column: "revision", as: Int.self)
    }

    /// The next revision, or nil when the record is no longer at `revision`.
    public func advance(_ table: Table, id: UUID, from revision: Int) async throws -> Int? {
        try await db.raw("""
            UPDATE \(unsafeRaw: table.rawValue) SET revision = revision + 1
            WHERE id = \(bind: id.uuidString) AND revision = \(bind: revision) RETURNING revision
            """).first()?.decode(column: "revision", as: Int.self)
    }
}
