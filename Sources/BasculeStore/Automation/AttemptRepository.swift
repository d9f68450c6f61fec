import BasculeCore
import Foundation
import SQLKit

/// A chunk of an attempt's output as stored.
public struct LogChunk: Sendable, Equatable {
    public let offset: Int64
    public let stream: String
    public let data: Data
}

/// What became of a chunk sent by an agent.
public enum LogAppend: Sendable, Equatable {
    /// Stored (or already stored: a resend); the log now ends at `end`.
    case acknowledged(end: Int64)
    /// The chunk starts after the end of the log: the agent must send from `expected`.
    case gap(expected: Int64)
    /// The attempt is over or unknown.
    case closed
}

/// Attempts at automated steps and their output.
public struct AttemptRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private static let columns = """
        s.id, s.run_id, s.step, s.number, a.name AS agent, s.state, s.started_at, s.heartbeat_at, s.ended_at, s.exit_code,
        s.outcome, s.log_size, s.log_cut
        """

    /// The next attempt's number for a step: its fencing number.
    public func nextNumber(run: UUID, step: String) async throws -> Int {
        let row = try await db.raw("""
            SELECT COALESCE(MAX(number), 0) + 1 AS next FROM step_attempts WHERE run_id = \(bind: run.uuidString) AND step = \(bind: step)
            """).first()
        return try row?.decode(column: "next", as: Int.self) ?? 1
    }

    public func insert(_ attempt: StepAttempt, agentID: UUID) async throws {
        try await db.raw("""
            INSERT INTO step_attempts (id, run_id, step, number, agent_id, state, started_at, heartbeat_at, outcome, log_size, log_cut)
            VALUES (\(bind: attempt.id.uuidString), \(bind: attempt.runID.uuidString), \(bind: attempt.step), \(bind: attempt.number),
                    \(bind: agentID.uuidString), \(bind: attempt.state.rawValue), \(bind: Columns.millis(attempt.startedAt)),
                    \(bind: Columns.millis(attempt.heartbeatAt)), '', 0, 0)
            """).run()
    }

    public func find(_ id: UUID) async throws -> StepAttempt? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM step_attempts s JOIN agents a ON a.id = s.agent_id WHERE s.id = \(bind: id.uuidString)")
            .first().map(Self.attempt)
    }

    /// The attempts of a run's step, latest first; of every step when `step` is nil.
    public func attempts(run: UUID, step: String? = nil) async throws -> [StepAttempt] {
        let stepFilter = step.map { SQLQueryString(" AND s.step = \(bind: $0)") } ?? SQLQueryString("")
        return try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM step_attempts s JOIN agents a ON a.id = s.agent_id
            WHERE s.run_id = \(bind: run.uuidString)\(stepFilter) ORDER BY s.step, s.number DESC
            """).all().map(Self.attempt)
    }

    /// When the latest attempt of each of these steps started (steps without one are absent).
    public func latestStarts(run: UUID, steps: [String]) async throws -> [String: Date] {
        guard !steps.isEmpty else { return [:] }
        let keys = SQLList(steps.map { SQLBind($0) })
        let rows = try await db.raw("""
            SELECT step, MAX(started_at) AS started FROM step_attempts
            WHERE run_id = \(bind: run.uuidString) AND step IN (\(keys)) GROUP BY step
            """).all()
        var starts: [String: Date] = [:]
        for row in rows { starts[try row.decode(column: "step", as: String.self)] = Columns.date(try row.decode(column: "started", as: Int64.self)) }
        return starts
    }

    /// The running attempt of a step, if any.
    public func running(run: UUID, step: String) async throws -> StepAttempt? {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM step_attempts s JOIN agents a ON a.id = s.agent_id
            WHERE s.run_id = \(bind: run.uuidString) AND s.step = \(bind: step) AND s.state = 'running'
            """).first().map(Self.attempt)
    }

    /// The running attempts an agent holds.
    public func held(by agentID: UUID) async throws -> [StepAttempt] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM step_attempts s JOIN agents a ON a.id = s.agent_id
            WHERE s.agent_id = \(bind: agentID.uuidString) AND s.state = 'running'
            """).all().map(Self.attempt)
    }

    /// Running attempts whose agent has not been heard of since `before`.
    public func silent(before: Date) async throws -> [StepAttempt] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM step_attempts s JOIN agents a ON a.id = s.agent_id
            WHERE s.state = 'running' AND s.heartbeat_at < \(bind: Columns.millis(before))
            """).all().map(Self.attempt)
    }

    /// Records that the agent holding `id` is alive; the attempt's state, nil if unknown.
    public func heartbeat(_ id: UUID, agentID: UUID, at: Date) async throws -> AttemptState? {
        try await db.raw("""
            UPDATE step_attempts SET heartbeat_at = \(bind: Columns.millis(at))
            WHERE id = \(bind: id.uuidString) AND agent_id = \(bind: agentID.uuidString) AND state = 'running'
            """).run()
        let row = try await db.raw("SELECT state FROM step_attempts WHERE id = \(bind: id.uuidString) AND agent_id = \(bind: agentID.uuidString)").first()
        return try row.flatMap { AttemptState(rawValue: try $0.decode(column: "state", as: String.self)) }
    }

    /// Every running attempt of `agentID` marked alive at once (the agent's poll and heartbeats).

    /// Ends a running attempt; false when it was no longer running (lost, cancelled, ended).
    public func end(_ id: UUID, state: AttemptState, exitCode: Int32?, outcome: String, at: Date) async throws -> Bool {
        try await db.raw("""
            UPDATE step_attempts SET state = \(bind: state.rawValue), exit_code = \(bind: exitCode.map(Int64.init)),
                outcome = \(bind: outcome), ended_at = \(bind: Columns.millis(at))
            WHERE id = \(bind: id.uuidString) AND state = 'running' RETURNING id
            """).first() != nil
    }

    /// Appends `data` at `offset`: a resend of bytes already stored is acknowledged without
    /// storing them twice, a chunk past the end is refused with the offset expected. Beyond
    /// `cap` bytes, the chunks between the first and the last `cap / 2` are deleted and counted
    /// as cut. Output is accepted while the attempt runs and until its result arrives; the
    /// result then checks that the log is whole.
    public func append(_ id: UUID, agentID: UUID, offset: Int64, stream: String, data: Data, cap: Int64) async throws -> LogAppend {
        // Called in a transaction: the row lock (PostgreSQL) or the single writer (SQLite)
        // keeps two chunks of one attempt from both reading the same end.
        let lock = db.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        guard let row = try await db.raw("""
            SELECT log_size, state FROM step_attempts WHERE id = \(bind: id.uuidString) AND agent_id = \(bind: agentID.uuidString)\(unsafeRaw: lock)
            """).first() else { return .closed }
        let size = try row.decode(column: "log_size", as: Int64.self)
        guard try row.decode(column: "state", as: String.self) == AttemptState.running.rawValue else { return .closed }
        guard offset <= size else { return .gap(expected: size) }
        let skip = Int(size - offset)
        guard skip < data.count else { return .acknowledged(end: size) }
        let fresh = data.dropFirst(skip)
        let end = size + Int64(fresh.count)
        try await db.raw("""
            INSERT INTO attempt_logs (attempt_id, at_byte, length, stream, data)
            VALUES (\(bind: id.uuidString), \(bind: size), \(bind: Int64(fresh.count)), \(bind: stream), \(bind: Data(fresh).base64EncodedString()))
            """).run()
        var cut: Int64 = 0
        if end > cap {
            let head = cap / 2, tailStart = end - cap / 2
            try await db.raw("""
                DELETE FROM attempt_logs WHERE attempt_id = \(bind: id.uuidString) AND at_byte >= \(bind: head) AND at_byte + length <= \(bind: tailStart)
                """).run()
            let kept = try await db.raw("SELECT COALESCE(SUM(length), 0) AS kept FROM attempt_logs WHERE attempt_id = \(bind: id.uuidString)").first()
            cut = end - (try kept?.decode(column: "kept", as: Int64.self) ?? end)
        }
        try await db.raw("""
            UPDATE step_attempts SET log_size = \(bind: end), log_cut = \(bind: cut) WHERE id = \(bind: id.uuidString)
            """).run()
        return .acknowledged(end: end)
    }

    /// The kept chunks from `offset` on, in order.
    public func log(_ id: UUID, from offset: Int64 = 0, limit: Int = 1000) async throws -> [LogChunk] {
        try await db.raw("""
            SELECT at_byte, stream, data FROM attempt_logs WHERE attempt_id = \(bind: id.uuidString) AND at_byte + length > \(bind: offset)
            ORDER BY at_byte LIMIT \(bind: limit)
            """).all().map { row in
            LogChunk(offset: try row.decode(column: "at_byte", as: Int64.self), stream: try row.decode(column: "stream", as: String.self),
                     data: Data(base64Encoded: try row.decode(column: "data", as: String.self)) ?? Data())
        }
    }

    static func attempt(_ row: any SQLRow) throws -> StepAttempt {
        StepAttempt(
            id: UUID(uuidString: try row.decode(column: "id", as: String.self)) ?? UUID(),
            runID: UUID(uuidString: try row.decode(column: "run_id", as: String.self)) ?? UUID(),
            step: try row.decode(column: "step", as: String.self),
            number: try row.decode(column: "number", as: Int.self),
            agent: try row.decode(column: "agent", as: String.self),
            state: AttemptState(rawValue: try row.decode(column: "state", as: String.self)) ?? .lost,
            startedAt: Columns.date(try row.decode(column: "started_at", as: Int64.self)),
            heartbeatAt: Columns.date(try row.decode(column: "heartbeat_at", as: Int64.self)),
            endedAt: try row.decode(column: "ended_at", as: Int64?.self).map(Columns.date),
            exitCode: try row.decode(column: "exit_code", as: Int64?.self).map { Int32(truncatingIfNeeded: $0) },
            outcome: try row.decode(column: "outcome", as: String.self),
            logSize: try row.decode(column: "log_size", as: Int64.self),
            logCut: try row.decode(column: "log_cut", as: Int64.self))
    }
}
