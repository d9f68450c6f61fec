import Foundation

public enum RunKind: String, Sendable, CaseIterable, Codable { case rehearsal, live }
public enum RunStatus: String, Sendable, CaseIterable, Codable {
    case running, finished
    /// A go/no-go decision said no: the cutover stopped before the point of no return.
    case aborted
    case rolledBack

    public var isOver: Bool { self != .running }
}
public enum GoNoGo: String, Sendable, CaseIterable, Codable { case go, noGo }
public enum RunSegment: String, Sendable, Codable { case main, rollback }

/// What an operator asks of a run.
public enum RunCommand: Sendable, Equatable {
    case start(String)
    /// `downtime`: the interruption an automated step measured (a rolling update's probe).
    case complete(String, note: String = "", downtime: TimeInterval? = nil)
    case fail(String, comment: String, downtime: TimeInterval? = nil)
    case skip(String, comment: String)
    case note(String?, text: String)
    case decide(String, GoNoGo, reason: String)
    case rollback(reason: String)
    /// A failed step tried again: a new attempt, from now.
    case retry(String, comment: String = "")
    /// The run stops here, nothing more done nor undone; a live run leaves its release failed.
    case abort(reason: String)
    /// The agent running the step went silent (said by the server, never by a person).
    case lose(String, reason: String)
}

extension RunCommand {
    /// Go/no-go and roll back: in the live run only the roles that answer for the release make them.
    public var isCutoverCall: Bool {
        switch self {
        case .decide, .rollback, .abort: true
        default: false
        }
    }

    /// A command as forms and the API name it: `start`, `complete`, `fail`, `skip`, `note`,
    /// `decide` (with `go` or `noGo`), `rollback`; `comment` is the note, the reason or the why.
    public init(action: String, step: String?, comment: String, decision: String?) throws(CoreError) {
        func key() throws(CoreError) -> String {
            guard let step, !step.isEmpty else { throw .invalid([FieldError("step", "is required for \(action)")]) }
            return step
        }
        switch action {
        case "start": self = .start(try key())
        case "complete": self = .complete(try key(), note: comment)
        case "fail": self = .fail(try key(), comment: comment)
        case "skip": self = .skip(try key(), comment: comment)
        case "note": self = .note(step?.isEmpty == false ? step : nil, text: comment)
        case "decide":
            guard let value = decision.flatMap(GoNoGo.init(rawValue:)) else { throw .invalid([FieldError("decision", "is required: go or noGo")]) }
            self = .decide(try key(), value, reason: comment)
        case "rollback": self = .rollback(reason: comment)
        case "retry": self = .retry(try key(), comment: comment)
        case "abort": self = .abort(reason: comment)
        default: throw .invalid([FieldError("action", "must be start, complete, fail, skip, note, decide, rollback, retry or abort")])
        }
    }
}

/// One line of the run log: every action timestamped and attributed.
public struct RunAction: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case start, complete, fail, skip, note, decide, rollback, finish, retry, abort, lose }
    public let sequence: Int
    public let kind: Kind
    public let step: String?
    public let actor: String
    public let at: Date
    public let text: String
    public let decision: GoNoGo?

    public init(sequence: Int, kind: Kind, step: String?, actor: String, at: Date, text: String, decision: GoNoGo?) {
        self.sequence = sequence
        self.kind = kind
        self.step = step
        self.actor = actor
        self.at = at
        self.text = text
        self.decision = decision
    }
}

/// A step as the run holds it: the runbook's step, where it stands, and which segment.
public struct RunStep: Sendable, Equatable, Codable {
    public var step: RunbookStep
    public var progress: StepProgress
    public var segment: RunSegment

    public init(step: RunbookStep, progress: StepProgress, segment: RunSegment) {
        self.step = step
        self.progress = progress
        self.segment = segment
    }
}

/// A rehearsal or the live cutover of a release's runbook. Holds the rules of execution; the
/// service stores it and moves the release.
public struct Run: Sendable, Equatable {
    public let id: UUID
    public let releaseKey: ReleaseKey
    public let kind: RunKind
    public var status: RunStatus
    public var steps: [RunStep]
    public var log: [RunAction]
    public let createdAt: Date
    public var revision: Int

