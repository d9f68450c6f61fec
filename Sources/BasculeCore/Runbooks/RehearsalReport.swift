import Foundation

/// What the rehearsals of a release taught: each step planned against its actual duration in
/// every rehearsal, the deviations worth a look, and per rehearsal its length and downtime.
public struct RehearsalReport: Sendable, Equatable {
    public struct Rehearsal: Sendable, Equatable {
        public let id: UUID
        public let status: RunStatus
        public let startedAt: Date?
        /// From the first step's start to the last step's end.
        public let duration: TimeInterval?
        public let downtime: TimeInterval
        /// Seconds of interruption its rolling updates measured from outside; nil when it had none.
        public let measuredInterruption: TimeInterval?
    }

    public struct Row: Sendable, Equatable {
        public let key: String
        public let title: String
        public let planned: TimeInterval
        /// Per rehearsal, in the order of `rehearsals`; nil when the step did not run there.
        public let actuals: [TimeInterval?]
        /// The latest actual over the plan, minus one (0.5 is 50 % longer).
        public let deviation: Double?
        /// Off by more than a quarter and more than five minutes in the latest rehearsal.
        public let flagged: Bool
    }

    public let rehearsals: [Rehearsal]
    public let rows: [Row]
    public let plannedDuration: TimeInterval
    public let plannedDowntime: TimeInterval

    public init(steps: [RunbookStep], rehearsals runs: [Run]) {
        let origin = Date(timeIntervalSinceReferenceDate: 0)
        let (main, plan) = Runbook(steps: steps).plannedTimeline(from: origin)
        plannedDuration = plan.end.timeIntervalSince(origin)
        plannedDowntime = CriticalPath.unionLength(main.indices.filter { main[$0].downtime }.map {
            (plan.starts[$0].timeIntervalSinceReferenceDate, plan.finishes[$0].timeIntervalSinceReferenceDate)
        })
        let durations = runs.map(\.actualDurations)
        rehearsals = runs.map { run in
            let mainSteps = run.steps.filter { $0.segment == .main }
            let starts = mainSteps.compactMap(\.progress.startedAt), ends = mainSteps.compactMap(\.progress.endedAt)
            let downtime = CriticalPath.unionLength(mainSteps.compactMap { step in
                step.progress.endedAt == nil ? nil : step.progress.downtime(of: step.step, now: .distantFuture)
            })
            let measured = mainSteps.compactMap(\.progress.measuredDowntime)
            let duration: TimeInterval? = starts.min().flatMap { first in ends.max().map { $0.timeIntervalSince(first) } }
            return Rehearsal(id: run.id, status: run.status, startedAt: starts.min(), duration: duration, downtime: downtime,
                             measuredInterruption: measured.isEmpty ? nil : measured.reduce(0, +))
        }
        rows = main.map { step in
            let actuals = durations.map { $0[step.key] }
            let latest = actuals.last { $0 != nil } ?? nil
            let deviation = latest.flatMap { step.plannedDuration > 0 ? $0 / step.plannedDuration - 1 : nil }
            let flagged = latest.map { abs($0 - step.plannedDuration) > 300 && abs(deviation ?? 0) > 0.25 } ?? false
            return Row(key: step.key, title: step.title, planned: step.plannedDuration, actuals: actuals, deviation: deviation, flagged: flagged)
        }
    }
}
