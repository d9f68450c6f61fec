import BasculeCore
import Foundation

/// The bodies of the agent protocol (`/api/v1/agent/…`, docs/AGENTS.md), shared by the
/// server's routes and `bascule agent`. Outside the OpenAPI document: the protocol carries raw
/// output bytes and long polls, and only agents speak it.
public enum AgentWire {
    public struct Registration: Codable, Sendable {
        public var token: String
        public var name: String
        public var labels: [String: String]
        public var version: String
        public var host: String

        public init(token: String, name: String, labels: [String: String], version: String, host: String) {
            self.token = token
            self.name = name
            self.labels = labels
            self.version = version
            self.host = host
        }
    }

    public struct Registered: Codable, Sendable {
        public var name: String
        public var credential: String
        public var heartbeatSeconds: Double
    }

    public struct Command: Codable, Sendable, Equatable {
        public var argv: [String]
        public var workingDirectory: String?
        public var environment: [String: String]
        public var timeoutSeconds: Double
        public var exitCodes: [Int32]

        public init(argv: [String], workingDirectory: String?, environment: [String: String], timeoutSeconds: Double, exitCodes: [Int32]) {
            self.argv = argv
            self.workingDirectory = workingDirectory
            self.environment = environment
            self.timeoutSeconds = timeoutSeconds
            self.exitCodes = exitCodes
        }
    }

    public struct HTTPCheck: Codable, Sendable, Equatable {
        public var method: String
        public var url: String
        public var headers: [String: String]
        public var expectedStatus: [Int]
        public var bodyContains: String?
        public var bodyMatches: String?
        public var retries: Int
        public var intervalSeconds: Double
        public var deadlineSeconds: Double
    }

    public struct Work: Codable, Sendable {
        public var attempt: UUID
        public var number: Int
        public var run: UUID
        public var release: String
        public var runKind: String
        public var step: String
        public var title: String
        public var command: Command?
        public var httpCheck: HTTPCheck?
        public var rollingUpdate: RollingUpdateSpec?
        /// Set when this is an instance task: `command` is the instance's, the rest says whose update it serves.
        public var task: TaskWork?
        public var heartbeatSeconds: Double
        public var logCapBytes: Int64
        /// Secrets' values the step uses, by name: the agent writes `[secret NAME]` in their place
        /// in the output it sends.
        public var redact: [String: String]
    }

    public struct Heartbeat: Codable, Sendable {
        public var attempt: UUID?
        /// The instance task the agent runs, when it runs one rather than a step.
        public var task: UUID?

        public init(attempt: UUID?, task: UUID? = nil) {
            self.attempt = attempt
            self.task = task
        }
    }

    /// An instance's command to run for a rolling update another agent runs.
    public struct TaskWork: Codable, Sendable {
        public var id: UUID
        public var instance: String
        public var action: String
    }

    /// What the update's agent asks another agent to run (`POST attempts/{id}/tasks`).
    public struct TaskRequest: Codable, Sendable {
        public var instance: String
        public var action: String
        public var version: String
        public var timeoutSeconds: Double

        public init(instance: String, action: String, version: String, timeoutSeconds: Double) {
            self.instance = instance
            self.action = action
            self.version = version
            self.timeoutSeconds = timeoutSeconds
        }
    }

    /// An instance task as it stands.
    public struct TaskView: Codable, Sendable {
        public var id: UUID
        public var state: String
        public var agent: String?
        public var exitCode: Int32?
        public var output: String
        public var outcome: String
    }

    /// How an instance task ended on its agent: `exited`, `timedOut` or `couldNotStart`.
    public struct TaskResult: Codable, Sendable {
        public var outcome: String
        public var exitCode: Int32?
        public var summary: String?
        public var output: String

        public init(outcome: String, exitCode: Int32?, summary: String?, output: String) {
            self.outcome = outcome
            self.exitCode = exitCode
            self.summary = summary
            self.output = output
        }
    }

    /// What an agent says of itself at each start: labels given then replace the old ones.
    public struct Description: Codable, Sendable {
        public var labels: [String: String]
        public var version: String
        public var host: String

