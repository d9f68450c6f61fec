import BasculeCore
import Foundation
import SQLKit

/// Deployments of releases to the environments of their promotion path.
public struct EnvironmentDeploymentRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func insert(_ deployment: EnvironmentDeployment, at now: Date) async throws {
        try await db.raw("""
            INSERT INTO environment_deployments (id, release_id, environment, outcome, deployed_at, run_id, recorded_by, note, recorded_at)
            VALUES (\(bind: deployment.id.uuidString), (SELECT id FROM releases WHERE number = \(bind: Int64(deployment.release.number))),
                    \(bind: deployment.environment), \(bind: deployment.outcome.rawValue), \(bind: Columns.millis(deployment.at)),
                    \(bind: deployment.run?.uuidString), \(bind: deployment.recordedBy), \(bind: deployment.note), \(bind: Columns.millis(now)))
            """).run()
    }

    /// Every deployment of `release`, newest first.
    public func all(of release: ReleaseKey) async throws -> [EnvironmentDeployment] {
        try await db.raw("""
            SELECT d.id, d.environment, d.outcome, d.deployed_at, d.run_id, d.recorded_by, d.note
            FROM environment_deployments d JOIN releases r ON r.id = d.release_id
            WHERE r.number = \(bind: Int64(release.number)) ORDER BY d.deployed_at DESC, d.recorded_at DESC
            """).all().map { row in try Self.deployment(row, of: release) }
    }

    static func deployment(_ row: any SQLRow, of release: ReleaseKey) throws -> EnvironmentDeployment {
        let outcome = try row.decode(column: "outcome", as: String.self)
        guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)), let value = EnvironmentDeployment.Outcome(rawValue: outcome) else {
            throw StoreError.corruptRow("environment deployment with outcome \(outcome)")
        }
        return EnvironmentDeployment(id: id, release: release, environment: try row.decode(column: "environment", as: String.self), outcome: value,
                                     at: Columns.date(try row.decode(column: "deployed_at", as: Int64.self)),
                                     run: try row.decode(column: "run_id", as: String?.self).flatMap(UUID.init(uuidString:)),
                                     recordedBy: try row.decode(column: "recorded_by", as: String.self), note: try row.decode(column: "note", as: String.self))
    }
}
