import Foundation

/// How an agent stands, as the agents page shows it.
public enum AgentState: String, Sendable, CaseIterable, Codable {
    case idle, busy
    /// Silent for more than two heartbeat intervals.
    case lost
    /// An admin stopped giving it work; it still reports.
    case disabled
    /// Its credential no longer works.
    case revoked
}

/// A registered agent: a process on a target host that pulls automated steps and runs them.
public struct Agent: Sendable, Equatable {
    public let id: UUID
    public let name: String
    public var labels: [String: String]
    public var version: String
    public var host: String
    public var registeredAt: Date
    public var lastSeenAt: Date?
    public var disabledAt: Date?
    public var revokedAt: Date?
    /// The attempt it holds, as `run/step#number`.
    public var currentAttempt: String?

    public init(id: UUID = UUID(), name: String, labels: [String: String], version: String, host: String, registeredAt: Date,
                lastSeenAt: Date? = nil, disabledAt: Date? = nil, revokedAt: Date? = nil, currentAttempt: String? = nil) {
        self.id = id
        self.name = name
        self.labels = labels
        self.version = version
        self.host = host
        self.registeredAt = registeredAt
        self.lastSeenAt = lastSeenAt
        self.disabledAt = disabledAt
        self.revokedAt = revokedAt
        self.currentAttempt = currentAttempt
    }

    public func state(at now: Date, heartbeat: TimeInterval) -> AgentState {
        if revokedAt != nil { return .revoked }
        if disabledAt != nil { return .disabled }
        guard let seen = lastSeenAt, now.timeIntervalSince(seen) <= AgentRules.silence(heartbeat) else { return .lost }
        return currentAttempt == nil ? .idle : .busy
    }

    /// What runs show as the actor of its actions.
    public var actor: String { AgentActor.name(name) }
}

/// Agents act in runs and the audit trail under `agent:NAME`.
public enum AgentActor {
    public static func name(_ agent: String) -> String { "agent:\(agent)" }
    public static func isAgent(_ actor: String) -> Bool { actor.hasPrefix("agent:") }
}

extension AgentRules {
    /// An agent (and its attempt) is lost once silent for this long: two heartbeats.
    public static func silence(_ heartbeat: TimeInterval) -> TimeInterval { 2 * heartbeat }
}

/// Where one attempt at an automated step stands.
public enum AttemptState: String, Sendable, CaseIterable, Codable {
    case running, succeeded, failed
    /// Its agent went silent; the attempt's lease is taken back.
    case lost
    /// An operator stopped it; the agent kills its process group.
    case cancelled

    public var isOver: Bool { self != .running }
}

/// One attempt at an automated step, held by one agent under a lease: its `number` is the
/// fencing number, the step's attempts counted from 1; a result for an attempt that is no
/// longer the step's running one is refused.
public struct StepAttempt: Sendable, Equatable {
    public let id: UUID
    public let runID: UUID
    public let step: String
    public let number: Int
    public let agent: String
    public var state: AttemptState
    public let startedAt: Date
    public var heartbeatAt: Date
    public var endedAt: Date?
    public var exitCode: Int32?
    public var outcome: String
    /// Bytes of output received, whatever was cut.
    public var logSize: Int64
    /// Bytes of output not kept (between the head and the tail).
    public var logCut: Int64

    public init(id: UUID = UUID(), runID: UUID, step: String, number: Int, agent: String, state: AttemptState = .running, startedAt: Date,
                heartbeatAt: Date, endedAt: Date? = nil, exitCode: Int32? = nil, outcome: String = "", logSize: Int64 = 0, logCut: Int64 = 0) {
        self.id = id
        self.runID = runID
        self.step = step
        self.number = number
        self.agent = agent
        self.state = state
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.endedAt = endedAt
        self.exitCode = exitCode
        self.outcome = outcome
        self.logSize = logSize
        self.logCut = logCut
    }
}

/// What an agent reports at the end of an attempt.
public enum AttemptResult: Sendable, Equatable {
    /// The process ended with this code (a signal: 128 + its number).
    case exited(Int32)
    /// It ran past its timeout and was killed.
    case timedOut
    /// The HTTP check got its expected answer (true) or not before its deadline.
    case checked(passed: Bool, summary: String)
    /// It could not start (no such program, no such directory).
    case couldNotStart(String)

    /// Whether the step is done, judged against what it expects.
    public func passed(_ step: RunbookStep) -> Bool {
        switch self {
        case .exited(let code): (step.automation?.command?.exitCodes ?? [0]).contains(code)
        case .checked(let passed, _): passed
        case .timedOut, .couldNotStart: false
        }
    }

    /// The run log's words for it.
    public func summary(_ step: RunbookStep) -> String {
        switch self {
        case .exited(let code):
            let expected = step.automation?.command?.exitCodes ?? [0]
            return expected.contains(code) ? "exit code \(code)" : "exit code \(code) (expected \(expected.map(String.init).joined(separator: " or ")))"
        case .timedOut: return "timed out after \(Int(step.automation?.command?.timeout ?? 0)) s: process group killed"
        case .checked(_, let summary): return summary
        case .couldNotStart(let reason): return "could not start: \(reason)"
        }
    }
}

/// The size of a kept log: beyond `cap` bytes an attempt's output keeps its first and last
/// `cap / 2` bytes and says how much was cut between them.
public enum LogCap {
    public static let defaultCap: Int64 = 4 * 1024 * 1024
    /// Bytes of one chunk at most.
    public static let chunk = 256 * 1024
}