    /// Rollback-phase steps wait in the runbook until a rollback calls them.
    public init(id: UUID = UUID(), releaseKey: ReleaseKey, kind: RunKind, runbook: Runbook, at: Date) {
        self.id = id
        self.releaseKey = releaseKey
        self.kind = kind
        self.status = .running
        self.steps = runbook.mainSteps.map { RunStep(step: $0, progress: StepProgress(), segment: .main) }
        self.log = []
        self.createdAt = at
        self.revision = 1
        self.rollbackSteps = runbook.steps.filter { $0.phase == .rollback }
    }

    /// The runbook's rollback steps, kept for a rollback.
    public let rollbackSteps: [RunbookStep]

    /// A run as stored.
    public init(id: UUID, releaseKey: ReleaseKey, kind: RunKind, status: RunStatus, steps: [RunStep], rollbackSteps: [RunbookStep],
                log: [RunAction], createdAt: Date, revision: Int) {
        self.id = id
        self.releaseKey = releaseKey
        self.kind = kind
        self.status = status
        self.steps = steps
        self.rollbackSteps = rollbackSteps
        self.log = log
        self.createdAt = createdAt
        self.revision = revision
    }

    /// When the first step started and the last ended; nil until then.
    public var startedAt: Date? { steps.compactMap(\.progress.startedAt).min() }
    public var endedAt: Date? { status.isOver ? log.last?.at : nil }

    /// The forecast of this run, with the rehearsal durations of `history`.
    /// Fewer draws for long runs (`Forecaster.affordableDraws`), so that reading a run stays
    /// fast whatever its length; the forecast says how many it made.
    /// A live run starts from what the installation's past cutovers teach (`installation`, for
    /// a release tagged `tags`); a rehearsal is compared with the other rehearsals only.
    public func forecast(plannedStart: Date, rehearsals: RehearsalHistory, installation: InstallationHistory = .empty,
                         tags: [String] = [], now: Date, draws: Int = 1000) -> Forecast {
        let learning = kind == .live ? installation : .empty
        let forecaster = Forecaster(steps: steps.map(\.step), rehearsals: rehearsals, prior: learning.prior(for: tags), rerunRate: learning.rerunRate,
                                    recalibration: learning.recalibration)
        return forecaster.forecast(start: startedAt ?? plannedStart, progress: steps.map(\.progress), now: now,
                                   draws: Forecaster.affordableDraws(draws, steps: steps.count))
    }

    /// Where a live run takes its release, in order: in progress at its first action, then
    /// deployed, rolled back, or failed when the go/no-go said no. Rehearsals move nothing.
    public func releaseMoves(wasStarted: Bool, from status: ReleaseStatus) -> [ReleaseStatus] {
        guard kind == .live else { return [] }
        var targets: [ReleaseStatus] = []
        if !wasStarted, status == .ready { targets.append(.inProgress) }
        switch self.status {
        case .finished: targets.append(.deployed)
        case .rolledBack: targets.append(.rolledBack)
        case .aborted: targets.append(.failed)
        case .running: break
        }
        return targets.filter { $0 != status }
    }

    /// Each main step's actual duration in this run, for later forecasts.
    public var actualDurations: [String: TimeInterval] {
        var result: [String: TimeInterval] = [:]
        for step in steps where step.segment == .main && step.progress.state == .done {
            if let start = step.progress.startedAt, let end = step.progress.endedAt { result[step.step.key] = end.timeIntervalSince(start) }
        }
        return result
    }

    public var hasStarted: Bool { steps.contains { $0.progress.state != .pending } }

