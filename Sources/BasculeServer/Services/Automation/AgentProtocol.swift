import BasculeCore
import BasculeStore
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// The agent's side: pull work, stay alive, send output, report the end.
extension AgentService {
    /// Waits up to `settings.pollWait` for a step this agent may run and starts it; nil when
    /// none came. Woken at once when any run moves.
    /// An agent asks for work only when it runs nothing: an attempt it still holds was never
    /// received (the answer lost on the way) or its process went with the agent (killed and
    /// restarted). Either way it is lost, its step `lost` for an operator to settle or retry,
    /// never given again on its own: an attempt runs at most once.
    public func poll(_ agent: Agent, wait: TimeInterval? = nil) async throws -> Assignment? {
        let deadline = now().addingTimeInterval(min(wait ?? settings.pollWait, settings.pollWait))
        if agent.currentAttempt != nil {
            for attempt in try await store.withConnection({ try await AttemptRepository($0).held(by: agent.id) }) {
                try? await lose(attempt, reason: "agent \(agent.name) asked for work while holding attempt \(attempt.number): it was restarted or never received the step")
            }
        }
        while true {
            let rung = runs.dispatch.rings
            try await seen(agent)
            if let assignment = try await claim(for: agent) { return assignment }
            let left = deadline.timeIntervalSince(now())
            guard left > 0, !Task.isCancelled else { return nil }
            await runs.dispatch.wait(after: rung, timeout: min(left, settings.heartbeat))
        }
    }

    /// The agent is alive, and so is what it runs; the answer says whether to stop the attempt
    /// (an operator cancelled it, or settled its step by hand).
    public func heartbeat(_ agent: Agent, attempt id: UUID?) async throws -> AttemptState? {
        try await seen(agent)
        guard let id else { return nil }
        let state = try await store.transaction { try await AttemptRepository($0).heartbeat(id, agentID: agent.id, at: now()) }
        guard state == .running else { return state }
        // The step was settled by someone else (cancelled: failed by hand, skipped, rolled back).
        guard let attempt = try await store.withConnection({ try await AttemptRepository($0).find(id) }) else { return nil }
        let run = try await runs.snapshot(attempt.runID)
        let step = run.steps.first { $0.step.key == attempt.step }
        guard run.status.isOver || step?.progress.state != .running else { return .running }
        let ended = try await store.transaction { db in
            try await AttemptRepository(db).end(id, state: .cancelled, exitCode: nil, outcome: "cancelled: the step is \(step?.progress.state.rawValue ?? "gone")", at: now())
        }
        return ended ? .cancelled : try await store.withConnection { try await AttemptRepository($0).find(id)?.state }
    }

    /// Stores a chunk of output at its offset (`LogAppend`).
    public func appendLog(_ agent: Agent, attempt id: UUID, offset: Int64, stream: String, data: Data) async throws -> LogAppend {
        guard offset >= 0 else { throw ServiceError.badRequest([FieldError("offset", "must not be negative")]) }
        guard data.count <= LogCap.chunk else { throw ServiceError.badRequest([FieldError("body", "a chunk holds at most \(LogCap.chunk) bytes")]) }
        guard ["stdout", "stderr", "check"].contains(stream) else { throw ServiceError.badRequest([FieldError("stream", "must be stdout, stderr or check")]) }
        let cap = settings.logCap
        return try await store.transaction { db in
            try await AttemptRepository(db).append(id, agentID: agent.id, offset: offset, stream: stream, data: data, cap: cap)
        }
    }

