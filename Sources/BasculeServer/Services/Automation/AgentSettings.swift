import BasculeCore
import Foundation

/// The agent protocol's timings and limits, from the configuration.
public struct AgentSettings: Sendable {
    /// Seconds between an agent's heartbeats; silent for two of them, it is lost.
    public var heartbeat: TimeInterval
    /// The longest a poll waits for work before answering 204.
    public var pollWait: TimeInterval
    /// Bytes of an attempt's output kept (its head and tail halves beyond it).
    public var logCap: Int64
    /// How long a registration token may wait to be used.
    public var registrationLifetime: TimeInterval

    public init(heartbeat: TimeInterval = 2, pollWait: TimeInterval = 20, logCap: Int64 = LogCap.defaultCap, registrationLifetime: TimeInterval = 86_400) {
        self.heartbeat = heartbeat
        self.pollWait = pollWait
        self.logCap = logCap
        self.registrationLifetime = registrationLifetime
    }
}

/// A step handed to an agent: what to run, under which attempt.
public struct Assignment: Sendable, Equatable {
    public let attempt: StepAttempt
    public let release: String
    public let runKind: RunKind
    public let title: String
    public let kind: StepKind
    public let command: CommandSpec?
    public let httpCheck: HTTPCheckSpec?
    public let rollingUpdate: RollingUpdateSpec?
    /// The secrets' values used by the step: the agent hides them in the output it sends.
    public let redactions: [String: String]
    /// Set when the work is an instance task of the rolling update `attempt` runs, not the step.
    public var task: InstanceTask? = nil
}
