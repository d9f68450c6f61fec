import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Rehearsals and live runs: starting them, acting on their steps, forecasting them, and
/// moving the release along as the live run goes (in progress at its first action, deployed
/// when done, rolled back, or failed on a no-go).
public struct RunService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper
    public let events: RunEvents
    let forecasts = ForecastCache()
    /// What live runs' forecasts learn from the installation's finished cutovers.
    let cutovers = CutoverHistory()
    let snapshots: RunSnapshots
    /// Actions that arrive together are written together (`RunActionBatch.swift`).
    let writer: GroupCommit<PendingAction, BatchAnswer>
    /// Rings for the agents waiting for work whenever a run moves.
    let dispatch = AgentDispatch()

    /// The topic of runs' events in the events table: one per action, its payload the action's sequence.
    static let topic = "run"

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init, events: RunEvents = RunEvents()) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
        self.events = events
        let snapshots = RunSnapshots()
        self.snapshots = snapshots
        writer = GroupCommit(limit: Self.batchLimit) { [store] batch in await Self.write(batch, store: store, snapshots: snapshots) }
    }

    /// Actions written in one transaction at most: a statement then carries at most 2,000
    /// values, far under either database's limit on parameters.
    static let batchLimit = 200

    /// A run with what the page and the API show with it.
    public struct View: Sendable {
        public let run: Run
        public let release: Release
        public let forecast: Forecast
        public let rehearsals: Int
        let plannedStart: Date

        /// The plan of the run's steps from its start, for the Gantt chart: computed when asked,
        /// since the API's answer does not carry it.
        public var planned: Timeline { Runbook(steps: run.steps.map(\.step)).plannedTimeline(from: plannedStart).timeline }
    }

    public func list(of key: String) async throws -> [Run] {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in try await RunRepository(db, cache: store.runDefinitions).all(of: try await ReleaseService.load(key, from: ReleaseRepository(db))) }
        }
    }

    /// The runs under way, for the home page: at most `limit`, live cutovers first.
    public func underWay(limit: Int = 20) async throws -> [Run] {
        try await gate.require(.releaseRead)
        return try await refusing {
            try await store.withConnection { db in try await RunRepository(db, cache: store.runDefinitions).underWay(limit: limit) }
        }
    }

    /// Starts a rehearsal, or the live run: that needs the release ready and the policy passing
    /// for `inProgress` (422 with the reasons otherwise, unless `override` gives a reason and the
    /// person may override the policy), and no other live run under way.
    public func create(in key: String, kind: RunKind, override: String? = nil) async throws -> Run {
        try await gate.require(.runExecute, on: key)
        let run = try await refusing {
            try await store.transaction { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                let runbook = try await RunbookRepository(db).find(for: release).runbook
                guard !runbook.mainSteps.isEmpty else {
                    throw ServiceError.invalid([FieldError("runbook", "\(release.key) has no runbook steps to run")])
                }
                if kind == .live {
                    guard release.status == .ready else {
                        throw ServiceError.invalid([FieldError("status", "a live run needs the release ready; \(release.key) is \(release.status.rawValue)")])
                    }
                    if try await RunRepository(db, cache: store.runDefinitions).hasLiveRunUnderWay(release) {
                        throw ServiceError.conflict("\(release.key) already has a live run under way")
                    }
                    let gate = try await GateCheck.run(release, to: .inProgress, in: db, now: now(), graphs: store.dependencyGraphs)
                    if !gate.check.passed { try await ReleaseService.overrideGate(gate.check, of: release, reason: override, policy: gate.policy, in: db, at: now()) }
                }
                let run = Run(releaseKey: release.key, kind: kind, runbook: runbook, at: now())
                try await RunRepository(db, cache: store.runDefinitions).insert(run, in: release, at: now())
                try await AuditLog.record(.runCreate, target: release.key.description,
                                          summary: "\(kind.rawValue) run \(run.id.uuidString.lowercased()) of \(run.steps.count) steps", at: now(), in: db)
                try await EventRepository(db).append(topic: Self.topic, subject: run.id.uuidString.lowercased(), kind: "created",
                                                     payload: #"{"sequence":0}"#, at: now())
                return run
            }
        }
        snapshots.remember(run)
        snapshots.remember(release: run.releaseKey, of: run.id)
        return run
    }

    public func view(_ id: String, draws: Int = 1000) async throws -> View {
        let (runID, key) = try await locate(id)
        try await gate.require(.releaseRead, on: key.description)
        return try await refusing {
            try await store.withConnection { db in
                let release = try await ReleaseService.load(key.description, from: ReleaseRepository(db))
                // The release's runs are read once: this one, and the rehearsals the forecast learns from.
                let all = try await RunRepository(db, cache: store.runDefinitions).all(of: release)
                guard let run = all.first(where: { $0.id == runID }) else { throw ServiceError.notFound("run \(id)") }
                let learned = run.kind == .live
                    ? try await cutovers.snapshot(in: db, definitions: store.runDefinitions, maxAge: ForecastCache.lifetime) : nil
                return view(of: run, release: release, runs: all, learned: learned, at: now(), draws: draws)
            }
        }
    }

    func view(of run: Run, release: Release, runs all: [Run], learned: CutoverHistory.Snapshot?, at now: Date, draws: Int = 1000) -> View {
        let rehearsals = all.filter { $0.kind == .rehearsal && $0.id != run.id }
        // A rehearsal runs when people start it, not in the release's window: until then it is drawn from its creation.
        let plannedStart = run.startedAt ?? (run.kind == .rehearsal ? run.createdAt : release.window?.start ?? run.createdAt)
        // A finished live run is not its own history.
        let installation = learned?.installation.before(run.startedAt ?? now) ?? .empty
        let forecast = forecasts.forecast(for: run, plannedStart: plannedStart, history: rehearsals, learned: learned?.signature ?? "", draws: draws, at: now) {
            run.forecast(plannedStart: plannedStart, rehearsals: RehearsalHistory(rehearsals), installation: installation,
                         tags: release.fields.tags, now: now, draws: draws)
        }
        return View(run: run, release: release, forecast: forecast, rehearsals: all.filter { $0.kind == .rehearsal }.count, plannedStart: plannedStart)
    }

    /// How well the forecasts of the installation's finished live runs held (`CalibrationReport`).
    public func calibration() async throws -> CalibrationReport {
        try await gate.require(.releaseRead)
        return try await refusing {
            let snapshot = try await store.withConnection { db in try await cutovers.snapshot(in: db, definitions: store.runDefinitions) }
            return snapshot.calibration
        }
    }

    /// An action applied: the run after it, the action, and the positions of the steps whose
    /// state it changed (or that it added).
    public struct Outcome: Sendable {
        public let run: Run
        public let action: RunAction
        public let changed: [Int]
    }

    /// Applies an operator's command. Two operators acting on the same step at once: one
    /// wins, the other's command is tried again on the run as it now is and refused (409);
    /// a run that keeps moving under a command is refused after five tries (409, stale).
    /// Commands that arrive together are written in one transaction (`GroupCommit`); each is
    /// answered once it is stored.
    @discardableResult
    public func act(_ id: String, _ command: RunCommand) async throws -> Outcome {
        let (runID, releaseKey) = try await locate(id)
        try await gate.require(.runExecute, on: releaseKey.description)
        let origin = RequestOrigin.current
        let result: Outcome = try await refusing {
            let known = try await snapshot(runID)
            if command.isCutoverCall, known.kind == .live {
                try await gate.require(.runDecide, on: releaseKey.description)
            }
            if case .written(let outcome) = await writer.submit(PendingAction(run: known, command: command, origin: origin, now: now)) {
                return outcome
            }
            return try await actAlone(runID, command, origin: origin)
        }
        // This replica's watchers hear of it now; other replicas, from the events table.
        await publish(result.run, upTo: result.action.sequence)
        return result
    }

    /// The command in a transaction of its own, on the run read afresh: what a batch could
    /// not write, and where a refusal is said against the run as it is.
    private func actAlone(_ runID: UUID, _ command: RunCommand, origin: RequestOrigin) async throws -> Outcome {
        var attempt = 0
        while true {
            attempt += 1
            // Read before taking the write lock, which is then held only for the writes: the
            // revision check refuses a run that moved meanwhile, and the command is tried again.
            let current = try await read(runID)
            let pending = PendingAction(run: current, command: command, origin: origin, now: now)
            do {
                let result = try await store.transaction { db in
                    try await Self.apply([pending], in: db, definitions: store.runDefinitions)[0]
                }
                let outcome = try result.get()
                snapshots.remember(outcome.run)
                return outcome
            } catch ServiceError.stale where attempt < 5 {
                continue
            }
        }
    }

    /// A command chosen by `decide` on the run as it is now, applied and written in one
    /// transaction with `also`'s writes (an agent's attempt beside the step it starts or
    /// ends) and its audit events; nil, and nothing written, when `decide` finds nothing to do.
    /// It goes first in the next batch of the group commit, decided on the run as the batch's
    /// earlier actions left it, so that agents on one run share transactions instead of
    /// racing. A batch that cannot take it (the run moved on another replica, Core refused the
    /// command, `also` threw) leaves it to a transaction of its own on the run read afresh,
    /// decided again after a short random pause while the run keeps moving, for up to
    /// `patience` seconds; a command Core refuses is then a 409.
    func act(on runID: UUID, patience: TimeInterval = 60, decide: @escaping @Sendable (Run) -> RunCommand?,
             also: @escaping @Sendable (any SQLDatabase, Run, RunAction) async throws -> [AuditRecord]) async throws -> Outcome? {
        let origin = RequestOrigin.current
        let known = try await snapshot(runID)
        switch await writer.submit(PendingAction(run: known, command: nil, origin: origin, now: now, decide: decide, also: also)) {
        case .written(let outcome):
            await publish(outcome.run, upTo: outcome.action.sequence)
            return outcome
        case .nothing:
            return nil
        case .alone:
            break  // the batch could not take it: on the run read afresh, below
        }
        let giveUp = ContinuousClock.now + .seconds(patience)
        var attempt = 0
        while true {
            attempt += 1
            if attempt > 2 { try await Task.sleep(for: .milliseconds(Int.random(in: 1...min(50, 2 * attempt)))) }
            let current = try await read(runID)
            guard let command = decide(current) else { return nil }
            let pending = PendingAction(run: current, command: command, origin: origin, now: now)
            do {
                let outcome = try await refusing {
                    try await store.transaction { db in
                        let outcome = try await Self.apply([pending], in: db, definitions: store.runDefinitions)[0].get()
                        try await AuditRepository(db).append(try await also(db, outcome.run, outcome.action))
                        return outcome
                    }
                }
                snapshots.remember(outcome.run)
                await publish(outcome.run, upTo: outcome.action.sequence)
                return outcome
            } catch ServiceError.stale where ContinuousClock.now < giveUp {
                continue
            }
        }
    }

    /// The runs under way, for the server's own use (agents looking for work): those held in
    /// memory at their stored revision are not read again, so that ten agents woken by every
    /// move of a run of a thousand steps do not each decode it.
    func underWayAsStored(limit: Int) async throws -> [Run] {
        let stored = try await store.withConnection { db in try await RunRepository(db).revisionsUnderWay(limit: limit) }
        var runs: [Run] = []
        for (id, revision) in stored {
            if let known = snapshots.run(id), known.revision == revision {
                runs.append(known)
            } else if let run = try await store.withConnection({ db in try await RunRepository(db, cache: store.runDefinitions).find(id) }) {
                snapshots.remember(run)
                if run.status == .running { runs.append(run) }
            }
        }
        return runs
    }

    /// The run as this process last wrote it, or read.
    func snapshot(_ id: UUID) async throws -> Run {
        if let known = snapshots.run(id) { return known }
        return try await read(id)
    }

    func read(_ id: UUID) async throws -> Run {
        let run = try await store.withConnection { db in try await RunRepository(db, cache: store.runDefinitions).find(id) }
        guard let run else { throw ServiceError.notFound("run \(id.uuidString.lowercased())") }
        return run
    }

    /// Hands the run's actions up to `sequence` to its watchers on this replica, and wakes the
    /// agents waiting for a step.
    func publish(_ run: Run, upTo sequence: Int) async {
        dispatch.ring()
        await events.publish(run.id, upTo: sequence) { after in
            let actions = run.log.filter { $0.sequence > after && $0.sequence <= sequence }
            return actions.indices.map { Self.event(run, actions[$0], withSteps: $0 == actions.count - 1) }
        }
    }

    /// Actions stored by any replica (this one's included), heard from the events table: the
    /// runs watched here whose watchers have not had them are read once each and published.
    func relay(_ stored: [StoredEvent]) async {
        var newest: [UUID: Int] = [:]
        for event in stored where event.topic == Self.topic {
            guard let run = UUID(uuidString: event.subject), let sequence = Self.sequence(in: event.payload) else { continue }
            newest[run] = max(newest[run] ?? 0, sequence)
        }
        if !newest.isEmpty { dispatch.ring() }
        for (id, sequence) in newest where sequence > 0 {
            guard await events.watcherCount(id) > 0, await events.lastPublished(id) < sequence else { continue }
            guard let run = try? await store.withConnection({ try await RunRepository($0, cache: store.runDefinitions).find(id) }) else { continue }
            await publish(run, upTo: run.log.last?.sequence ?? sequence)
        }
    }

    /// The action's sequence in a run event's payload, `{"sequence":N}`.
    static func sequence(in payload: String) -> Int? {
        guard payload.hasPrefix(#"{"sequence":"#), payload.hasSuffix("}") else { return nil }
        return Int(payload.dropFirst(12).dropLast())
    }

    /// A run's id and release, read without the run itself.
    func locate(_ id: String) async throws -> (UUID, ReleaseKey) {
        guard let uuid = UUID(uuidString: id) else { throw ServiceError.notFound("run \(id)") }
        if let key = snapshots.release(of: uuid) { return (uuid, key) }
        guard let key = try await store.withConnection({ db in try await RunRepository(db, cache: store.runDefinitions).releaseKey(of: uuid) })
        else { throw ServiceError.notFound("run \(id)") }
        snapshots.remember(release: key, of: uuid)
        return (uuid, key)
    }

    /// The rehearsals of a release compared with the plan and with each other.
    public func rehearsalReport(of key: String) async throws -> RehearsalReport {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                let runbook = try await RunbookRepository(db).find(for: release).runbook
                let rehearsals = try await RunRepository(db, cache: store.runDefinitions).all(of: release).filter { $0.kind == .rehearsal }
                return RehearsalReport(steps: runbook.steps, rehearsals: rehearsals)
            }
        }
    }

    /// A watcher of a run: its events from now on, and the actions after `sequence` for one
    /// that reconnects (each with the steps as they are now on the last one only). Subscribes
    /// before reading, so that an action committed in between is not lost: what is published
    /// while the run is read waits, and is sent after the replay only if the replay lacks it.
    public func watch(_ id: String, after sequence: Int) async throws -> (run: UUID, events: AsyncStream<RunEvent>, replay: [RunEvent]) {
        let (runID, key) = try await locate(id)
        try await gate.require(.releaseRead, on: key.description)
        let (watcher, stream) = await events.watchBeforeReplay(runID)
        let run = try await read(runID)
        await events.replayed(runID, watcher: watcher, upTo: run.log.last?.sequence ?? 0)
        let missed = run.log.filter { $0.sequence > sequence }
        let replay = missed.indices.map { Self.event(run, missed[$0], withSteps: $0 == missed.count - 1) }
        return (runID, stream, replay)
    }

    /// One Server-Sent Event: the action, and (unless `withSteps` is false, for all but the
    /// last of a replay) every step's state after it. Written by hand: a 10,000-step run's
    /// event costs about a millisecond this way, against tens through JSONSerialization.
    static func event(_ run: Run, _ action: RunAction, withSteps: Bool = true) -> RunEvent {
        var json = JSONText(capacity: 200 + action.text.utf8.count + (withSteps ? run.steps.count * 150 : 0))
        json.open()
        json.field("actor", action.actor)
        json.field("at", action.at)
        if let decision = action.decision { json.field("decision", decision.rawValue) }
        json.field("kind", action.kind.rawValue)
        json.field("sequence", action.sequence)
        json.field("status", run.status.rawValue)
        if let step = action.step { json.field("step", step) }
        if withSteps {
            json.key("steps")
            json.openList()
            for step in run.steps {
                json.open()
                if let ended = step.progress.endedAt { json.field("endedAt", ended) }
                json.field("key", step.step.key)
                json.field("segment", step.segment.rawValue)
                if let started = step.progress.startedAt { json.field("startedAt", started) }
                json.field("state", step.progress.state.rawValue)
                json.close()
            }
            json.closeList()
        }
        json.field("text", action.text)
        json.close()
        return RunEvent(sequence: action.sequence, text: "id: \(action.sequence)\nevent: action\ndata: \(json.text)\n\n")
    }
}