    /// Ends the attempt with its result and moves its step: done when it passed, failed
    /// otherwise. Refused (409) when the agent no longer holds the attempt (it was lost or
    /// cancelled) or the log is not whole yet; the same result sent again is answered as
    /// stored, so that an agent that lost the answer can ask again.
    /// `interruption`: what a rolling update's probe measured, kept as the step's downtime.
    public func finish(_ agent: Agent, attempt id: UUID, result: AttemptResult, logSize: Int64, interruption: Double? = nil) async throws -> StepAttempt {
        if let interruption, !(interruption.isFinite && interruption >= 0 && interruption < 7 * 86_400) {
            throw ServiceError.badRequest([FieldError("interruption", "must be a number of seconds from 0 to 7 days")])
        }
        guard let attempt = try await store.withConnection({ try await AttemptRepository($0).find(id) }) else {
            throw ServiceError.notFound("attempt \(id.uuidString.lowercased())")
        }
        guard attempt.agent == agent.name else {
            throw ServiceError.conflict("attempt \(attempt.number) of \(attempt.step) is held by agent \(attempt.agent), not \(agent.name)")
        }
        let code: Int32? = if case .exited(let value) = result { value } else { nil }
        if attempt.state != .running {
            if (attempt.state == .succeeded || attempt.state == .failed) && attempt.exitCode == code { return attempt }
            try await asAgent(agent) {
                try await store.transaction { db in
                    try await AuditLog.record(.attemptRefused, target: "run:\(attempt.runID.uuidString.lowercased())",
                                              summary: "\(attempt.step) attempt \(attempt.number): result refused, the attempt is \(attempt.state.rawValue)", at: now(), in: db)
                }
            }
            throw ServiceError.conflict("attempt \(attempt.number) of \(attempt.step) is \(attempt.state.rawValue): its lease was taken back and the result is refused")
        }
        guard logSize == attempt.logSize else {
            throw ServiceError.conflict("the log holds \(attempt.logSize) bytes, not \(logSize): send the output from offset \(attempt.logSize) before the result")
        }
        // What the agent says in its own words may hold a secret's value: hidden before it is stored.
        let hidden = try await secretsOfStep(attempt)
        // The attempt as its end was written, so that the answer needs no read.
        let written = NIOLockedValueBox<StepAttempt?>(nil)
        let outcome = try await asAgent(agent) {
            try await runs.act(on: attempt.runID) { run in
                guard let step = run.steps.first(where: { $0.step.key == attempt.step })?.step else { return nil }
                let passed = result.passed(step)
                let summary = SecretReference.redact("attempt \(attempt.number) on \(agent.name): \(result.summary(step))", hidden)
                return passed ? .complete(attempt.step, note: summary, downtime: interruption) : .fail(attempt.step, comment: summary, downtime: interruption)
            } also: { db, run, action in
                let passed = action.kind == .complete
                let at = now()
                guard try await AttemptRepository(db).end(id, state: passed ? .succeeded : .failed, exitCode: code, outcome: action.text, at: at) else {
                    throw ServiceError.conflict("attempt \(attempt.number) of \(attempt.step) ended meanwhile")
                }
                var ended = attempt
                (ended.state, ended.exitCode, ended.outcome, ended.endedAt) = (passed ? .succeeded : .failed, code, action.text, at)
                written.withLockedValue { $0 = ended }
                return [AuditLog.entry(.attemptEnd, target: run.releaseKey.description,
                                          summary: "\(attempt.step) attempt \(attempt.number): \(action.text)", at: now())]
            }
        }
        try? await cancelTasks(of: id, reason: "the rolling update's attempt ended")
        if outcome == nil {
            // The step is no longer running (settled by hand): the attempt ends without moving it.
            _ = try await store.transaction { try await AttemptRepository($0).end(id, state: .cancelled, exitCode: code, outcome: "step settled meanwhile", at: now()) }
        } else if let ended = written.withLockedValue({ $0 }) {
            return ended
        }
        return try await store.withConnection { try await AttemptRepository($0).find(id) } ?? attempt
    }

    /// Takes back the attempts whose agent went silent for two heartbeats: each attempt lost,
    /// its step `lost` in its run, never started again on its own. Safe on every replica at
    /// once: an attempt ends once.
    public func sweepLost() async throws {
        let silence = AgentRules.silence(settings.heartbeat)
        let silent = try await store.withConnection { try await AttemptRepository($0).silent(before: now().addingTimeInterval(-silence)) }
        for attempt in silent {
            try? await lose(attempt, reason: "agent \(attempt.agent) silent for more than \(Int(silence)) s during attempt \(attempt.number)")
        }
        try await sweepLostTasks()
    }

    /// Ends the attempt as lost and its step `lost` in its run, by the system; nothing when it
    /// ended meanwhile.
    private func lose(_ attempt: StepAttempt, reason: String) async throws {
        let moved = try await RequestOrigin.$current.withValue(.system) {
            try await runs.act(on: attempt.runID) { run in
                run.steps.first(where: { $0.step.key == attempt.step })?.progress.state == .running ? .lose(attempt.step, reason: reason) : nil
            } also: { db, run, _ in
                guard try await AttemptRepository(db).end(attempt.id, state: .lost, exitCode: nil, outcome: reason, at: now()) else {
                    throw ServiceError.conflict("attempt ended meanwhile")
                }
                return [AuditLog.entry(.attemptEnd, target: run.releaseKey.description,
                                       summary: "\(attempt.step) attempt \(attempt.number): lost (\(reason))", at: now())]
            }
        }
        if moved == nil {
            // Its step was settled by hand meanwhile: the attempt ends without moving it.
            _ = try await store.transaction { try await AttemptRepository($0).end(attempt.id, state: .lost, exitCode: nil, outcome: reason, at: now()) }
        }
        try? await cancelTasks(of: attempt.id, reason: "the rolling update's attempt was lost")
    }

