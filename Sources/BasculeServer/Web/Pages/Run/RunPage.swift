import BasculeCore
import Foundation

/// The live page of a run: the forecast in one line (red when a step failed, "ended at" once
/// over), the Gantt chart, each step with what may be done to it by whoever reads the page, and
/// the log. The print version uses the same model.
enum RunPage {
    struct StepLine: Sendable {
        let key: String
        let title: String
        let owner: String
        let minutes: String
        let state: String
        let stateLabel: String
        let critical: Bool
        let rollback: Bool
        let downtime: Bool
        let automated: Bool
        let started: String?
        let ended: String?
        let waiting: String?
        /// "blocked: C05 failed", when a step it waits for failed.
        let blocked: String?
        let instructionsHTML: String?
        let after: String?
        let canStart: Bool
        let canFinish: Bool
        let canDecide: Bool
        let canSkip: Bool
        let canRetry: Bool
        /// An automated kind with no automation: completed by hand.
        let byHand: Bool
        /// "Runs on an agent with os=linux, role=db".
        let runsOn: String?
        /// "No agent connected can take it": said instead of waiting silently.
        let noAgent: String?
        /// "Attempt 2 on db-1: running".
        let attempt: String?
        let output: Output?
        let rolling: RollingPanel?
        let rollBackURL: String?
    }

    /// The tail of the latest attempt's output, followed live while the attempt runs.
    struct Output: Sendable {
        let url: String
        let end: String
        let running: Bool
        let text: String
        let cut: String?
    }

    struct LogLine: Sendable {
        let at: String
        let actor: String
        let kind: String
        let step: String?
        let decision: String?
        let text: String
    }

    struct Model: Sendable {
        let id: String
        let release: String
        let releaseHref: String
        let kind: String
        let live: Bool
        let status: String
        let statusLabel: String
        let over: Bool
        /// "Ended at 03:12" for a finished run; the forecast line otherwise.
        let endedAt: String?
        let expectedEnd: String
        let p90End: String
        let delay: String
        let behind: Bool
        let ahead: Bool
        let failed: String?
        let downtimeSoFar: String
        let expectedDowntime: String
        let p90Downtime: String
        let rehearsals: String
        /// "Running 14 % slower than rehearsals (±6 %), from 12 finished steps."
        let pace: String?
        /// For a live run, what was believed before it started and where that comes from.
        let prior: String?
        /// For a live run, how many earlier cutovers' forecasts corrected its P50 and P90.
        let calibration: String?
        let steps: [StepLine]
        let gantt: String
        let log: [LogLine]
        let canAct: Bool
        let canRollback: Bool
        let canAbort: Bool
        let eventsURL: String
        let windowLine: String?
        /// Why the last action was refused, in words.
        var refusal: String? = nil
    }

