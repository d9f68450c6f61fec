import Foundation

/// Checks the forecast against simulated cutovers of one installation whose truth is known:
/// each step's duration follows a log-normal; every run has a pace shared by all its steps
/// (live runs slower than their rehearsals, by a factor that varies from cutover to cutover
/// and a little by application); some step executions hit a hiccup that doubles them without
/// failing; fragile steps fail now and then and are tried again. Each cutover is rehearsed,
/// then run live, as real `Run`s with their logs; its forecasts are then remade at go-live
/// and at each quarter by `CalibrationReport`, learning from the cutovers before it, exactly
/// as the server does.
public enum ForecastSimulation {
    public struct Parameters: Sendable {
        public var cutovers = 1000
        /// Cutovers run before the counted ones, so that the installation has a history.
        public var warmUp = 20
        public var steps = 40
        /// Chance that a step follows the one just before it rather than any earlier one: how
        /// sequential the runbook is (a cutover's runbook is mostly a sequence with branches).
        public var sequential = 0.0
        /// Each step's own spread (log-normal σ), drawn between these: how much it varies from one execution to the next.
        public var stepSpread = 0.05...0.25
        public var rehearsals = 2
        public var draws = 1000
        /// Live runs are this much slower than their rehearsals on average (as a ratio)...
        public var slowdown = 1.08
        /// ...give or take this (log-normal spread from cutover to cutover)...
        public var slowdownSpread = 0.12
        /// ...and each application's runs this much more, drawn once per application.
        public var applicationSpread = 0.04
        public var applications = 5
        /// Each rehearsal's own shared pace, around the steps' medians.
        public var rehearsalSpread = 0.05
        /// Share of step executions that take twice as long, without failing.
        public var hiccups = 0.05
        /// Share of steps that are fragile, and how often a fragile step fails and is tried again
        /// (none by default: the goals are set on slowdowns and hiccups; the benchmark adds them apart).
        public var fragileSteps = 0.0
        public var fragileFailure = 0.3
        public var seed: UInt64 = 42
        /// False for the forecast as it was before it learned (the reference of the same cutovers).
        public var learning = true

        public init() {}
    }

    public struct Report: Sendable, CustomStringConvertible {
        public let cutovers: Int
        public let summaries: [CalibrationReport.Summary]

        public func summary(_ checkpoint: CalibrationReport.Checkpoint) -> CalibrationReport.Summary {
            summaries.first { $0.checkpoint == checkpoint }!
        }

        public var description: String {
            summaries.map { s in
                String(format: "%@: under P50 %.1f %%, under P90 %.1f %%, median P50 error %.1f %% of the remaining time",
                       "\(s.checkpoint)", s.underP50 * 100, s.underP90 * 100, s.medianError * 100)
            }.joined(separator: "\n") + "\n(\(cutovers) cutovers)"
        }
    }

    public static func run(_ parameters: Parameters) -> Report {
        var random = SplitMix(seed: parameters.seed)
        func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        func normal() -> Double { Normal.quantile(min(max(uniform(), 1e-12), 1 - 1e-12)) }
        let applicationPaces = (0..<parameters.applications).map { _ in parameters.applicationSpread * normal() }
        var clock = Date(timeIntervalSince1970: 1_800_000_000)
        var history: [CutoverRecord] = []
        var cases: [CalibrationReport.Case] = []

        for index in 0..<(parameters.warmUp + parameters.cutovers) {
            let application = index % parameters.applications
            let tags = ["app-\(application)"]
            let key = ReleaseKey(number: index + 1)
            // A runbook: each step follows one or two earlier ones; true medians and spreads
            // differ from the planned durations people wrote down.
            var steps: [RunbookStep] = []
            var truth: [(median: Double, sigma: Double, failure: Double)] = []
            for step in 0..<parameters.steps {
                let planned = Double(5 + Int(uniform() * 55)) * 60
                var predecessors: [String] = []
                if step > 0 { predecessors.append("S\(uniform() < parameters.sequential ? step - 1 : Int(uniform() * Double(step)))") }
                if step > 2, uniform() < 0.4 { predecessors.append("S\(Int(uniform() * Double(step)))") }
                steps.append(RunbookStep(key: "S\(step)", title: "Step \(step)", plannedDuration: planned, predecessors: Array(Set(predecessors)).sorted()))
                truth.append((planned * Foundation.exp(0.3 * normal()), parameters.stepSpread.lowerBound + uniform() * (parameters.stepSpread.upperBound - parameters.stepSpread.lowerBound),
                              uniform() < parameters.fragileSteps ? parameters.fragileFailure : 0))
            }
            let runbook = Runbook(steps: steps)

            func execute(_ kind: RunKind, pace: Double) -> Run {
                clock = clock.addingTimeInterval(86_400)
                var run = Run(releaseKey: key, kind: kind, runbook: runbook, at: clock)
                // Each step's attempts, timed from when its predecessors are done.
                var actions: [(at: Double, rank: Int, command: RunCommand)] = []
                var ends = [Double](repeating: 0, count: steps.count)
                let position = Dictionary(uniqueKeysWithValues: steps.enumerated().map { ($1.key, $0) })
                for (step, definition) in steps.enumerated() {
                    var at = definition.predecessors.map { ends[position[$0]!] }.max() ?? 0
                    func attempt() -> Double {
                        truth[step].median * pace * Foundation.exp(truth[step].sigma * normal()) * (uniform() < parameters.hiccups ? 2 : 1)
                    }
                    actions.append((at, 2, .start(definition.key)))
                    var tries = 0
                    while uniform() < truth[step].failure, tries < 3 {
                        at += attempt()
                        tries += 1
                        actions.append((at, 0, .fail(definition.key, comment: "failed")))
                        actions.append((at, 1, .retry(definition.key)))
                    }
                    at += attempt()
                    actions.append((at, 0, .complete(definition.key)))
                    ends[step] = at
                }
                let origin = clock.addingTimeInterval(3600)
                for action in actions.enumerated().sorted(by: { ($0.element.at, $0.element.rank, $0.offset) < ($1.element.at, $1.element.rank, $1.offset) }) {
                    try? run.apply(action.element.command, by: "simulation", at: origin.addingTimeInterval(action.element.at))
                }
                return run
            }

            let rehearsals = (0..<parameters.rehearsals).map { _ in execute(.rehearsal, pace: Foundation.exp(parameters.rehearsalSpread * normal())) }
            let livePace = Foundation.log(parameters.slowdown) + applicationPaces[application] + parameters.slowdownSpread * normal()
            let live = execute(.live, pace: Foundation.exp(livePace))
            let installation = InstallationHistory(history)
            if index >= parameters.warmUp {
                cases.append(CalibrationReport.Case(live: live, rehearsals: RehearsalHistory(rehearsals), installation: installation, tags: tags, learns: parameters.learning))
            }
            if let record = CutoverRecord(live: live, rehearsals: rehearsals, tags: tags) { history.append(record) }
        }
        let report = CalibrationReport(cases, draws: parameters.draws)
        return Report(cutovers: report.cutovers.count, summaries: report.summaries)
    }
}
