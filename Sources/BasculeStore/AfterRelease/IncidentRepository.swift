import BasculeCore
import Foundation
import SQLKit

/// A stored incident: its id, where it came from (api, cli, csv, webhook) and the incident.
public struct StoredIncident: Sendable, Equatable {
    public let id: UUID
    public let source: String
    public let incident: Incident

    public init(id: UUID, source: String, incident: Incident) {
        self.id = id
        self.source = source
        self.incident = incident
    }
}

public enum AttributionState: String, Sendable, Codable, CaseIterable {
    case candidate, confirmed, rejected
}

/// An incident as attributed to one release, with the evidence and who decided.
public struct StoredAttribution: Sendable, Equatable {
    public let release: String
    public let incident: String
    public let incidentTitle: String
    public let severity: Int
    public let openedAt: Date
    public let resolvedAt: Date?
    public let state: AttributionState
    public let path: [String]
    public let sinceDeployment: TimeInterval
    public let confidence: Double
    public let decidedBy: String?
    public let decidedAt: Date?

    public init(release: String, incident: String, incidentTitle: String, severity: Int, openedAt: Date, resolvedAt: Date?, state: AttributionState,
                path: [String], sinceDeployment: TimeInterval, confidence: Double, decidedBy: String?, decidedAt: Date?) {
        self.release = release
        self.incident = incident
        self.incidentTitle = incidentTitle
        self.severity = severity
        self.openedAt = openedAt
        self.resolvedAt = resolvedAt
        self.state = state
        self.path = path
        self.sinceDeployment = sinceDeployment
        self.confidence = confidence
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }
}

/// A tool allowed to send incidents, with its own token (only its hash is kept).
public struct IncidentSource: Sendable, Equatable {
    public let name: String
    public let createdBy: String
    public let createdAt: Date
    public let lastUsedAt: Date?
}

/// Which incidents a list shows.
public struct IncidentQuery: Sendable, Equatable {
    public var open: Bool?
    public var severity: Int?
    public var item: String?
    /// A release number: the incidents attributed to it and not rejected.
    public var release: Int?
    public var openedIn: DateInterval?

    public init(open: Bool? = nil, severity: Int? = nil, item: String? = nil, release: Int? = nil, openedIn: DateInterval? = nil) {
        self.open = open
        self.severity = severity
        self.item = item
        self.release = release
        self.openedIn = openedIn
    }
}