    static func model(_ view: RunService.View, now: Date, _ words: Words, automation facts: RunAutomationFacts = RunAutomationFacts()) -> Model {
        let run = view.run, forecast = view.forecast
        let origin = RequestOrigin.current
        let canAct = origin.may(.runExecute) && !run.status.isOver
        // Go/no-go, rollback and abort of the live run belong to those who answer for the release.
        let canCall = canAct && (run.kind == .rehearsal || origin.may(.runDecide))
        let critical = Set(forecast.criticalPath)
        let failedKeys = Set(run.steps.filter { $0.progress.state == .failed }.map(\.step.key))
        let steps = zip(run.steps, run.waitingLists).map { step, waiting -> StepLine in
            let state = step.progress.state
            let blockers = waiting.filter(failedKeys.contains)
            return StepLine(
                key: step.step.key, title: step.step.title, owner: step.step.owner ?? "—", minutes: words.duration(step.step.plannedDuration),
                state: state.rawValue, stateLabel: words.label(state), critical: critical.contains(step.step.key), rollback: step.segment == .rollback,
                downtime: step.step.downtime, automated: step.step.kind.isAutomated,
                started: step.progress.startedAt.map(words.time), ended: step.progress.endedAt.map(words.time),
                waiting: waiting.isEmpty || !blockers.isEmpty ? nil : waiting.joined(separator: ", "),
                blocked: blockers.isEmpty ? nil : words.text("run_blocked_by", ["steps": blockers.joined(separator: ", ")]),
                instructionsHTML: step.step.instructions.isEmpty ? nil : MarkdownRenderer.html(step.step.instructions),
                after: step.step.predecessors.isEmpty ? nil : step.step.predecessors.joined(separator: ", "),
                canStart: canAct && state == .pending && waiting.isEmpty,
                canFinish: canAct && (state == .running || state == .lost) && step.step.kind != .goNoGo,
                canDecide: canCall && state == .running && step.step.kind == .goNoGo,
                canSkip: canAct && (state == .pending || state == .failed),
                canRetry: canAct && (state == .failed || state == .lost),
                byHand: step.step.kind.isAutomated && step.step.automation == nil,
                runsOn: step.step.automation.map { runsOn($0.target, words) },
                noAgent: noAgent(step, waiting: waiting, run: run, facts: facts, now: now, words),
                attempt: facts.latest[step.step.key].map { attemptLine($0, words) },
                output: facts.latest[step.step.key].map { output($0, run: run, tail: facts.tails[$0.step], words) },
                rolling: facts.rolling[step.step.key].map {
                    RollingPanel.model($0, running: state == .running && facts.latest[step.step.key]?.state == .running, canRollBack: canCall, words)
                },
                rollBackURL: "/runs/\(run.id.uuidString.lowercased())/steps/\(step.step.key)/roll-back")
        }
        let delay = forecast.delay
        let minutes = { (seconds: TimeInterval) in words.number(Int((seconds / 60).rounded())) }
        return Model(
            id: run.id.uuidString.lowercased(), release: "\(view.release.key) \(view.release.title) \(view.release.version)",
            releaseHref: "/releases/\(view.release.key)?tab=runbook", kind: words.label(run.kind), live: run.kind == .live,
            status: run.status.rawValue, statusLabel: words.label(run.status), over: run.status.isOver,
            endedAt: run.endedAt.map { words.text("run_ended_at", ["when": words.date($0)]) },
            expectedEnd: words.time(forecast.expectedEnd), p90End: words.time(forecast.p90End), delay: minutes(abs(delay)),
            behind: delay > 60, ahead: delay < -60,
            failed: failedKeys.isEmpty || run.status.isOver ? nil : words.text("run_failed_line", ["steps": run.steps.filter { failedKeys.contains($0.step.key) }.map(\.step.key).joined(separator: ", ")]),
            downtimeSoFar: minutes(forecast.downtimeSoFar), expectedDowntime: minutes(forecast.expectedDowntime), p90Downtime: minutes(forecast.p90Downtime),
            rehearsals: words.count("run_rehearsals", view.rehearsals), pace: paceLine(forecast.pace, words),
            prior: run.kind == .live ? priorLine(forecast.pace.prior, words) : nil,
            calibration: run.kind == .live && forecast.calibratedBy > 0 ? words.count("run_calibrated", forecast.calibratedBy) : nil, steps: steps, gantt: gantt(view, now: now, words), log: run.log.reversed().map { action in
                LogLine(at: words.date(action.at), actor: action.actor, kind: words.label(action.kind), step: action.step,
                        decision: action.decision.map(words.label), text: action.text)
            },
            canAct: canAct, canRollback: canCall && run.kind == .live && !run.steps.contains { $0.segment == .rollback },
            canAbort: canCall, eventsURL: "/api/v1/runs/\(run.id.uuidString.lowercased())/events",
            windowLine: view.release.window.map { words.text("run_window", ["window": words.window($0)]) })
    }

    static func runsOn(_ target: AgentTarget, _ words: Words) -> String {
        switch (target.agent, target.labels.isEmpty) {
        case (let name?, true): return words.text("run_runs_on_agent", ["agent": name])
        case (let name?, false): return words.text("run_runs_on_agent_labels", ["agent": name, "labels": AgentTarget.text(target.labels)])
        case (nil, false): return words.text("run_runs_on_labels", ["labels": AgentTarget.text(target.labels)])
        case (nil, true): return words.text("run_runs_on_any")
        }
    }

    /// Said for a step that an agent should take now (ready, or started and not yet taken)
    /// when no agent alive and enabled accepts it.
    private static func noAgent(_ step: RunStep, waiting: [String], run: Run, facts: RunAutomationFacts, now: Date, _ words: Words) -> String? {
        guard let automation = step.step.automation, !run.status.isOver else { return nil }
        let due = (step.progress.state == .pending && waiting.isEmpty && !automation.manualStart)
            || (step.progress.state == .running && facts.latest[step.step.key].map { $0.state != .running } ?? true)
        guard due, !facts.able(step.step, at: now) else { return nil }
        return words.text("run_no_agent", ["target": AgentTarget.text(automation.target.labels).isEmpty ? (automation.target.agent ?? "") : AgentTarget.text(automation.target.labels)])
    }

