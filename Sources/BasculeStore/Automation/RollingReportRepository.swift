import BasculeCore
import Foundation
import SQLKit

/// A rolling update's report as its agent last sent it, with the attempt it belongs to.
public struct StoredRollingReport: Sendable, Equatable {
    public let attempt: UUID
    public let step: String
    public let report: RollingReport
    public let updatedAt: Date
    /// Who asked for the update to be rolled back by hand, if anyone did.
    public let rollbackAskedBy: String?

    public init(attempt: UUID, step: String, report: RollingReport, updatedAt: Date, rollbackAskedBy: String?) {
        self.attempt = attempt
        self.step = step
        self.report = report
        self.updatedAt = updatedAt
        self.rollbackAskedBy = rollbackAskedBy
    }
}

/// Rolling updates' reports, one per attempt, replaced whole at each send.
public struct RollingReportRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func save(_ report: RollingReport, attempt: UUID, run: UUID, step: String, at: Date) async throws {
        let text = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        try await db.raw("""
            INSERT INTO rolling_reports (attempt_id, run_id, step, report, updated_at)
            VALUES (\(bind: attempt.uuidString), \(bind: run.uuidString), \(bind: step), \(bind: text), \(bind: Columns.millis(at)))
            ON CONFLICT (attempt_id) DO UPDATE SET report = excluded.report, updated_at = excluded.updated_at
            """).run()
    }

    /// The latest report of each step of the run that ran a rolling update, by step.
    public func latest(run: UUID) async throws -> [String: StoredRollingReport] {
        let rows = try await db.raw("""
            SELECT r.attempt_id, r.step, r.report, r.updated_at, r.rollback_asked_by, s.number FROM rolling_reports r
            JOIN step_attempts s ON s.id = r.attempt_id WHERE r.run_id = \(bind: run.uuidString) ORDER BY s.number
            """).all()
        var result: [String: StoredRollingReport] = [:]
        for row in rows {
            let stored = try Self.stored(row)
            result[stored.step] = stored
        }
        return result
    }

    /// Records that `by` asked for the attempt's update to be rolled back; false when no report
    /// of it is kept (it sent none yet).
    public func askRollback(attempt: UUID, by: String, reason: String, at: Date) async throws -> Bool {
        let rows = try await db.raw("""
            UPDATE rolling_reports SET rollback_asked_by = \(bind: by), rollback_asked_at = \(bind: Columns.millis(at)), rollback_reason = \(bind: reason)
            WHERE attempt_id = \(bind: attempt.uuidString) RETURNING attempt_id
            """).all()
        return !rows.isEmpty
    }

    /// Who asked for the attempt's update to be rolled back and why; nil when nobody did.
    public func rollbackAsked(attempt: UUID) async throws -> String? {
        let row = try await db.raw("""
            SELECT rollback_asked_by, rollback_reason FROM rolling_reports WHERE attempt_id = \(bind: attempt.uuidString) AND rollback_asked_by IS NOT NULL
            """).first()
        guard let row else { return nil }
        return "rolled back by hand by \(try row.decode(column: "rollback_asked_by", as: String.self)): \(try row.decode(column: "rollback_reason", as: String?.self) ?? "no reason given")"
    }

    static func stored(_ row: any SQLRow) throws -> StoredRollingReport {
        let text = try row.decode(column: "report", as: String.self)
        guard let report = try? JSONDecoder().decode(RollingReport.self, from: Data(text.utf8)) else { throw StoreError.corruptRow("rolling report") }
        guard let attempt = UUID(uuidString: try row.decode(column: "attempt_id", as: String.self)) else { throw StoreError.corruptRow("rolling report") }
        return StoredRollingReport(attempt: attempt, step: try row.decode(column: "step", as: String.self), report: report,
                                   updatedAt: Columns.date(try row.decode(column: "updated_at", as: Int64.self)),
                                   rollbackAskedBy: try row.decode(column: "rollback_asked_by", as: String?.self))
    }
}