    // MARK: - Steps

    /// The values of the secrets the attempt's step uses, to hide them.
    private func secretsOfStep(_ attempt: StepAttempt) async throws -> [String: String] {
        let run = try await runs.snapshot(attempt.runID)
        guard let names = run.steps.first(where: { $0.step.key == attempt.step })?.step.automation?.secretNames, !names.isEmpty else { return [:] }
        return (try? await secrets.values(names)) ?? [:]
    }

    /// Written at most every quarter heartbeat per agent: a long poll woken by every move of a
    /// busy run would otherwise write twice per wake-up for nothing (lost means silent for two).
    private func seen(_ agent: Agent) async throws {
        guard sightings.due(agent.id, at: now(), every: settings.heartbeat / 4) else { return }
        try await store.transaction { db in try await AgentRepository(db).seen(agent.id, at: now()) }
    }

    private func asAgent<R>(_ agent: Agent, _ body: () async throws -> R) async throws -> R {
        let origin = RequestOrigin.current
        return try await RequestOrigin.$current.withValue(RequestOrigin(principal: .agent(agent.name), requestID: origin.requestID,
                                                                        clientAddress: origin.clientAddress), operation: body)
    }

    /// The first step this agent may take, started under a new attempt; nil when none is
    /// ready. A disabled agent, or one already running a step, takes nothing.
    private func claim(for agent: Agent) async throws -> Assignment? {
        let current = try await store.withConnection { try await AgentRepository($0).find(id: agent.id) } ?? agent
        guard current.revokedAt == nil else { throw ServiceError.unauthorized("agent \(agent.name) was revoked") }
        guard current.disabledAt == nil, current.currentAttempt == nil else { return nil }
        // An instance's command first: a rolling update waits on it, its batch under way.
        if let task = try await claimTask(for: current) { return task }
        for candidate in try await candidates(for: current) {
            if let assignment = try await start(candidate, by: current) { return assignment }
        }
        return nil
    }

    private struct Candidate {
        let run: UUID
        let step: String
        /// Started already (by an operator, for a `manualStart` step, or a retry): only the attempt is new.
        let running: Bool
    }

    /// Automated steps this agent may take, live runs first: waiting ones whose predecessors
    /// are settled (unless they wait for an operator), and running ones that no attempt
    /// serves since they started.
    private func candidates(for agent: Agent) async throws -> [Candidate] {
        let now = now()
        // Read as the server, not as the agent: agents hold no role on the rest of the API.
        let underWay = try await runs.underWayAsStored(limit: 100)
        var live: [Candidate] = [], rehearsals: [Candidate] = []
        for run in underWay where run.status == .running && run.steps.contains(where: { $0.step.automation != nil }) {
            var waiting: [[String]]?  // built once, and only if a step that could be taken waits on others
            var servedSince: [String: Date]?
            for index in run.steps.indices {
                guard let automation = run.steps[index].step.automation, automation.target.accepts(name: agent.name, labels: agent.labels) else { continue }
                switch run.steps[index].progress.state {
                case .pending where !automation.manualStart && (run.steps[index].step.fixedStart ?? now) <= now:
                    if !run.steps[index].step.predecessors.isEmpty {
                        if waiting == nil { waiting = run.waitingLists }
                        guard waiting?[index].isEmpty == true else { continue }
                    }
                    let candidate = Candidate(run: run.id, step: run.steps[index].step.key, running: false)
                    if run.kind == .live { live.append(candidate) } else { rehearsals.append(candidate) }
                case .running:
                    if servedSince == nil {
                        servedSince = try await store.withConnection { try await AttemptRepository($0).latestStarts(run: run.id, steps: run.steps.filter { $0.progress.state == .running }.map(\.step.key)) }
                    }
                    if let started = run.steps[index].progress.startedAt, (servedSince?[run.steps[index].step.key]).map({ $0 < started }) ?? true {
                        let candidate = Candidate(run: run.id, step: run.steps[index].step.key, running: true)
                        if run.kind == .live { live.append(candidate) } else { rehearsals.append(candidate) }
                    }
                default: continue
                }
            }
        }
        // A few, drawn at random within each kind: agents polling together then mostly try
        // different steps instead of all racing for the first, and a run of a thousand ready
        // steps is not shuffled whole on every poll.
        return Self.draw(Self.candidatesTried, from: live) + Self.draw(Self.candidatesTried, from: rehearsals)
    }

    /// How many ready steps one poll tries before waiting again.
    static let candidatesTried = 16

    private static func draw<T>(_ count: Int, from items: [T]) -> [T] {
        var items = items
        let drawn = min(count, items.count)
        for index in 0..<drawn { items.swapAt(index, Int.random(in: index..<items.count)) }
        return Array(items.prefix(drawn))
    }

