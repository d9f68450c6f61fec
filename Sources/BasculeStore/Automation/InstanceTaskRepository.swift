import BasculeCore
import Foundation
import SQLKit

/// Instance tasks of rolling updates: handed by the update's agent, taken once by an agent the
/// task's target accepts, lost when that agent goes silent.
public struct InstanceTaskRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private static let columns = """
        t.id, t.attempt_id, t.instance, t.action, t.version, t.timeout_ms, t.target, t.state, a.name AS agent, t.created_at,
        t.exit_code, t.output, t.outcome
        """
    private static let from = "instance_tasks t LEFT JOIN agents a ON a.id = t.agent_id"

    public func insert(_ task: InstanceTask) async throws {
        let target = String(decoding: try JSONEncoder().encode(task.target), as: UTF8.self)
        try await db.raw("""
            INSERT INTO instance_tasks (id, attempt_id, instance, action, version, timeout_ms, target, state, created_at, output, outcome)
            VALUES (\(bind: task.id.uuidString), \(bind: task.attempt.uuidString), \(bind: task.instance), \(bind: task.action.rawValue),
                    \(bind: task.version), \(bind: Int64(task.timeout * 1000)), \(bind: target), \(bind: task.state.rawValue),
                    \(bind: Columns.millis(task.createdAt)), '', '')
            """).run()
    }

    public func find(_ id: UUID) async throws -> InstanceTask? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.from) WHERE t.id = \(bind: id.uuidString)").first().map(Self.task)
    }

    /// The tasks waiting for an agent, oldest first.
    public func waiting(limit: Int = 50) async throws -> [InstanceTask] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.from) WHERE t.state = 'waiting' ORDER BY t.created_at LIMIT \(bind: limit)
            """).all().map(Self.task)
    }

    /// Takes the task for the agent; false when another took it first or it was cancelled.
    public func claim(_ id: UUID, agentID: UUID, at: Date) async throws -> Bool {
        let rows = try await db.raw("""
            UPDATE instance_tasks SET state = 'running', agent_id = \(bind: agentID.uuidString), started_at = \(bind: Columns.millis(at)),
                heartbeat_at = \(bind: Columns.millis(at)) WHERE id = \(bind: id.uuidString) AND state = 'waiting' RETURNING id
            """).all()
        return !rows.isEmpty
    }

    /// The agent runs it still; its state as stored (cancelled: stop it).
    public func heartbeat(_ id: UUID, agentID: UUID, at: Date) async throws -> InstanceTask.State? {
        try await db.raw("""
            UPDATE instance_tasks SET heartbeat_at = \(bind: Columns.millis(at))
            WHERE id = \(bind: id.uuidString) AND agent_id = \(bind: agentID.uuidString) AND state = 'running'
            """).run()
        let row = try await db.raw("SELECT state FROM instance_tasks WHERE id = \(bind: id.uuidString) AND agent_id = \(bind: agentID.uuidString)").first()
        return try row.flatMap { InstanceTask.State(rawValue: try $0.decode(column: "state", as: String.self)) }
    }

    /// Ends the task if it is not over yet; false otherwise. `agentID`, when given, must hold it.
    public func end(_ id: UUID, agentID: UUID?, state: InstanceTask.State, exitCode: Int32?, output: String, outcome: String, at: Date) async throws -> Bool {
        let holder = agentID.map { SQLQueryString(" AND agent_id = \(bind: $0.uuidString)") } ?? SQLQueryString("")
        let rows = try await db.raw("""
            UPDATE instance_tasks SET state = \(bind: state.rawValue), exit_code = \(bind: exitCode.map(Int64.init)), output = \(bind: output),
                outcome = \(bind: outcome), ended_at = \(bind: Columns.millis(at))
            WHERE id = \(bind: id.uuidString) AND state IN ('waiting', 'running')\(holder) RETURNING id
            """).all()
        return !rows.isEmpty
    }

    /// Running tasks whose agent has been silent since `before`.
    public func silent(before: Date) async throws -> [InstanceTask] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.from) WHERE t.state = 'running' AND t.heartbeat_at < \(bind: Columns.millis(before))
            """).all().map(Self.task)
    }

    /// The tasks of an attempt not over yet.
    public func open(attempt: UUID) async throws -> [InstanceTask] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.from) WHERE t.attempt_id = \(bind: attempt.uuidString) AND t.state IN ('waiting', 'running')
            """).all().map(Self.task)
    }

    static func task(_ row: any SQLRow) throws -> InstanceTask {
        guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)),
              let attempt = UUID(uuidString: try row.decode(column: "attempt_id", as: String.self)),
              let action = InstanceTask.Action(rawValue: try row.decode(column: "action", as: String.self)),
              let state = InstanceTask.State(rawValue: try row.decode(column: "state", as: String.self)),
              let target = try? JSONDecoder().decode(AgentTarget.self, from: Data(try row.decode(column: "target", as: String.self).utf8)) else {
            throw StoreError.corruptRow("instance task")
        }
        return InstanceTask(id: id, attempt: attempt, instance: try row.decode(column: "instance", as: String.self), action: action,
                            version: try row.decode(column: "version", as: String.self),
                            timeout: Double(try row.decode(column: "timeout_ms", as: Int64.self)) / 1000, target: target, state: state,
                            agent: try row.decode(column: "agent", as: String?.self), createdAt: Columns.date(try row.decode(column: "created_at", as: Int64.self)),
                            exitCode: try row.decode(column: "exit_code", as: Int64?.self).map { Int32(truncatingIfNeeded: $0) },
                            output: try row.decode(column: "output", as: String.self), outcome: try row.decode(column: "outcome", as: String.self))
    }
}
