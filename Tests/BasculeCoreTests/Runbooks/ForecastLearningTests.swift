@testable import BasculeCore
import Foundation
import Testing

/// The forecast learning as a run goes (its pace), from past cutovers (the prior), from
/// rehearsals' failures and hiccups (reruns), and the calibration report.
@Suite("Forecast learning")
struct ForecastLearningTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Forty steps in a row, ten minutes each as planned.
    static let chain: [RunbookStep] = (0..<40).map { index in
        RunbookStep(key: "S\(index)", title: "Step \(index)", plannedDuration: 600, predecessors: index == 0 ? [] : ["S\(index - 1)"])
    }

    /// Three rehearsals of each step: 9.5, 10 and 10.5 minutes.
    static let rehearsed: [String: [TimeInterval]] = Dictionary(uniqueKeysWithValues: chain.map { ($0.key, [570, 600, 630]) })

    /// The first `durations.count` steps done back to back with these durations from `start`.
    static func progress(_ durations: [TimeInterval]) -> (progress: [StepProgress], now: Date) {
        var at = start
        var progress = Array(repeating: StepProgress(), count: chain.count)
        for (index, duration) in durations.enumerated() {
            progress[index] = StepProgress(state: .done, startedAt: at, endedAt: at.addingTimeInterval(duration))
            at = at.addingTimeInterval(duration)
        }
        return (progress, at)
    }

    /// A run of `steps` driven through the engine: each step started when the previous one
    /// ends, with its duration; `failing` steps fail once first (after `duration`) and are retried.
    static func run(_ kind: RunKind, _ steps: [RunbookStep], durations: (RunbookStep) -> TimeInterval, failing: Set<String> = [], at origin: Date) throws -> Run {
        var run = Run(releaseKey: ReleaseKey(number: 1), kind: kind, runbook: Runbook(steps: steps), at: origin)
        var at = origin
        for step in steps {
            try run.apply(.start(step.key), by: "ops", at: at)
            if failing.contains(step.key) {
                at = at.addingTimeInterval(durations(step))
                try run.apply(.fail(step.key, comment: "timed out"), by: "ops", at: at)
                try run.apply(.retry(step.key), by: "ops", at: at)
            }
            at = at.addingTimeInterval(durations(step))
            try run.apply(.complete(step.key), by: "ops", at: at)
        }
        return run
    }

    @Test("a run going 20 % slow moves P50 of the remaining steps by about 20 %")
    func slowRunMovesTheRest() {
        // given the first twenty steps took 12 minutes each, against 10 in rehearsal
        let (progress, now) = Self.progress(Array(repeating: 720, count: 20))
        let forecaster = Forecaster(steps: Self.chain, history: Self.rehearsed)
        // when
        let forecast = forecaster.forecast(start: Self.start, progress: progress, now: now)
        // then the twenty left are expected at about 12 minutes each, not 10
        let remaining = forecast.p50End.timeIntervalSince(now) / (20 * 600)
        #expect(abs(remaining - 1.2) < 0.04, "\(remaining)")
        #expect(abs(forecast.pace.factor - 1.2) < 0.03, "\(forecast.pace.factor)")
        #expect(forecast.pace.basis == .rehearsals)
    }

    @Test("one step three times as long does not move the rest")
    func oneOutlierMovesLittle() {
        // given nineteen steps as rehearsed and one that took 30 minutes
        var durations = Array(repeating: 600.0, count: 20)
        durations[7] = 1800
        let (progress, now) = Self.progress(durations)
        // when
        let forecast = Forecaster(steps: Self.chain, history: Self.rehearsed).forecast(start: Self.start, progress: progress, now: now)
        // then
        let remaining = forecast.p50End.timeIntervalSince(now) / (20 * 600)
        #expect(abs(remaining - 1) < 0.05, "\(remaining)")
    }

    @Test("before any step finished, the prior sets the pace of every step")
    func priorSetsThePace() {
        // given past cutovers ran 10 % slower than their rehearsals
        let prior = PacePrior(logMean: Foundation.log(1.1), logSD: 0.05, source: .installation(cutovers: 8))
        // when
        let slow = Forecaster(steps: Self.chain, history: Self.rehearsed, prior: prior).forecast(start: Self.start, now: Self.start)
        let asRehearsed = Forecaster(steps: Self.chain, history: Self.rehearsed).forecast(start: Self.start, now: Self.start)
        // then
        let ratio = slow.p50End.timeIntervalSince(Self.start) / asRehearsed.p50End.timeIntervalSince(Self.start)
        #expect(abs(ratio - 1.1) < 0.02, "\(ratio)")
        #expect(slow.pace.prior.source == .installation(cutovers: 8))
    }

    @Test("a shared pace makes P90 of a long runbook wider than independent steps would")
    func sharedPaceWidensTheTail() {
        // given no history beyond the rehearsals: the pace is as rehearsed, give or take 12 %
        let forecaster = Forecaster(steps: Self.chain, history: Self.rehearsed)
        let fixed = Forecaster(steps: Self.chain, rehearsals: RehearsalHistory(durations: Self.rehearsed), prior: .rehearsals, rerunRate: nil, learning: false)
        // when
        let shared = forecaster.forecast(start: Self.start, now: Self.start), independent = fixed.forecast(start: Self.start, now: Self.start)
        // then forty steps' own noise mostly cancels out; a pace shared by all of them does not
        let spread = { (forecast: Forecast) in forecast.p90End.timeIntervalSince(forecast.p50End) }
        #expect(spread(shared) > 2 * spread(independent), "\(spread(shared)) against \(spread(independent))")
    }

    @Test("a step that failed and was retried in rehearsal may run again: P90 moves, the expected end does not")
    func rehearsalRetriesWidenTheTail() throws {
        // given two rehearsals, in one of which S3 failed once before it passed
        let steps = Array(Self.chain.prefix(6))
        let clean = try Self.run(.rehearsal, steps, durations: { _ in 600 }, at: Self.start)
        let retried = try Self.run(.rehearsal, steps, durations: { _ in 600 }, failing: ["S3"], at: Self.start)
        let history = RehearsalHistory([clean, retried])
        // when
        let withRetry = Forecaster(steps: steps, rehearsals: history).forecast(start: Self.start, now: Self.start)
        let withoutRetry = Forecaster(steps: steps, rehearsals: RehearsalHistory([clean, clean])).forecast(start: Self.start, now: Self.start)
        // then
        #expect(history.retries["S3"] == 1 && history.runs["S3"] == 2)
        #expect(withRetry.p90End > withoutRetry.p90End.addingTimeInterval(300))
        #expect(withRetry.expectedEnd == withoutRetry.expectedEnd)
    }

    @Test("a rehearsal duration far beyond the step's others is set aside as a hiccup")
    func hiccupSetAside() {
        // given S0 took 10, 10.2 and 25 minutes; the other steps about 10
        var history = Self.rehearsed
        history["S0"] = [600, 612, 1500]
        // when
        let fitted = Forecaster(steps: Self.chain, history: history).fitted
        // then its median is about 10 minutes, and it may run long again
        #expect(abs(fitted.medians[0] - (600 * 612.0).squareRoot()) < 1, "\(fitted.medians[0])")
        #expect(fitted.hiccups[0] == 1 && fitted.hiccups[1] == 0)
    }

    @Test("a step running far longer than usual is expected to end later than now")
    func longRunningStep() {
        // given S0 has run 20 minutes, twice its rehearsals
        var progress = Array(repeating: StepProgress(), count: Self.chain.count)
        progress[0] = StepProgress(state: .running, startedAt: Self.start)
        let now = Self.start.addingTimeInterval(1200)
        // when
        let forecast = Forecaster(steps: Self.chain, history: Self.rehearsed).forecast(start: Self.start, progress: progress, now: now)
        // then the rest (39 steps of 10 minutes) starts after some more of S0, not at once
        let p50Rest = forecast.p50End.timeIntervalSince(now) - 39 * 600
        #expect(p50Rest > 30, "\(p50Rest)")
    }

    @Test("a failed step is expected to be tried again: the end moves by about one more attempt")
    func failedStepIsRetried() {
        // given S0 failed after 10 minutes
        var progress = Array(repeating: StepProgress(), count: Self.chain.count)
        progress[0] = StepProgress(state: .failed, startedAt: Self.start, endedAt: Self.start.addingTimeInterval(600))
        let now = Self.start.addingTimeInterval(600)
        // when
        let forecast = Forecaster(steps: Self.chain, history: Self.rehearsed).forecast(start: Self.start, progress: progress, now: now)
        // then forty steps remain to be done, S0 again included
        #expect(abs(forecast.expectedEnd.timeIntervalSince(now) - 40 * 600) < 60, "\(forecast.expectedEnd.timeIntervalSince(now))")
    }

    @Test("a finished live run's pace against its rehearsals is what later cutovers learn")
    func cutoverRecord() throws {
        // given rehearsals of 10 minutes a step and a live run of 11.5
        let steps = Array(Self.chain.prefix(10))
        let rehearsals = try [0, 1].map { _ in try Self.run(.rehearsal, steps, durations: { _ in 600 }, at: Self.start) }
        let live = try Self.run(.live, steps, durations: { _ in 690 }, failing: ["S4"], at: Self.start.addingTimeInterval(86_400))
        // when
        let record = try #require(CutoverRecord(live: live, rehearsals: rehearsals, tags: ["erp"]))
        // then
        #expect(abs(Foundation.exp(try #require(record.logRatio)) - 1.15) < 0.01)
        #expect(record.retries == 1 && record.attempts == 11)
    }

    @Test("the prior comes from the application's cutovers when it has three, else from all, else from none")
    func priorSources() {
        // given three cutovers of the ERP 20 % slow, two others as rehearsed
        func record(_ ratio: Double, _ tags: [String], _ day: Double) -> CutoverRecord {
            CutoverRecord(release: ReleaseKey(number: Int(day)), tags: tags, endedAt: Self.start.addingTimeInterval(day * 86_400),
                          logRatio: Foundation.log(ratio), attempts: 10, retries: 0)
        }
        let history = InstallationHistory([record(1.2, ["erp"], 1), record(1.2, ["erp"], 2), record(1.2, ["erp", "finance"], 3),
                                           record(1, ["shop"], 4), record(1, ["crm"], 5)])
        // when / then
        #expect(history.prior(for: ["erp"]).source == .application(cutovers: 3))
        #expect(abs(Foundation.exp(history.prior(for: ["erp"]).logMean) - 1.2) < 0.001)
        #expect(history.prior(for: ["shop"]).source == .installation(cutovers: 5))
        #expect(history.before(Self.start).prior(for: ["erp"]).source == .rehearsals)
        #expect(history.before(Self.start).rerunRate == nil)
    }

    @Test("a run's progress is replayed from its log as it stood at any moment")
    func progressReplayed() throws {
        // given
        let steps = Array(Self.chain.prefix(3))
        let run = try Self.run(.live, steps, durations: { _ in 600 }, failing: ["S1"], at: Self.start)
        // when
        let progress = run.progress(at: Self.start.addingTimeInterval(1000))
        // then S0 done, S1 failed (its first attempt ended at 1200 s, so still running), S2 waiting
        #expect(progress.map(\.state) == [.done, .running, .pending])
        #expect(run.progress(at: Self.start.addingTimeInterval(1200)).map(\.state) == [.done, .running, .pending])
        #expect(run.progress(at: Self.start.addingTimeInterval(1200)).map(\.startedAt)[1] == Self.start.addingTimeInterval(1200))
        #expect(run.progress(at: run.endedAt!).allSatisfy { $0.state == .done })
    }

    @Test("the calibration report remakes each cutover's forecasts and counts how often they held")
    func calibrationReport() throws {
        // given twenty cutovers that ran as rehearsed
        let steps = Array(Self.chain.prefix(8))
        var seed: UInt64 = 3
        func noisy(_ step: RunbookStep) -> TimeInterval {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return step.plannedDuration * (0.85 + 0.3 * Double(seed >> 11) / Double(1 << 53))
        }
        let cases = try (0..<20).map { index -> CalibrationReport.Case in
            let origin = Self.start.addingTimeInterval(Double(index) * 86_400 * 3)
            let rehearsals = try (0..<3).map { _ in try Self.run(.rehearsal, steps, durations: noisy, at: origin) }
            let live = try Self.run(.live, steps, durations: noisy, at: origin.addingTimeInterval(86_400))
            return CalibrationReport.Case(live: live, rehearsals: RehearsalHistory(rehearsals), installation: .empty, tags: [])
        }
        // when
        let report = CalibrationReport(cases, draws: 200)
        // then every checkpoint is there for every cutover, and P90 held most of the time
        #expect(report.cutovers.count == 20)
        #expect(report.summaries.map(\.checkpoint) == CalibrationReport.Checkpoint.allCases)
        let goLive = try #require(report.summaries.first)
        #expect(goLive.cutovers == 20 && goLive.underP90 >= 0.8, "\(goLive)")
        #expect(goLive.reliability.count == 9 && goLive.reliability == goLive.reliability.sorted())
    }

    @Test("each cutover in the report is read by how the forecasts of the cutovers finished before it held, from the tenth on")
    func reportRecalibratesFromEarlierCutovers() throws {
        // given fifteen cutovers each twice as long live as rehearsed: every forecast as drawn ends far too early
        let steps = Array(Self.chain.prefix(5))
        let cases = try (0..<15).map { index -> CalibrationReport.Case in
            let origin = Self.start.addingTimeInterval(Double(index) * 86_400 * 3)
            let rehearsals = try (0..<2).map { _ in try Self.run(.rehearsal, steps, durations: { $0.plannedDuration }, at: origin) }
            let live = try Self.run(.live, steps, durations: { 2 * $0.plannedDuration }, at: origin.addingTimeInterval(86_400))
            return CalibrationReport.Case(live: live, rehearsals: RehearsalHistory(rehearsals), installation: .empty, tags: [])
        }
        // when
        let report = CalibrationReport(cases, draws: 200)
        // then the first ten are read as drawn, the last five by the ten or more before them, and the next forecast learns from all fifteen
        let oldestFirst = report.cutovers.reversed().map(\.calibratedBy)
        #expect(oldestFirst == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 11, 12, 13, 14])
        let drawn = try #require(report.cutovers.last?.points.first), read = try #require(report.cutovers.first?.points.first)
        #expect(drawn.rank == 1 && drawn.p90End < report.cutovers.last!.endedAt)
        #expect(read.p90End > drawn.p90End.addingTimeInterval(report.cutovers.first!.startedAt.timeIntervalSince(report.cutovers.last!.startedAt)))
        #expect(report.recalibration.cutovers == 15)
    }

    @Test("on simulated cutovers with shared slowdowns and hiccups, learning keeps P90 covered and P50 centred, and lowers the error halfway")
    func simulation() {
        // given a small version of the benchmark's simulation
        var parameters = ForecastSimulation.Parameters()
        parameters.cutovers = 150
        parameters.steps = 20
        parameters.draws = 200
        // when
        let learning = ForecastSimulation.run(parameters)
        parameters.learning = false
        let reference = ForecastSimulation.run(parameters)
        // then
        #expect(learning.summary(.goLive).underP90 >= 0.85 && learning.summary(.half).underP90 >= 0.85, "\(learning)")
        #expect((0.35...0.65).contains(learning.summary(.goLive).underP50), "\(learning)")
        #expect(learning.summary(.half).medianError < reference.summary(.half).medianError, "\(learning)\n\(reference)")
    }
}