    /// Starts the step (unless it runs already) and its attempt in one transaction; nil when
    /// another agent or an operator got there first.
    private func start(_ candidate: Candidate, by agent: Agent) async throws -> Assignment? {
        let attemptID = UUID()
        // The attempt as it was written, so that the answer needs no read.
        let written = NIOLockedValueBox<StepAttempt?>(nil)
        do {
            let outcome = try await asAgent(agent) {
                try await runs.act(on: candidate.run) { run in
                    guard let step = run.steps.first(where: { $0.step.key == candidate.step }) else { return nil }
                    if candidate.running { return step.progress.state == .running ? .note(candidate.step, text: "picked up by agent \(agent.name)") : nil }
                    return step.progress.state == .pending ? .start(candidate.step) : nil
                } also: { db, run, _ in
                    let repository = AttemptRepository(db)
                    let number = try await repository.nextNumber(run: run.id, step: candidate.step)
                    if candidate.running, try await repository.running(run: run.id, step: candidate.step) != nil {
                        throw ServiceError.conflict("taken")
                    }
                    let attempt = StepAttempt(id: attemptID, runID: run.id, step: candidate.step, number: number, agent: agent.name, startedAt: now(), heartbeatAt: now())
                    try await repository.insert(attempt, agentID: agent.id)
                    written.withLockedValue { $0 = attempt }
                    return [AuditLog.entry(.attemptStart, target: run.releaseKey.description,
                                           summary: "\(run.kind.rawValue) run \(run.id.uuidString.lowercased()): \(candidate.step) attempt \(number) on agent \(agent.name)",
                                           at: now())]
                }
            }
            guard let outcome else { return nil }
            guard let attempt = written.withLockedValue({ $0 }),
                  let step = outcome.run.steps.first(where: { $0.step.key == candidate.step })?.step, let automation = step.automation else { return nil }
            let names = automation.secretNames
            let values: [String: String]
            do {
                values = try await secrets.values(names)
            } catch {
                _ = try await finish(agent, attempt: attemptID, result: .couldNotStart("its secrets could not be opened: \(error)"), logSize: 0)
                return nil
            }
            if let missing = names.subtracting(values.keys).sorted().first {
                // Deleted since the runbook was saved: the attempt fails at once, saying which.
                _ = try await finish(agent, attempt: attemptID, result: .couldNotStart("secret \(missing) is unknown"), logSize: 0)
                return nil
            }
            let filled = automation.filled(with: values)
            return Assignment(attempt: attempt, release: outcome.run.releaseKey.description, runKind: outcome.run.kind, title: step.title,
                              kind: step.kind, command: filled.command, httpCheck: filled.httpCheck, rollingUpdate: filled.rollingUpdate,
                              redactions: values)
        } catch ServiceError.conflict, ServiceError.stale {
            return nil
        } catch let error as ServiceError {
            throw error
        } catch {
            // A unique number taken by another agent at the same instant: that agent has it.
            if (try? await store.withConnection({ try await AttemptRepository($0).find(attemptID) })) == nil { return nil }
            throw error
        }
    }
}

/// Rolling updates: the report their agent sends as it goes, and an operator's request to roll back.
extension AgentService {
    /// Keeps the report of a rolling update the agent runs; refused when the agent does not
    /// hold the attempt or it is over.
    public func saveReport(_ agent: Agent, attempt id: UUID, report: RollingReport) async throws {
        guard let attempt = try await store.withConnection({ try await AttemptRepository($0).find(id) }) else {
            throw ServiceError.notFound("attempt \(id.uuidString.lowercased())")
        }
        guard attempt.agent == agent.name else { throw ServiceError.conflict("attempt \(attempt.number) of \(attempt.step) is held by agent \(attempt.agent), not \(agent.name)") }
        guard attempt.state == .running else { throw ServiceError.conflict("attempt \(attempt.number) of \(attempt.step) is \(attempt.state.rawValue): its report is closed") }
        guard report.instances.count <= 10_000, report.batches.count <= 10_000 else {
            throw ServiceError.badRequest([FieldError("body", "a report holds at most 10,000 instances and batches")])
        }
        try await store.transaction { db in
            try await RollingReportRepository(db).save(report, attempt: id, run: attempt.runID, step: attempt.step, at: now())
        }
    }

    /// Who asked for the rolling update this attempt runs to be rolled back, and why; nil when nobody did.
    public func rollbackAsked(attempt id: UUID) async throws -> String? {
        try await store.withConnection { try await RollingReportRepository($0).rollbackAsked(attempt: id) }
    }
}
