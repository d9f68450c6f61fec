import BasculeAPI
import BasculeCore
import Foundation

extension Components.Schemas.RunbookStep {
    init(_ step: RunbookStep) {
        self.init(key: step.key, title: step.title, instructions: step.instructions.isEmpty ? nil : step.instructions, owner: step.owner,
                  phase: mapped(step.phase, or: .cutover), plannedMinutes: step.plannedDuration / 60, predecessors: step.predecessors,
                  fixedStart: step.fixedStart, kind: mapped(step.kind, or: .manual), downtime: step.downtime, undoneBy: step.undoneBy)
    }
}

extension RunbookStep {
    init(_ body: Components.Schemas.RunbookStep) {
        self.init(key: body.key, title: body.title, instructions: body.instructions ?? "", owner: body.owner,
                  phase: mapped(body.phase) ?? .cutover, plannedDuration: body.plannedMinutes * 60, predecessors: body.predecessors ?? [],
                  fixedStart: body.fixedStart, kind: mapped(body.kind) ?? .manual, downtime: body.downtime ?? false, undoneBy: body.undoneBy)
    }
}

extension Components.Schemas.Runbook {
    init(_ runbook: Runbook, revision: Int, release: String, start: Date = Date(timeIntervalSinceReferenceDate: 0)) {
        let (steps, timeline) = runbook.plannedTimeline(from: start)
        self.init(release: release.uppercased(), steps: runbook.steps.map(Components.Schemas.RunbookStep.init), revision: revision,
                  plannedMinutes: timeline.end.timeIntervalSince(start) / 60, criticalPath: timeline.criticalPath.map { steps[$0].key })
    }
}

extension Components.Schemas.RunSummary {
    init(_ run: Run) {
        self.init(id: run.id.uuidString.lowercased(), release: run.releaseKey.description, kind: mapped(run.kind, or: .rehearsal),
                  status: mapped(run.status, or: .running), createdAt: run.createdAt, startedAt: run.startedAt, endedAt: run.endedAt)
    }
}

extension Components.Schemas.RunView {
    init(_ view: RunService.View) {
        let run = view.run, forecast = view.forecast
        self.init(
            id: run.id.uuidString.lowercased(), release: run.releaseKey.description, kind: mapped(run.kind, or: .rehearsal),
            status: mapped(run.status, or: .running), createdAt: run.createdAt, revision: run.revision,
            steps: zip(run.steps, run.waitingLists).map { Components.Schemas.RunStepView($0, waitingFor: $1) },
            log: run.log.map(Components.Schemas.RunActionView.init),
            forecast: .init(plannedEnd: forecast.plannedEnd, expectedEnd: forecast.expectedEnd, p50End: forecast.p50End, p90End: forecast.p90End,
                            delayMinutes: forecast.delay / 60, downtimeSoFarMinutes: forecast.downtimeSoFar / 60,
                            expectedDowntimeMinutes: forecast.expectedDowntime / 60, p50DowntimeMinutes: forecast.p50Downtime / 60,
                            p90DowntimeMinutes: forecast.p90Downtime / 60, criticalPath: forecast.criticalPath, draws: forecast.draws,
                            rehearsals: view.rehearsals, pace: .init(forecast.pace), calibratedBy: forecast.calibratedBy))
    }
}

extension Components.Schemas.PaceView {
    init(_ pace: RunPace) {
        let prior = pace.prior
        let source: Components.Schemas.PacePriorView.SourcePayload
        let cutovers: Int
        switch prior.source {
        case .rehearsals: (source, cutovers) = (.rehearsals, 0)
        case .application(let n): (source, cutovers) = (.application, n)
        case .installation(let n): (source, cutovers) = (.installation, n)
        }
        self.init(factor: pace.factor, uncertainty: pace.uncertainty, steps: pace.steps, basis: pace.basis == .plan ? .plan : .rehearsals,
                  prior: .init(source: source, cutovers: cutovers, factor: prior.factor, uncertainty: prior.uncertainty))
    }
}

extension Components.Schemas.CalibrationReportView {
    init(_ report: CalibrationReport) {
        func checkpoint(_ value: CalibrationReport.Checkpoint) -> Components.Schemas.CalibrationSummaryView.CheckpointPayload {
            switch value {
            case .goLive: .goLive
            case .quarter: .quarter
            case .half: .half
            case .threeQuarters: .threeQuarters
            }
        }
        self.init(
            checkpoints: report.summaries.map { summary in
                .init(checkpoint: checkpoint(summary.checkpoint), share: summary.checkpoint.rawValue, cutovers: summary.cutovers,
                      underP50: summary.underP50, underP90: summary.underP90, medianError: summary.medianError, reliability: summary.reliability)
            },
            cutovers: report.cutovers.map { cutover in
                let prior: Components.Schemas.CalibrationCutoverView.PriorPayload = switch cutover.priorSource {
                case .rehearsals: .rehearsals
                case .application: .application
                case .installation: .installation
                }
                return .init(release: cutover.release.description, run: cutover.run.uuidString.lowercased(), startedAt: cutover.startedAt, endedAt: cutover.endedAt,
                             prior: prior, calibratedBy: cutover.calibratedBy, points: cutover.points.map { point in
                                 .init(checkpoint: .init(rawValue: checkpoint(point.checkpoint).rawValue) ?? .goLive, at: point.at, p50End: point.p50End,
                                       p90End: point.p90End, error: point.error, paceFactor: point.pace.factor, rank: point.rank)
                             })
            })
    }
}

extension Components.Schemas.RunStepView {
    init(_ step: RunStep, waitingFor waiting: [String]) {
        self.init(key: step.step.key, title: step.step.title, phase: step.step.phase.rawValue, kind: step.step.kind.rawValue,
                  owner: step.step.owner, state: mapped(step.progress.state, or: .pending), segment: mapped(step.segment, or: .main),
                  plannedMinutes: step.step.plannedDuration / 60, downtime: step.step.downtime, startedAt: step.progress.startedAt,
                  endedAt: step.progress.endedAt, measuredDowntimeSeconds: step.progress.measuredDowntime,
                  waitingFor: step.progress.state == .pending ? waiting : [])
    }
}

extension Components.Schemas.RunActionView {
    init(_ action: RunAction) {
        self.init(sequence: action.sequence, kind: action.kind.rawValue, step: action.step, actor: action.actor, at: action.at, text: action.text,
                  decision: action.decision.map { mapped($0, or: .go) })
    }
}

extension Components.Schemas.RunActionResult {
    init(_ outcome: RunService.Outcome) {
        let run = outcome.run
        let waiting = run.waitingLists
        self.init(id: run.id.uuidString.lowercased(), release: run.releaseKey.description, status: mapped(run.status, or: .running),
                  revision: run.revision, action: .init(outcome.action),
                  steps: outcome.changed.map { Components.Schemas.RunStepView(run.steps[$0], waitingFor: waiting[$0]) })
    }
}

extension RunCommand {
    init(_ body: Components.Schemas.RunActionInput) throws {
        do {
            try self.init(action: body.action.rawValue, step: body.step, comment: body.comment ?? "", decision: body.decision?.rawValue)
        } catch {
            throw ServiceError(error)
        }
    }
}