    /// Applies a command. Refused (`notAllowed`, a 409) when the run is over, a step's
    /// predecessors are not done, a step is completed twice, and so on.
    @discardableResult
    public mutating func apply(_ command: RunCommand, by actor: String, at now: Date) throws(CoreError) -> RunAction {
        guard !status.isOver else { throw .notAllowed("the run is \(status.rawValue): nothing more can be done in it") }
        let action: RunAction
        switch command {
        case .start(let key):
            let index = try position(of: key)
            guard steps[index].progress.state == .pending else { throw .notAllowed("\(key) is \(steps[index].progress.state.rawValue), not waiting to start") }
            let waiting = waitingFor(index)
            guard waiting.isEmpty else { throw .notAllowed("\(key) waits for \(waiting.joined(separator: ", ")) to be done or skipped") }
            steps[index].progress = StepProgress(state: .running, startedAt: now)
            action = record(.start, key, actor, now, "")
        case .complete(let key, let note, let downtime):
            let index = try position(of: key)
            if steps[index].step.kind == .goNoGo { throw .notAllowed("\(key) is a go/no-go step: record the decision, who took it and why") }
            try requireRunning(index, orLost: true)
            steps[index].progress.state = .done
            steps[index].progress.endedAt = now
            steps[index].progress.measuredDowntime = downtime
            let step = steps[index].step
            let byHand = step.kind.isAutomated && !AgentActor.isAgent(actor)
                ? (step.automation == nil ? "completed by hand (the step names no automation)" : "completed by hand") : ""
            action = record(.complete, key, actor, now, [byHand, note].filter { !$0.isEmpty }.joined(separator: "; "))
        case .fail(let key, let comment, let downtime):
            let index = try position(of: key)
            try requireText(comment, "a failure needs a comment saying what went wrong")
            try requireRunning(index, orLost: true)
            steps[index].progress.state = .failed
            steps[index].progress.endedAt = now
            steps[index].progress.measuredDowntime = downtime
            action = record(.fail, key, actor, now, comment)
        case .skip(let key, let comment):
            let index = try position(of: key)
            try requireText(comment, "skipping a step needs a comment saying why")
            let state = steps[index].progress.state
            guard state == .pending || state == .failed else { throw .notAllowed("\(key) is \(state.rawValue): only a waiting or failed step can be skipped") }
            steps[index].progress.state = .skipped
            steps[index].progress.endedAt = now
            action = record(.skip, key, actor, now, comment)
        case .note(let key, let text):
            if let key { _ = try position(of: key) }
            try requireText(text, "a note needs text")
            action = record(.note, key, actor, now, text)
        case .decide(let key, let decision, let reason):
            let index = try position(of: key)
            guard steps[index].step.kind == .goNoGo else { throw .notAllowed("\(key) is not a go/no-go step") }
            try requireText(reason, "a go/no-go decision needs its reason")
            try requireRunning(index)
            steps[index].progress.state = .done
            steps[index].progress.endedAt = now
            action = RunAction(sequence: log.count + 1, kind: .decide, step: key, actor: actor, at: now, text: reason, decision: decision)
            log.append(action)
            if decision == .noGo {
                status = .aborted
                log.append(RunAction(sequence: log.count + 1, kind: .finish, step: nil, actor: actor, at: now, text: "no-go: the cutover stops here", decision: nil))
            }
        case .rollback(let reason):
            try requireText(reason, "a rollback needs its reason")
            action = try startRollback(reason, actor, now)
        case .retry(let key, let comment):
            let index = try position(of: key)
            guard steps[index].progress.state == .failed || steps[index].progress.state == .lost else {
                throw .notAllowed("\(key) is \(steps[index].progress.state.rawValue): only a failed or lost step can be tried again")
            }
            let attempt = log.filter { ($0.kind == .fail || $0.kind == .lose) && $0.step == key }.count + 1
            steps[index].progress = StepProgress(state: .running, startedAt: now)
            action = record(.retry, key, actor, now, ["attempt \(attempt)", comment].filter { !$0.isEmpty }.joined(separator: "; "))
        case .lose(let key, let reason):
            let index = try position(of: key)
            try requireRunning(index)
            steps[index].progress.state = .lost
            action = record(.lose, key, actor, now, reason)
        case .abort(let reason):
            try requireText(reason, "aborting a run needs its reason")
            action = record(.abort, nil, actor, now, reason)
            status = .aborted
        }
        finishIfDone(actor, now)
        revision += 1
        return action
    }

    /// Steps `index` waits for: its predecessors not yet done or skipped.
    public func waitingFor(_ index: Int) -> [String] {
        let predecessors = steps[index].step.predecessors
        // A few predecessors are looked up in place: a table of every step's state would be
        // built on each start of a run of a thousand steps.
        guard predecessors.count > 4 else {
            return predecessors.filter { key in
                steps.firstIndex { $0.step.key == key }.map { !steps[$0].progress.state.isSettled } ?? false
            }
        }
        return waiting(for: steps[index], in: settledStates())
    }