    private static func attemptLine(_ attempt: StepAttempt, _ words: Words) -> String {
        var line = words.text("run_attempt", ["number": words.number(attempt.number), "agent": attempt.agent, "state": words.label(attempt.state)])
        if !attempt.outcome.isEmpty, attempt.state != .running { line += " — \(attempt.outcome)" }
        return line
    }

    private static func output(_ attempt: StepAttempt, run: Run, tail: (offset: Int64, text: String)?, _ words: Words) -> Output {
        let shownFrom = tail?.offset ?? 0
        return Output(
            url: "/api/v1/runs/\(run.id.uuidString.lowercased())/attempts/\(attempt.step)/\(attempt.number)/log", end: String(attempt.logSize),
            running: attempt.state == .running, text: tail?.text ?? "",
            cut: shownFrom > 0 || attempt.logCut > 0
                ? words.text("run_output_cut", ["shown": words.number(Int(attempt.logSize - shownFrom)), "total": words.number(Int(attempt.logSize))]) : nil)
    }

    /// Whole percents, and at least ±1 % so that a very sure pace does not read as certain.
    private static func percents(_ pace: (factor: Double, uncertainty: Double), _ words: Words) -> (percent: String, spread: String, sign: Int) {
        let percent = Int((abs(pace.factor - 1) * 100).rounded())
        return (words.number(percent), words.number(max(1, Int((pace.uncertainty * 100).rounded()))), percent == 0 ? 0 : (pace.factor > 1 ? 1 : -1))
    }

    static func paceLine(_ pace: RunPace, _ words: Words) -> String? {
        guard pace.steps > 0 else { return nil }
        let (percent, spread, sign) = percents((pace.factor, pace.uncertainty), words)
        let steps = words.count("run_pace_steps", pace.steps)
        guard sign != 0 else { return words.text("run_pace_same_\(pace.basis.rawValue)", ["spread": spread, "steps": steps]) }
        return words.text(sign > 0 ? "run_pace_slower" : "run_pace_faster",
                          ["percent": percent, "spread": spread, "steps": steps, "basis": words.text("run_pace_basis_\(pace.basis.rawValue)")])
    }

    static func priorLine(_ prior: PacePrior, _ words: Words) -> String {
        let (percent, spread, sign) = percents((prior.factor, prior.uncertainty), words)
        let source: String
        switch prior.source {
        case .rehearsals: return words.text("run_prior_rehearsals", ["spread": spread])
        case .application(let n): source = words.count("run_prior_application", n)
        case .installation(let n): source = words.count("run_prior_installation", n)
        }
        return words.text(sign >= 0 ? "run_prior_slower" : "run_prior_faster", ["percent": percent, "spread": spread, "source": source])
    }

    private static func gantt(_ view: RunService.View, now: Date, _ words: Words) -> String {
        let run = view.run, forecast = view.forecast
        let critical = Set(forecast.criticalPath)
        let plannedIndex = Dictionary(run.steps.enumerated().map { ($1.step.key, $0) }, uniquingKeysWith: { first, _ in first })
        let planned = view.planned
        let chart = GanttChart(
            rows: run.steps.enumerated().map { position, step in
                let index = plannedIndex[step.step.key] ?? 0
                let start = index < planned.starts.count ? planned.starts[index] : (step.progress.startedAt ?? run.createdAt)
                let end = index < planned.finishes.count ? planned.finishes[index] : start.addingTimeInterval(step.step.plannedDuration)
                let expected = forecast.expected
                let pending = step.progress.state == .pending || step.progress.state == .running
                return GanttChart.Row(key: step.step.key, title: step.step.title, plannedStart: start, plannedEnd: end, actualStart: step.progress.startedAt,
                                      actualEnd: step.progress.endedAt,
                                      expectedStart: pending && !run.status.isOver && position < expected.starts.count ? expected.starts[position] : nil,
                                      expectedEnd: pending && !run.status.isOver && position < expected.finishes.count ? expected.finishes[position] : nil,
                                      state: step.progress.state, critical: critical.contains(step.step.key), downtime: step.step.downtime)
            },
            now: now, timeZone: words.formatting.timeZone, showsNow: !run.status.isOver)
        return chart.svg(title: words.text("run_gantt"))
    }
}
