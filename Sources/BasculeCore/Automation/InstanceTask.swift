import Foundation

/// One command of a rolling update's instance (stop, start or read its version) that the
/// update's agent hands, through the server, to the agent on the instance's host
/// (`RollingInstance.runsOn`). The server writes the command from the runbook, so that an
/// agent can only ask another to run what the runbook says.
public struct InstanceTask: Sendable, Equatable {
    public enum Action: String, Sendable, Codable, CaseIterable { case stop, start, version }
    public enum State: String, Sendable, Codable, CaseIterable {
        case waiting, running, succeeded, failed
        /// Its agent went silent while running it.
        case lost
        /// The update's agent gave up on it (past the instance's deadline) or its attempt ended.
        case cancelled

        public var isOver: Bool { self != .waiting && self != .running }
    }

    public let id: UUID
    /// The rolling update's attempt.
    public let attempt: UUID
    public let instance: String
    public let action: Action
    public let version: String
    public let timeout: TimeInterval
    public let target: AgentTarget
    public var state: State
    /// The agent that took it.
    public var agent: String?
    public let createdAt: Date
    public var exitCode: Int32?
    /// Its output as its agent kept it (secrets hidden), at most `outputCap` bytes.
    public var output: String
    public var outcome: String

    public static let outputCap = 64 * 1024

    public init(id: UUID = UUID(), attempt: UUID, instance: String, action: Action, version: String, timeout: TimeInterval, target: AgentTarget,
                state: State = .waiting, agent: String? = nil, createdAt: Date, exitCode: Int32? = nil, output: String = "", outcome: String = "") {
        self.id = id
        self.attempt = attempt
        self.instance = instance
        self.action = action
        self.version = version
        self.timeout = timeout
        self.target = target
        self.state = state
        self.agent = agent
        self.createdAt = createdAt
        self.exitCode = exitCode
        self.output = output
        self.outcome = outcome
    }
}

extension RollingUpdateSpec {
    /// The shell script of `action` for `instance`.
    public func script(_ action: InstanceTask.Action) -> String {
        switch action {
        case .stop: stop
        case .start: start
        case .version: versionCommand
        }
    }
}
