import BasculeCore
import BasculeStore
import Foundation

/// What people do with rolling updates: read their reports, ask for one to be rolled back.
extension AgentService {
    /// The latest report of each rolling update step of the run, by step.
    public func rollingReports(run id: String) async throws -> [String: StoredRollingReport] {
        let (runID, key) = try await runs.locate(id)
        try await gate.require(.releaseRead, on: key.description)
        return try await store.withConnection { try await RollingReportRepository($0).latest(run: runID) }
    }

    /// Asks the agent running the step's rolling update to roll it back, the same careful way
    /// it rolls back by itself; it hears of it at its next heartbeat. In a live run it is a
    /// cutover call, made by those who may decide.
    public func askRollback(run id: String, step: String, reason: String) async throws -> StoredRollingReport {
        try await gate.require(.runExecute, on: "run:\(id)")
        let (runID, key) = try await runs.locate(id)
        let run = try await runs.snapshot(runID)
        if run.kind == .live { try await gate.require(.runDecide, on: key.description) }
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty, why.count <= 500 else { throw ServiceError.badRequest([FieldError("reason", "is required (at most 500 characters): why roll back")]) }
        guard let found = run.steps.first(where: { $0.step.key == step }) else { throw ServiceError.notFound("step \(step)") }
        guard found.step.kind == .rollingUpdate else { throw ServiceError.conflict("\(step) is a \(found.step.kind.rawValue) step, not a rolling update") }
        let attempt = try await store.withConnection { try await AttemptRepository($0).running(run: runID, step: step) }
        guard let attempt else { throw ServiceError.conflict("\(step) is not being run by an agent: nothing to roll back") }
        let actor = RequestOrigin.current.actor
        let asked = try await store.transaction { db in
            guard try await RollingReportRepository(db).askRollback(attempt: attempt.id, by: actor, reason: why, at: now()) else { return false }
            try await AuditLog.record(.rollingRollback, target: key.description,
                                      summary: "\(step) attempt \(attempt.number): roll back asked (\(why))", at: now(), in: db)
            return true
        }
        guard asked else { throw ServiceError.conflict("\(step) has not reported yet: ask again in a second") }
        guard let stored = try await store.withConnection({ try await RollingReportRepository($0).latest(run: runID) })[step] else {
            throw ServiceError.notFound("the report of \(step)")
        }
        return stored
    }
}