        public init(labels: [String: String], version: String, host: String) {
            self.labels = labels
            self.version = version
            self.host = host
        }
    }

    public struct HeartbeatAnswer: Codable, Sendable {
        /// The attempt's state; `cancelled` or `lost`: stop it.
        public var attemptState: String?
        public var stop: Bool
        /// An operator asked for the rolling update the attempt runs to be rolled back.
        public var rollBack: Bool?
        public var rollBackReason: String?
    }

    public struct LogAnswer: Codable, Sendable {
        public var end: Int64
    }

    public struct Result: Codable, Sendable {
        /// `exited`, `timedOut`, `checked` or `couldNotStart`.
        public var outcome: String
        public var exitCode: Int32?
        public var passed: Bool?
        public var summary: String?
        public var logSize: Int64
        /// The agent takes its next step in the answer, saving a poll; an agent stopping says false.
        public var takeNext: Bool?
        /// Seconds of interruption a rolling update's probe measured: the step's measured downtime.
        public var interruption: Double?

        public init(outcome: String, exitCode: Int32? = nil, passed: Bool? = nil, summary: String? = nil, logSize: Int64, takeNext: Bool? = nil,
                    interruption: Double? = nil) {
            self.interruption = interruption
            self.outcome = outcome
            self.exitCode = exitCode
            self.passed = passed
            self.summary = summary
            self.logSize = logSize
            self.takeNext = takeNext
        }
    }

    public struct ResultAnswer: Codable, Sendable {
        public var state: String
        public var outcome: String
        /// The agent's next step when it asked for one (`takeNext`) and one was ready.
        public var next: Work?
    }
}

extension AgentWire.Work {
    init(_ assignment: Assignment, settings: AgentSettings) {
        attempt = assignment.attempt.id
        number = assignment.attempt.number
        run = assignment.attempt.runID
        release = assignment.release
        runKind = assignment.runKind.rawValue
        step = assignment.attempt.step
        title = assignment.title
        command = assignment.command.map {
            AgentWire.Command(argv: $0.argv, workingDirectory: $0.workingDirectory, environment: $0.environment, timeoutSeconds: $0.timeout, exitCodes: $0.exitCodes)
        }
        httpCheck = assignment.httpCheck.map {
            AgentWire.HTTPCheck(method: $0.method, url: $0.url, headers: $0.headers, expectedStatus: $0.expectedStatus, bodyContains: $0.bodyContains,
                                bodyMatches: $0.bodyMatches, retries: $0.retries, intervalSeconds: $0.interval, deadlineSeconds: $0.deadline)
        }
        rollingUpdate = assignment.rollingUpdate
        task = assignment.task.map { AgentWire.TaskWork(id: $0.id, instance: $0.instance, action: $0.action.rawValue) }
        heartbeatSeconds = settings.heartbeat
        logCapBytes = settings.logCap
        redact = assignment.redactions
    }
}

extension AgentWire.Result {
    /// The result as Core judges it; a 400 for an outcome it does not know.
    func attemptResult() throws -> AttemptResult {
        switch outcome {
        case "exited":
            guard let exitCode else { throw ServiceError.badRequest([FieldError("exitCode", "is required when the outcome is exited")]) }
            return .exited(exitCode)
        case "timedOut": return .timedOut
        case "checked":
            guard let passed else { throw ServiceError.badRequest([FieldError("passed", "is required when the outcome is checked")]) }
            return .checked(passed: passed, summary: String((summary ?? (passed ? "check passed" : "check failed")).prefix(500)))
        case "couldNotStart": return .couldNotStart(String((summary ?? "unknown reason").prefix(500)))
        default: throw ServiceError.badRequest([FieldError("outcome", "must be exited, timedOut, checked or couldNotStart")])
        }
    }
}

extension AgentWire.TaskView {
    init(_ task: InstanceTask) {
        self.init(id: task.id, state: task.state.rawValue, agent: task.agent, exitCode: task.exitCode, output: task.output, outcome: task.outcome)
    }
}
