import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// An operator's command on its way to be written: the run as its caller found it, who asked
/// and from where, and the clock of the service that took it.
struct PendingAction: Sendable {
    var run: Run
    let command: RunCommand?
    let origin: RequestOrigin
    let now: @Sendable () -> Date
    /// Chooses the command on the run as the actions before it in the batch left it (an
    /// agent's start or end: several agents on one run then share a transaction instead of
    /// refusing each other as stale); nil, nothing to do.
    var decide: (@Sendable (Run) -> RunCommand?)? = nil
    /// Writes beside the action in its transaction (the agent's attempt), run as its caller;
    /// the audit events it answers are chained after the action's. A throw fails the batch.
    var also: (@Sendable (any SQLDatabase, Run, RunAction) async throws -> [AuditRecord])? = nil
}

/// `decide` found nothing to do on the run as it stands.
struct NothingToDecide: Error {}

/// What became of a command in a batch.
enum BatchAnswer: Sendable {
    case written(RunService.Outcome)
    /// `decide` found nothing to do on the run as stored.
    case nothing
    /// Not written: Core refused it, or its batch could not be written (a run moved under
    /// it). The caller tries it alone on the run read afresh, which also says the refusal
    /// against the run as it truly is.
    case alone
}

extension RunService {
    /// Writes a batch in one transaction; a batch that fails leaves nothing and answers `alone`.
    /// Each command goes on its run as this process last wrote it when that is newer than the
    /// run its caller found: the batch before may have moved it meanwhile (agents on one run).
    static func write(_ batch: [PendingAction], store: Store, snapshots: RunSnapshots) async -> [BatchAnswer] {
        let batch = batch.map { pending in
            var pending = pending
            if let known = snapshots.run(pending.run.id), known.revision > pending.run.revision { pending.run = known }
            return pending
        }
        do {
            let results = try await store.transaction { db in try await apply(batch, in: db, definitions: store.runDefinitions) }
            return results.map { result in
                switch result {
                case .success(let outcome):
                    snapshots.remember(outcome.run)
                    return .written(outcome)
                case .failure(let error):
                    return error is NothingToDecide ? .nothing : .alone
                }
            }
        } catch {
            for pending in batch { snapshots.forget(pending.run.id) }
            return batch.map { _ in .alone }
        }
    }