/// Incidents and the items they affect, their attributions, and the tools that send them.
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

    /// Replaces what an incident says (its reference stays).
    public func update(_ incident: Incident, id: UUID, at: Date) async throws {
        try await db.raw("""
            UPDATE incidents SET title = \(bind: incident.title), severity = \(bind: Int64(incident.severity)),
                opened_at = \(bind: Columns.millis(incident.openedAt)), resolved_at = \(bind: incident.resolvedAt.map(Columns.millis)),
                link = \(bind: incident.link), updated_at = \(bind: Columns.millis(at))
            WHERE id = \(bind: id.uuidString)
            """).run()
        try await setItems(incident.items, of: id)
    }

    /// Incidents newest first, kept by `query`, with the total.
    public func list(_ query: IncidentQuery, limit: Int, offset: Int) async throws -> (items: [StoredIncident], total: Int) {
        var conditions: [SQLQueryString] = []
        if let open = query.open { conditions.append(open ? "resolved_at IS NULL" : "resolved_at IS NOT NULL") }
        if let severity = query.severity { conditions.append("severity = \(bind: Int64(severity))") }
        if let item = query.item { conditions.append("id IN (SELECT incident_id FROM incident_items WHERE item = \(bind: item))") }
        if let release = query.release {
            conditions.append("id IN (SELECT a.incident_id FROM attributions a JOIN releases r ON r.id = a.release_id WHERE r.number = \(bind: Int64(release)) AND a.state <> 'rejected')")
        }
        if let period = query.openedIn {
            conditions.append("opened_at >= \(bind: Columns.millis(period.start)) AND opened_at < \(bind: Columns.millis(period.end))")
        }
        let whereClause: SQLQueryString = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let total = try await db.raw("SELECT COUNT(*) AS n FROM incidents" + whereClause).first()?.decode(column: "n", as: Int.self) ?? 0
        var items: [StoredIncident] = []
        for row in try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM incidents" + whereClause
                                    + " ORDER BY opened_at DESC, reference LIMIT \(bind: Int64(limit)) OFFSET \(bind: Int64(offset))").all() {
            items.append(try await stored(row))
        }
        return (items, total)
    }

    /// Incidents opened in `period` that `filter` keeps: by an item they affect (or one the
    /// team owns), or, for an environment or a tag, confirmed as caused by such a release.
    public func opened(in period: DateInterval, filter: IndicatorFilter) async throws -> [Incident] {
        var sql: SQLQueryString = """
            SELECT \(unsafeRaw: Self.columns) FROM incidents i WHERE i.opened_at >= \(bind: Columns.millis(period.start)) AND i.opened_at < \(bind: Columns.millis(period.end))
            """
        if let item = filter.item { sql = sql + " AND i.id IN (SELECT incident_id FROM incident_items WHERE item = \(bind: item))" }
        if let team = filter.team {
            sql = sql + " AND i.id IN (SELECT ii.incident_id FROM incident_items ii JOIN configuration_items c ON c.key = ii.item WHERE c.owner_team = \(bind: team))"
        }
        if filter.environment != nil || filter.tag != nil {
            sql = sql + " AND i.id IN (SELECT a.incident_id FROM attributions a JOIN deployments d ON d.release_id = a.release_id WHERE a.state = 'confirmed'"
                + DeploymentRepository.conditions(IndicatorFilter(environment: filter.environment, tag: filter.tag)) + ")"
        }
        let rows = try await db.raw(sql + " ORDER BY i.opened_at, i.reference").all()
        // The items of all of them in one query: a query per incident cost most of a quarter's indicators.
        var items: [String: [String]] = [:]
        for row in try await db.raw("""
            SELECT ii.incident_id, ii.item FROM incident_items ii JOIN incidents i ON i.id = ii.incident_id
            WHERE i.opened_at >= \(bind: Columns.millis(period.start)) AND i.opened_at < \(bind: Columns.millis(period.end))
            """).all() {
            items[try row.decode(column: "incident_id", as: String.self), default: []].append(try row.decode(column: "item", as: String.self))
        }
        return try rows.map { row in try Self.incident(row, items: items[try row.decode(column: "id", as: String.self)] ?? []) }
    }

    // MARK: attribution

    /// Puts in the candidates found for an incident, keeping every decision already made (a
    /// confirmed or rejected release stays so) and dropping the undecided ones no longer found.
    public func replaceCandidates(_ candidates: [(releaseID: UUID, candidate: Attribution.Candidate)], of incident: UUID) async throws {
        try await db.raw("DELETE FROM attributions WHERE incident_id = \(bind: incident.uuidString) AND state = 'candidate'").run()
        let decided = Set(try await db.raw("SELECT release_id FROM attributions WHERE incident_id = \(bind: incident.uuidString)").all()
            .map { try $0.decode(column: "release_id", as: String.self) })
        for (releaseID, candidate) in candidates where !decided.contains(releaseID.uuidString) {
            try await db.raw("""
                INSERT INTO attributions (incident_id, release_id, state, path, since_ms, confidence)
                VALUES (\(bind: incident.uuidString), \(bind: releaseID.uuidString), 'candidate', \(bind: Columns.json(candidate.path)),
                        \(bind: Int64((candidate.sinceDeployment * 1000).rounded())), \(bind: candidate.confidence))
                """).run()
        }
    }

    /// Confirms or rejects a candidate; false when the release is not one of the incident's.
    public func decide(incident: UUID, release: UUID, state: AttributionState, by actor: String, at: Date) async throws -> Bool {
        let rows = try await db.raw("""
            UPDATE attributions SET state = \(bind: state.rawValue), decided_by = \(bind: actor), decided_at = \(bind: Columns.millis(at))
            WHERE incident_id = \(bind: incident.uuidString) AND release_id = \(bind: release.uuidString) RETURNING release_id
            """).all()
        return !rows.isEmpty
    }

    /// A release confirmed as a cause though no evidence named it: no path, confidence 0.
    public func confirmOutsideCandidates(incident: UUID, release: UUID, by actor: String, at: Date) async throws {
        try await db.raw("""
            INSERT INTO attributions (incident_id, release_id, state, path, since_ms, confidence, decided_by, decided_at)
            VALUES (\(bind: incident.uuidString), \(bind: release.uuidString), 'confirmed', '[]', 0, 0, \(bind: actor), \(bind: Columns.millis(at)))
            """).run()
    }

    /// The attributions of an incident, most likely first.
    public func attributions(of incident: UUID) async throws -> [StoredAttribution] {
        try await attributions(where: "a.incident_id = \(bind: incident.uuidString)")
    }

    /// The incidents attributed to a release (rejected ones left out), newest first.
    public func attributions(ofRelease number: Int) async throws -> [StoredAttribution] {
        try await attributions(where: "r.number = \(bind: Int64(number)) AND a.state <> 'rejected'")
    }

    private func attributions(where condition: SQLQueryString) async throws -> [StoredAttribution] {
        let rows = try await db.raw("""
            SELECT a.state, a.path, a.since_ms, a.confidence, a.decided_by, a.decided_at, r.number, i.reference, i.title, i.severity, i.opened_at, i.resolved_at
            FROM attributions a JOIN releases r ON r.id = a.release_id JOIN incidents i ON i.id = a.incident_id WHERE
            """ + " " + condition + " ORDER BY a.confidence DESC, i.opened_at DESC, r.number").all()
        return try rows.map { row in
            guard let state = AttributionState(rawValue: try row.decode(column: "state", as: String.self)) else { throw StoreError.corruptRow("attribution state") }
            return StoredAttribution(
                release: ReleaseKey(number: try row.decode(column: "number", as: Int.self)).description,
                incident: try row.decode(column: "reference", as: String.self), incidentTitle: try row.decode(column: "title", as: String.self),
                severity: try row.decode(column: "severity", as: Int.self), openedAt: Columns.date(try row.decode(column: "opened_at", as: Int64.self)),
                resolvedAt: try row.decode(column: "resolved_at", as: Int64?.self).map(Columns.date),
                state: state, path: try Columns.list(try row.decode(column: "path", as: String.self)),
                sinceDeployment: Double(try row.decode(column: "since_ms", as: Int64.self)) / 1000,
                confidence: try row.decode(column: "confidence", as: Double.self), decidedBy: try row.decode(column: "decided_by", as: String?.self),
                decidedAt: try row.decode(column: "decided_at", as: Int64?.self).map(Columns.date))
        }
    }

    // MARK: inbound sources

    public func insertSource(name: String, tokenHash: String, by actor: String, at: Date) async throws {
        do {
            try await db.raw("""
                INSERT INTO incident_sources (name, token_hash, created_by, created_at) VALUES (\(bind: name), \(bind: tokenHash), \(bind: actor), \(bind: Columns.millis(at)))
                """).run()
        } catch where Store.isUniqueViolation(error) {
            throw StoreError.duplicate("an incident source \(name)")
        }
    }

    /// The source whose token hashes to `tokenHash`, marked used.
    public func source(tokenHash: String, at: Date) async throws -> String? {
        let rows = try await db.raw("""
            UPDATE incident_sources SET last_used_at = \(bind: Columns.millis(at)) WHERE token_hash = \(bind: tokenHash) RETURNING name
            """).all()
        return try rows.first?.decode(column: "name", as: String.self)
    }

    public func sources() async throws -> [IncidentSource] {
        try await db.raw("SELECT name, created_by, created_at, last_used_at FROM incident_sources ORDER BY name").all().map { row in
            IncidentSource(name: try row.decode(column: "name", as: String.self), createdBy: try row.decode(column: "created_by", as: String.self),
                           createdAt: Columns.date(try row.decode(column: "created_at", as: Int64.self)),
                           lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Columns.date))
        }
    }

    public func deleteSource(name: String) async throws -> Bool {
        !(try await db.raw("DELETE FROM incident_sources WHERE name = \(bind: name) RETURNING name").all()).isEmpty
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
        return StoredIncident(id: id, source: try row.decode(column: "source", as: String.self), incident: try Self.incident(row, items: items))
    }

    private static func incident(_ row: any SQLRow, items: [String]) throws -> Incident {
        try Incident(
            reference: try row.decode(column: "reference", as: String.self), title: try row.decode(column: "title", as: String.self),
            severity: try row.decode(column: "severity", as: Int.self), openedAt: Columns.date(try row.decode(column: "opened_at", as: Int64.self)),
            resolvedAt: try row.decode(column: "resolved_at", as: Int64?.self).map(Columns.date), items: items,
            link: try row.decode(column: "link", as: String?.self))
    }
}
