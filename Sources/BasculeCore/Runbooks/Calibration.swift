import Foundation

extension Run {
    /// Where the main steps stood at `moment`, replayed from the log: what a forecast made
    /// then would have seen.
    public func progress(at moment: Date) -> [StepProgress] {
        let position = Dictionary(steps.enumerated().map { ($1.step.key, $0) }, uniquingKeysWith: { first, _ in first })
        var progress = Array(repeating: StepProgress(), count: steps.count)
        for action in log where action.at <= moment {
            guard let key = action.step, let index = position[key] else { continue }
            switch action.kind {
            case .start, .retry: progress[index] = StepProgress(state: .running, startedAt: action.at)
            case .complete, .decide:
                progress[index].state = .done
                progress[index].endedAt = action.at
            case .fail:
                progress[index].state = .failed
                progress[index].endedAt = action.at
            case .skip:
                progress[index].state = .skipped
                progress[index].endedAt = action.at
            case .lose: progress[index].state = .lost
            case .note, .rollback, .finish, .abort: break
            }
        }
        return progress
    }
}

/// How well the forecasts of finished live runs held: for each, the forecast remade as it
/// stood at go-live and at each quarter of the run (from its log, with what was known then),
/// set against when it actually ended. It is how a release manager learns to trust the figures.
public struct CalibrationReport: Sendable, Equatable {
    /// When in the run a forecast is remade, as a share of the run's actual length.
    public enum Checkpoint: Double, Sendable, CaseIterable, Equatable {
        case goLive = 0, quarter = 0.25, half = 0.5, threeQuarters = 0.75
    }

    /// One finished live run, with what its forecasts learned from.
    public struct Case: Sendable {
        public let live: Run
        public let rehearsals: RehearsalHistory
        /// The installation's cutovers finished before this one began.
        public let installation: InstallationHistory
        public let tags: [String]
        /// False to remake the forecasts as Bascule made them before it learned (steps drawn
        /// independently from their rehearsals, no shared pace, no rerun): the simulation's reference.
        public let learns: Bool

        public init(live: Run, rehearsals: RehearsalHistory, installation: InstallationHistory, tags: [String], learns: Bool = true) {
            self.live = live
            self.rehearsals = rehearsals
            self.installation = installation
            self.tags = tags
            self.learns = learns
        }

        var forecaster: (Forecaster, PacePrior) {
            let steps = live.steps.filter { $0.segment == .main }.map(\.step)
            guard learns else {
                let forecaster = Forecaster(steps: steps, rehearsals: rehearsals, prior: .rehearsals, rerunRate: nil, learning: false)
                return (forecaster, forecaster.prior)
            }
            let prior = installation.prior(for: tags)
            return (Forecaster(steps: steps, rehearsals: rehearsals, prior: prior, rerunRate: installation.rerunRate), prior)
        }
    }

    /// One forecast remade, against the actual end.
    public struct Point: Sendable, Equatable {
        public let checkpoint: Checkpoint
        public let at: Date
        public let p50End: Date
        public let p90End: Date
        /// P10 … P90 of the end.
        public let endDeciles: [Date]
        /// |actual − P50| over the time that remained at `at`.
        public let error: Double
        public let pace: RunPace
        /// The share of the forecast's draws, as drawn, that ended by the actual end.
        public let rank: Double
    }

    public struct Cutover: Sendable, Equatable {
        public let release: ReleaseKey
        public let run: UUID
        public let startedAt: Date
        public let endedAt: Date
        public let priorSource: PacePrior.Source
        /// Past cutovers whose record corrected its forecasts' quantiles (0: read as drawn).
        public let calibratedBy: Int
        public let points: [Point]
    }

    /// One checkpoint over every cutover.
    public struct Summary: Sendable, Equatable {
        public let checkpoint: Checkpoint
        public let cutovers: Int
        public let underP50: Double
        public let underP90: Double
        public let medianError: Double
        /// For P10 … P90: the share of cutovers that ended at or before it (the diagonal when calibrated).
        public let reliability: [Double]

        /// Far from calibrated: P90 held in under 80 % of the cutovers, or P50 outside 35–65 %.
        public var isFarOff: Bool { cutovers > 0 && (underP90 < 0.8 || underP50 < 0.35 || underP50 > 0.65) }
    }

