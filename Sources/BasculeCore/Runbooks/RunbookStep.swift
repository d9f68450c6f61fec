import Foundation

public enum StepPhase: String, Sendable, CaseIterable, Codable {
    case preparation, cutover, verification, observation, rollback
}

public enum StepKind: String, Sendable, CaseIterable, Codable {
    case manual, command, httpCheck, checkpoint, goNoGo, backup, communication, wait, rollingUpdate

    /// Kinds an agent executes when the step says how (`RunbookStep.automation`); without it
    /// an operator completes them by hand.
    public var isAutomated: Bool { self == .command || self == .httpCheck || self == .rollingUpdate }
}

/// One step of a cutover runbook. `predecessors` make the runbook a DAG; `undoneBy` names the
/// rollback step that reverses this one.
public struct RunbookStep: Sendable, Equatable, Codable {
    public var key: String
    public var title: String
    /// Markdown.
    public var instructions: String
    /// A username or a team name.
    public var owner: String?
    public var phase: StepPhase
    /// Seconds.
    public var plannedDuration: TimeInterval
    public var predecessors: [String]
    /// A step that may not start before this instant (the DNS switch at 02:00 sharp).
    public var fixedStart: Date?
    public var kind: StepKind
    /// The service is down while this step runs.
    public var downtime: Bool
    public var undoneBy: String?
    /// How an agent carries out a `command` or `httpCheck` step; nil: by hand.
    public var automation: StepAutomation?

    public init(key: String, title: String, instructions: String = "", owner: String? = nil, phase: StepPhase = .cutover,
                plannedDuration: TimeInterval, predecessors: [String] = [], fixedStart: Date? = nil, kind: StepKind = .manual,
                downtime: Bool = false, undoneBy: String? = nil, automation: StepAutomation? = nil) {
        self.key = key
        self.title = title
        self.instructions = instructions
        self.owner = owner
        self.phase = phase
        self.plannedDuration = plannedDuration
        self.predecessors = predecessors
        self.fixedStart = fixedStart
        self.kind = kind
        self.downtime = downtime
        self.undoneBy = undoneBy
        self.automation = automation
    }

    /// An agent starts it as soon as its predecessors are done.
    public var startsByItself: Bool { automation.map { !$0.manualStart } ?? false }
}

public enum RunbookLimits {
    /// What the server reads, runs and answers within a second (Benchmarks/run, docs/BENCHMARKS.md).
    public static let steps = 10_000
    public static let key = 40
    public static let title = 200
    public static let instructions = 20_000
    public static let longestStep: TimeInterval = 7 * 86_400
}