    /// Applies the commands in order, each to its run as the ones before it left it, and
    /// writes what they did in `db`: one statement for the runs that moved, one for all their
    /// actions, one for their audit events (chained in order, release moves of a live run
    /// after its action) and one for their events. A command Core refuses is its own failure
    /// and writes nothing; a run moved by someone else since it was read fails the whole
    /// transaction (`stale`).
    static func apply(_ batch: [PendingAction], in db: any SQLDatabase, definitions: RunDefinitionCache) async throws -> [Result<Outcome, any Error>] {
        var latest: [UUID: Run] = [:]
        var revisionBefore: [UUID: Int] = [:]
        var written: [UUID] = []
        var updatedAt: [UUID: Date] = [:]
        var stepsChanged: Set<UUID> = []
        var actions: [(run: UUID, action: RunAction)] = []
        var audit: [AuditRecord] = []
        var events: [NewEvent] = []
        var results: [Result<Outcome, any Error>] = []
        var baseRevision: [UUID: Int] = [:]
        var undecided: Set<UUID> = []
        for pending in batch {
            let id = pending.run.id
            if latest[id] == nil {
                latest[id] = pending.run
                baseRevision[id] = pending.run.revision
            }
            var run = latest[id] ?? pending.run
            let logged = run.log.count, stepCount = run.steps.count, wasStarted = run.hasStarted, statusBefore = run.status
            let progressBefore = run.steps.map(\.progress)
            let now = pending.now()
            guard let command = pending.decide.map({ $0(run) }) ?? pending.command else {
                undecided.insert(id)
                results.append(.failure(NothingToDecide()))
                continue
            }
            let action: RunAction
            do {
                action = try run.apply(command, by: pending.origin.actor, at: now)
            } catch {
                results.append(.failure(error))
                continue
            }
            if revisionBefore[id] == nil {
                revisionBefore[id] = baseRevision[id]
                written.append(id)
            }

            if run.steps.count != stepCount { stepsChanged.insert(id) }
            latest[id] = run
            updatedAt[id] = now
            actions += run.log[logged...].map { (id, $0) }
            audit.append(AuditRecord(entry: AuditEntry(actor: pending.origin.actor, action: .runAction, target: run.releaseKey.description,
                                                       summary: summary(of: action, in: run)),
                                     at: action.at, requestID: pending.origin.requestID, clientAddress: pending.origin.clientAddress))
            events.append(NewEvent(topic: topic, subject: id.uuidString.lowercased(), kind: action.kind.rawValue,
                                   payload: #"{"sequence":\#(action.sequence)}"#, at: action.at))
            if let also = pending.also {
                let done = run
                audit += try await RequestOrigin.$current.withValue(pending.origin) { try await also(db, done, action) }
            }
            if run.kind == .live {
                audit += try await moveRelease(run, wasStarted: wasStarted, at: now, origin: pending.origin, in: db)
                let told = RunNotices.kinds(of: action, in: run, wasStarted: wasStarted, statusBefore: statusBefore)
                if !told.isEmpty {
                    let stored = try await ReleaseService.load(run.releaseKey.description, from: ReleaseRepository(db))
                    let release = try await Notices.release(stored, in: db)
                    for kind in told {
                        var facts = RunNotices.facts(of: action, in: run, kind: kind)
                        if kind == .announcement {
                            facts.merge(try await announcementForecast(run, release: stored, at: now, in: db, definitions: definitions)) { _, new in new }
                        }
                        events.append(try Notices.event(Notice(kind: kind, at: action.at, actor: pending.origin.actor, release: release, facts: facts)))
                    }
                }
            }
            let changed = run.steps.indices.filter { $0 >= stepCount || run.steps[$0].progress != progressBefore[$0] }
            results.append(.success(Outcome(run: run, action: action, changed: changed)))
        }
        let runs = RunRepository(db, cache: definitions)
        var moved: [(run: Run, previousRevision: Int, at: Date)] = []
        for id in written {
            guard let run = latest[id], let before = revisionBefore[id], let at = updatedAt[id] else { continue }
            if stepsChanged.contains(id) {
                guard try await runs.update(run, previousRevision: before, stepsChanged: true, at: at) else { throw ServiceError.stale(current: before) }
            } else {
                moved.append((run, before, at))
            }
        }
        guard try await runs.update(moved) else { throw ServiceError.stale(current: moved.first?.previousRevision ?? 0) }
        // "Nothing to do" said of a run that this batch does not write holds only if the run in
        // memory is the stored one (another replica may have moved it).
        for id in undecided where revisionBefore[id] == nil {
            guard try await runs.revision(of: id) == baseRevision[id] else { throw ServiceError.stale(current: baseRevision[id] ?? 0) }
        }
        try await runs.append(actions)
        try await AuditRepository(db).append(audit)
        try await EventRepository(db).append(events)
        return results
    }

    /// The expected end and downtime an announcement quotes, from the live run's forecast
    /// against its rehearsals (a few hundred draws: announcements are rare and must not wait).
    private static func announcementForecast(_ run: Run, release: Release, at now: Date, in db: any SQLDatabase,
                                             definitions: RunDefinitionCache) async throws -> [String: String] {
        let rehearsals = try await RunRepository(db, cache: definitions).all(of: release).filter { $0.kind == .rehearsal }
        let forecast = run.forecast(plannedStart: release.window?.start ?? run.createdAt, rehearsals: RehearsalHistory(rehearsals),
                                    tags: release.fields.tags, now: now, draws: 200)
        return Announcement.facts(forecast)
    }

    /// What the audit trail says of an action: `rehearsal run: complete P01`, `live run: decide G1 (go)`.
    static func summary(of action: RunAction, in run: Run) -> String {
        "\(run.kind.rawValue) run: \(action.kind.rawValue)\(action.step.map { " \($0)" } ?? "")\(action.decision.map { " (\($0.rawValue))" } ?? "")"
    }

    /// Moves the release as the live run says (`Run.releaseMoves`); the audit events of the
    /// moves, for the caller to append after the action's.
    private static func moveRelease(_ run: Run, wasStarted: Bool, at now: Date, origin: RequestOrigin, in db: any SQLDatabase) async throws -> [AuditRecord] {
        let releases = ReleaseRepository(db)
        var release = try await ReleaseService.load(run.releaseKey.description, from: releases)
        var moves: [AuditRecord] = []
        for target in run.releaseMoves(wasStarted: wasStarted, from: release.status) {
            let previous = release.revision, from = release.status
            release = try release.transitioned(to: target, at: now, guards: [])
            guard try await releases.update(release, previousRevision: previous) else { throw ServiceError.stale(current: previous) }
            moves.append(AuditRecord(entry: AuditEntry(actor: origin.actor, action: .releaseTransition, target: release.key.description,
                                                       summary: "status: \(from.rawValue) → \(target.rawValue) (live run)"),
                                     at: now, requestID: origin.requestID, clientAddress: origin.clientAddress))
            if let result = Self.cutoverResult(target) {
                var kind: EnvironmentKind?
                if let name = release.fields.environment { kind = try await EnvironmentRepository(db).named(name)?.kind }
                try await DeploymentRepository(db).record(Deployment(live: run, release: release, environmentKind: kind, result: result, at: now), releaseID: release.id)
                try await PromotionService.recordLiveEnd(run, of: release, result: result, at: now, by: origin.actor, in: db)
            }
            if let opened = try await ReviewService.open(release, by: origin.actor, in: db, at: now) {
                moves.append(AuditRecord(entry: opened, at: now, requestID: origin.requestID, clientAddress: origin.clientAddress))
            }
        }
        return moves
    }

    /// The end of a cutover that the indicators count, when the release moves to one.
    private static func cutoverResult(_ status: ReleaseStatus) -> CutoverOutcome.Result? {
        switch status {
        case .deployed: .deployed
        case .rolledBack: .rolledBack
        case .failed: .failed
        default: nil
        }
    }
}
