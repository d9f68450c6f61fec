import BasculeCore
import Foundation
import SQLKit

/// A stored incident: its id, where it came from (api, cli, csv, webhook) and the incident.
public struct StoredIncident: Sendable, Equatable {
    public let id: UUID
    public let source: String
    public let incident: Incident
}

/// Incidents and the items they affect.
public struct IncidentRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private static let columns = "id, reference, title, severity, opened_at, resolved_at, link, source"

    public func insert(_ incident: Incident, id: UUID = UUID(), source: String, at: Date) async throws {
        do {
            try await db.raw("""
                INSERT INTO incidents (id, reference, title, severity, opened_at, resolved_at, link, source, created_at, updated_at)
                VALUES (\(bind: id.uuidString), \(bind: incident.reference), \(bind: incident.title), \(bind: Int64(incident.severity)),
                        \(bind: Columns.millis(incident.openedAt)), \(bind: incident.resolvedAt.map(Columns.millis)), \(bind: incident.link),
                        \(bind: source), \(bind: Columns.millis(at)), \(bind: Columns.millis(at)))
                """).run()
        } catch where Store.isUniqueViolation(error) {
            throw StoreError.duplicate("an incident \(incident.reference)")
        }
        try await setItems(incident.items, of: id)
    }

    public func find(reference: String) async throws -> StoredIncident? {
        guard let row = try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM incidents WHERE reference = \(bind: reference)").first() else { return nil }
        return try await stored(row)
    }

    /// The incidents opened in `period`, oldest first.
    public func opened(in period: DateInterval) async throws -> [StoredIncident] {
        var result: [StoredIncident] = []
        for row in try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM incidents
            WHERE opened_at >= \(bind: Columns.millis(period.start)) AND opened_at < \(bind: Columns.millis(period.end)) ORDER BY opened_at, reference
            """).all() {
            result.append(try await stored(row))
        }
        return result
    }

    private func setItems(_ items: [String], of id: UUID) async throws {
        try await db.raw("DELETE FROM incident_items WHERE incident_id = \(bind: id.uuidString)").run()
        guard !items.isEmpty else { return }
        let rows = items.map { item -> SQLQueryString in "(\(bind: id.uuidString), \(bind: item))" }
        try await db.raw("INSERT INTO incident_items (incident_id, item) VALUES " + rows.joined(separator: ", ")).run()
    }

    private func stored(_ row: any SQLRow) async throws -> StoredIncident {
        guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)) else { throw StoreError.corruptRow("incident id") }
        let items = try await db.raw("SELECT item FROM incident_items WHERE incident_id = \(bind: id.uuidString) ORDER BY item").all()
            .map { try $0.decode(column: "item", as: String.self) }
        let incident = try Incident(
            reference: try row.decode(column: "reference", as: String.self), title: try row.decode(column: "title", as: String.self),
            severity: try row.decode(column: "severity", as: Int.self), openedAt: Columns.date(try row.decode(column: "opened_at", as: Int64.self)),
            resolvedAt: try row.decode(column: "resolved_at", as: Int64?.self).map(Columns.date), items: items,
            link: try row.decode(column: "link", as: String?.self))
        return StoredIncident(id: id, source: try row.decode(column: "source", as: String.self), incident: incident)
    }
}