    /// What every step waits for, in the order of `steps`: one pass, where asking step by step
    /// would cost the square of the run's length.
    public var waitingLists: [[String]] {
        let states = settledStates()
        return steps.map { waiting(for: $0, in: states) }
    }

    private func settledStates() -> [String: Bool] {
        Dictionary(steps.map { ($0.step.key, $0.progress.state.isSettled) }, uniquingKeysWith: { first, _ in first })
    }

    private func waiting(for step: RunStep, in settled: [String: Bool]) -> [String] {
        step.step.predecessors.filter { settled[$0] == false }
    }

    /// The undo steps of the completed steps, latest first, as a chain after what is done.
    private mutating func startRollback(_ reason: String, _ actor: String, _ now: Date) throws(CoreError) -> RunAction {
        guard !steps.contains(where: { $0.segment == .rollback }) else { throw .notAllowed("the run is already rolling back") }
        if let running = steps.first(where: { $0.progress.state == .running || $0.progress.state == .lost }) {
            throw .notAllowed("\(running.step.key) is \(running.progress.state.rawValue): complete or fail it before rolling back")
        }
        let graph = RunbookGraph(steps.map(\.step))
        let done = graph.order.reversed().map(Int.init).filter { steps[$0].progress.state == .done }
        let undo = Dictionary(rollbackSteps.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var chain: [RunbookStep] = [], used: Set<String> = []
        for index in done {
            guard let key = steps[index].step.undoneBy, let step = undo[key], used.insert(key).inserted else { continue }
            var copy = step
            copy.predecessors = chain.last.map { [$0.key] } ?? []
            chain.append(copy)
        }
        for index in steps.indices where steps[index].progress.state == .pending {
            steps[index].progress.state = .skipped
            steps[index].progress.endedAt = now
        }
        steps += chain.map { RunStep(step: $0, progress: StepProgress(), segment: .rollback) }
        let list = chain.map(\.key).joined(separator: ", ")
        let action = record(.rollback, nil, actor, now, chain.isEmpty ? "\(reason) (nothing to undo)" : "\(reason); undo steps: \(list)")
        if chain.isEmpty { status = .rolledBack }
        return action
    }

    private mutating func finishIfDone(_ actor: String, _ now: Date) {
        guard status == .running else { return }
        let rollingBack = steps.contains { $0.segment == .rollback }
        // Looked at in place, not copied: this runs on every action of runs of a thousand steps.
        let segment: RunSegment = rollingBack ? .rollback : .main
        var relevant = false
        for index in steps.indices where steps[index].segment == segment {
            guard steps[index].progress.state.isSettled else { return }
            relevant = true
        }
        guard relevant else { return }
        status = rollingBack ? .rolledBack : .finished
        log.append(RunAction(sequence: log.count + 1, kind: .finish, step: nil, actor: actor, at: now,
                             text: rollingBack ? "rolled back" : "every step done or skipped", decision: nil))
    }

    private func position(of key: String) throws(CoreError) -> Int {
        guard let index = steps.firstIndex(where: { $0.step.key == key }) else { throw .invalid([FieldError("step", "no step \(key) in this run")]) }
        return index
    }

    private func requireRunning(_ index: Int, orLost: Bool = false) throws(CoreError) {
        let state = steps[index].progress.state
        guard state == .running || (orLost && state == .lost) else {
            let key = steps[index].step.key
            throw .notAllowed(state == .pending ? "\(key) has not been started" : "\(key) is already \(state.rawValue)")
        }
    }

    private func requireText(_ text: String, _ message: String) throws(CoreError) {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .invalid([FieldError("comment", message)]) }
    }

    private mutating func record(_ kind: RunAction.Kind, _ step: String?, _ actor: String, _ at: Date, _ text: String) -> RunAction {
        let action = RunAction(sequence: log.count + 1, kind: kind, step: step, actor: actor, at: at, text: text, decision: nil)
        log.append(action)
        return action
    }
}