    public let cutovers: [Cutover]
    public let summaries: [Summary]
    /// What the next forecast learns from these cutovers' forecasts (their latest 50).
    public let recalibration: Recalibration

    /// Per checkpoint, the ranks of the cutovers' forecasts as drawn.
    static func recalibration<Ranks: Collection>(_ ranks: Ranks) -> Recalibration where Ranks.Element == [Double] {
        Recalibration(ranks: Checkpoint.allCases.indices.map { checkpoint in ranks.map { $0[checkpoint] } })
    }

    /// Forecast draws for each remade forecast: fewer than a live page's, since a report
    /// remakes four per cutover.
    public static let draws = 400

    public init(_ cases: [Case], draws: Int = Self.draws) {
        // First each cutover's forecasts as drawn, with where the cutover ended in each (its
        // rank); then each read as the past cutovers' ranks called for when it was made.
        struct Drawn {
            let item: Case
            let start: Date, end: Date
            let prior: PacePrior
            let forecasts: [(at: Date, forecast: Forecast)]
            var ranks: [Double] { forecasts.map { $0.forecast.rank(of: end) } }
        }
        var drawn: [Drawn] = []
        for item in cases {
            let run = item.live
            let main = run.steps.filter { $0.segment == .main }
            guard run.kind == .live, run.status == .finished, let start = run.startedAt, let end = run.endedAt, end > start else { continue }
            let (forecaster, prior) = item.forecaster
            let forecasts = Checkpoint.allCases.map { checkpoint -> (Date, Forecast) in
                let at = start.addingTimeInterval(end.timeIntervalSince(start) * checkpoint.rawValue)
                let progress = zip(run.steps, run.progress(at: at)).filter { $0.0.segment == .main }.map(\.1)
                return (at, forecaster.forecast(start: start, progress: progress, now: at, draws: Forecaster.affordableDraws(draws, steps: main.count)))
            }
            drawn.append(Drawn(item: item, start: start, end: end, prior: prior, forecasts: forecasts))
        }
        drawn.sort { $0.end < $1.end }
        let ranks = drawn.map(\.ranks)
        var cutovers: [Cutover] = []
        for cutover in drawn {
            // The latest cutovers finished before this one began, as a live page then had them.
            let earlier = drawn.indices.filter { drawn[$0].end < cutover.start }.suffix(InstallationHistory.depth)
            let recalibration = cutover.item.learns ? Self.recalibration(earlier.map { ranks[$0] }) : .identity
            let points = zip(Checkpoint.allCases, cutover.forecasts).map { checkpoint, made -> Point in
                let forecast = made.forecast.recalibrated(by: recalibration)
                let remaining = max(1, cutover.end.timeIntervalSince(made.at))
                return Point(checkpoint: checkpoint, at: made.at, p50End: forecast.p50End, p90End: forecast.p90End, endDeciles: forecast.endDeciles,
                             error: abs(cutover.end.timeIntervalSince(forecast.p50End)) / remaining, pace: forecast.pace,
                             rank: made.forecast.rank(of: cutover.end))
            }
            let run = cutover.item.live
            cutovers.append(Cutover(release: run.releaseKey, run: run.id, startedAt: cutover.start, endedAt: cutover.end,
                                    priorSource: cutover.prior.source, calibratedBy: recalibration.cutovers, points: points))
        }
        recalibration = Self.recalibration(ranks.suffix(InstallationHistory.depth))
        self.cutovers = cutovers.sorted { $0.endedAt > $1.endedAt }
        summaries = Checkpoint.allCases.map { checkpoint in
            let rows = cutovers.compactMap { cutover in cutover.points.first { $0.checkpoint == checkpoint }.map { (cutover.endedAt, $0) } }
            let count = Double(max(1, rows.count))
            let errors = rows.map(\.1.error).sorted()
            return Summary(
                checkpoint: checkpoint, cutovers: rows.count,
                underP50: Double(rows.filter { $0.0 <= $0.1.p50End }.count) / count,
                underP90: Double(rows.filter { $0.0 <= $0.1.p90End }.count) / count,
                medianError: errors.isEmpty ? 0 : errors[errors.count / 2],
                reliability: (0..<9).map { decile in Double(rows.filter { $0.0 <= $0.1.endDeciles[decile] }.count) / count })
        }
    }
}
