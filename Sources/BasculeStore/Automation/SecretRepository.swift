import BasculeCore
import Foundation
import SQLKit

/// A named secret as listed: never its value.
public struct SecretEntry: Sendable, Equatable {
    public let name: String
    public let createdBy: String
    public let createdAt: Date
    public let updatedAt: Date
}

/// Named secrets, sealed by the caller before they reach this table.
public struct SecretRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Stores or replaces; true when the name was new.
    public func put(_ name: String, sealed: String, by actor: String, at: Date) async throws -> Bool {
        let existed = try await db.raw("SELECT name FROM secrets WHERE name = \(bind: name)").first() != nil
        if existed {
            try await db.raw("UPDATE secrets SET sealed = \(bind: sealed), updated_at = \(bind: Columns.millis(at)) WHERE name = \(bind: name)").run()
        } else {
            try await db.raw("""
                INSERT INTO secrets (name, sealed, created_by, created_at, updated_at)
                VALUES (\(bind: name), \(bind: sealed), \(bind: actor), \(bind: Columns.millis(at)), \(bind: Columns.millis(at)))
                """).run()
        }
        return !existed
    }

    public func sealed(_ names: Set<String>) async throws -> [String: String] {
        guard !names.isEmpty else { return [:] }
        var result: [String: String] = [:]
        for row in try await db.raw("SELECT name, sealed FROM secrets").all() {
            let name = try row.decode(column: "name", as: String.self)
            if names.contains(name) { result[name] = try row.decode(column: "sealed", as: String.self) }
        }
        return result
    }

    public func names() async throws -> Set<String> {
        Set(try await db.raw("SELECT name FROM secrets").all().map { try $0.decode(column: "name", as: String.self) })
    }

    public func all() async throws -> [SecretEntry] {
        try await db.raw("SELECT name, created_by, created_at, updated_at FROM secrets ORDER BY name").all().map { row in
            SecretEntry(name: try row.decode(column: "name", as: String.self), createdBy: try row.decode(column: "created_by", as: String.self),
                        createdAt: Columns.date(try row.decode(column: "created_at", as: Int64.self)),
                        updatedAt: Columns.date(try row.decode(column: "updated_at", as: Int64.self)))
        }
    }

    public func delete(_ name: String) async throws -> Bool {
        try await db.raw("DELETE FROM secrets WHERE name = \(bind: name) RETURNING name").first() != nil
    }
}
