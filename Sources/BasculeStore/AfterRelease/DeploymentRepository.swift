import BasculeCore
import Foundation
import SQLKit

/// The end of each live cutover, one row each: what the indicators and the attribution of
/// incidents read, so that a quarter's figures never walk the run logs.
public struct DeploymentRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private static let columns = """
        d.run_id, d.release_number, d.environment, d.production, d.type, d.tags, d.result, d.planned_start, d.planned_end, d.started_at,
        d.ended_at, d.planned_downtime_ms, d.actual_downtime_ms
        """

    public func record(_ deployment: Deployment, releaseID: UUID) async throws {
        let number = Int64(ReleaseKey(deployment.release)?.number ?? 0)
        try await db.raw("""
            INSERT INTO deployments (run_id, release_id, release_number, environment, production, type, tags, result, planned_start, planned_end,
                started_at, ended_at, planned_downtime_ms, actual_downtime_ms)
            VALUES (\(bind: deployment.run.uuidString), \(bind: releaseID.uuidString), \(bind: number), \(bind: deployment.environment),
                \(bind: Int64(deployment.production ? 1 : 0)), \(bind: deployment.type.rawValue), \(bind: Columns.json(deployment.tags)),
                \(bind: deployment.result.rawValue), \(bind: deployment.planned.map { Columns.millis($0.start) }),
                \(bind: deployment.planned.map { Columns.millis($0.end) }), \(bind: Columns.millis(deployment.startedAt)),
                \(bind: Columns.millis(deployment.endedAt)), \(bind: deployment.plannedDowntime.map { Int64(($0 * 1000).rounded()) }),
                \(bind: deployment.actualDowntime.map { Int64(($0 * 1000).rounded()) }))
            """).run()
    }

    /// The cutovers that ended in `period` among the releases `filter` keeps, oldest first.
    public func ended(in period: DateInterval, filter: IndicatorFilter = IndicatorFilter()) async throws -> [Deployment] {
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM deployments d
            WHERE d.ended_at >= \(bind: Columns.millis(period.start)) AND d.ended_at < \(bind: Columns.millis(period.end))
            """ + Self.conditions(filter) + " ORDER BY d.ended_at, d.release_number").all()
        return try rows.map(Self.deployment)
    }

    /// The live cutovers of one release, oldest first.
    public func of(release number: Int) async throws -> [Deployment] {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM deployments d WHERE d.release_number = \(bind: Int64(number)) ORDER BY d.ended_at")
            .all().map(Self.deployment)
    }

    /// The changes of the releases deployed to production in `period` (kept by `filter`), for
    /// lead time: rejected and cancelled changes were not delivered and are left out.
    public func changes(in period: DateInterval, filter: IndicatorFilter = IndicatorFilter()) async throws -> [IndicatorSet.ChangeLead] {
        let rows = try await db.raw("""
            SELECT c.number, c.created_at, d.release_number FROM deployments d JOIN changes c ON c.release_id = d.release_id
            WHERE d.ended_at >= \(bind: Columns.millis(period.start)) AND d.ended_at < \(bind: Columns.millis(period.end))
              AND d.production = 1 AND d.result = 'deployed' AND c.status NOT IN ('rejected', 'cancelled')
            """ + Self.conditions(filter)).all()
        return try rows.map { row in
            IndicatorSet.ChangeLead(change: "CHG-\(try row.decode(column: "number", as: Int.self))",
                                    release: ReleaseKey(number: try row.decode(column: "release_number", as: Int.self)).description,
                                    createdAt: Columns.date(try row.decode(column: "created_at", as: Int64.self)))
        }
    }

    /// For each release that ended a cutover in `period` (kept by `filter`), the incidents
    /// confirmed as its own, with when they opened.
    public func confirmedIncidents(in period: DateInterval, filter: IndicatorFilter = IndicatorFilter()) async throws -> [String: [(reference: String, openedAt: Date)]] {
        let rows = try await db.raw("""
            SELECT d.release_number, i.reference, i.opened_at FROM deployments d
            JOIN attributions a ON a.release_id = d.release_id AND a.state = 'confirmed' JOIN incidents i ON i.id = a.incident_id
            WHERE d.ended_at >= \(bind: Columns.millis(period.start)) AND d.ended_at < \(bind: Columns.millis(period.end))
            """ + Self.conditions(filter)).all()
        var result: [String: [(reference: String, openedAt: Date)]] = [:]
        for row in rows {
            let release = ReleaseKey(number: try row.decode(column: "release_number", as: Int.self)).description
            let reference = try row.decode(column: "reference", as: String.self)
            guard result[release]?.contains(where: { $0.reference == reference }) != true else { continue }
            result[release, default: []].append((reference, Columns.date(try row.decode(column: "opened_at", as: Int64.self))))
        }
        return result
    }

    /// The releases deployed (or left failed) between `start` and `end`, with the items their
    /// changes touched: the candidates an incident opened at `end` is attributed among.
    public func candidates(from start: Date, to end: Date) async throws -> [Attribution.Deployment] {
        let rows = try await db.raw("""
            SELECT d.release_number, d.ended_at, ci.item FROM deployments d
            JOIN changes c ON c.release_id = d.release_id JOIN change_items ci ON ci.change_id = c.id
            WHERE d.ended_at >= \(bind: Columns.millis(start)) AND d.ended_at <= \(bind: Columns.millis(end)) AND d.result <> 'rolledBack'
              AND c.status NOT IN ('rejected', 'cancelled')
            ORDER BY d.ended_at, d.release_number, ci.item
            """).all()
        var order: [String] = [], deployedAt: [String: Date] = [:], items: [String: [CIKey]] = [:]
        for row in rows {
            let release = ReleaseKey(number: try row.decode(column: "release_number", as: Int.self)).description
            if deployedAt[release] == nil { order.append(release) }
            deployedAt[release] = Columns.date(try row.decode(column: "ended_at", as: Int64.self))
            if let key = CIKey(try row.decode(column: "item", as: String.self)) { items[release, default: []].append(key) }
        }
        return order.compactMap { release in deployedAt[release].map { Attribution.Deployment(release: release, deployedAt: $0, items: items[release] ?? []) } }
    }

    /// The SQL that keeps the deployments of `filter` (alias `d`).
    static func conditions(_ filter: IndicatorFilter) -> SQLQueryString {
        var sql: SQLQueryString = ""
        if let environment = filter.environment { sql = sql + " AND d.environment = \(bind: environment)" }
        if let tag = filter.tag { sql = sql + " AND d.tags LIKE \(bind: "%" + Columns.json([tag]).dropFirst().dropLast() + "%")" }
        if let item = filter.item {
            sql = sql + " AND EXISTS (SELECT 1 FROM changes fc JOIN change_items fi ON fi.change_id = fc.id WHERE fc.release_id = d.release_id AND fi.item = \(bind: item))"
        }
        if let team = filter.team {
            sql = sql + """
                 AND EXISTS (SELECT 1 FROM changes fc JOIN change_items fi ON fi.change_id = fc.id JOIN configuration_items ft ON ft.key = fi.item
                 WHERE fc.release_id = d.release_id AND ft.owner_team = \(bind: team))
                """
        }
        return sql
    }

    static func deployment(_ row: any SQLRow) throws -> Deployment {
        guard let run = UUID(uuidString: try row.decode(column: "run_id", as: String.self)),
              let type = ReleaseType(rawValue: try row.decode(column: "type", as: String.self)),
              let result = CutoverOutcome.Result(rawValue: try row.decode(column: "result", as: String.self)) else { throw StoreError.corruptRow("deployment") }
        let plannedStart = try row.decode(column: "planned_start", as: Int64?.self), plannedEnd = try row.decode(column: "planned_end", as: Int64?.self)
        var planned: DateInterval?
        if let plannedStart, let plannedEnd, plannedEnd >= plannedStart { planned = DateInterval(start: Columns.date(plannedStart), end: Columns.date(plannedEnd)) }
        return Deployment(
            release: ReleaseKey(number: try row.decode(column: "release_number", as: Int.self)).description, run: run,
            environment: try row.decode(column: "environment", as: String?.self), production: try row.decode(column: "production", as: Int.self) == 1,
            type: type, tags: try Columns.list(try row.decode(column: "tags", as: String.self)), result: result, planned: planned,
            startedAt: Columns.date(try row.decode(column: "started_at", as: Int64.self)), endedAt: Columns.date(try row.decode(column: "ended_at", as: Int64.self)),
            plannedDowntime: try row.decode(column: "planned_downtime_ms", as: Int64?.self).map { Double($0) / 1000 },
            actualDowntime: try row.decode(column: "actual_downtime_ms", as: Int64?.self).map { Double($0) / 1000 })
    }
}
