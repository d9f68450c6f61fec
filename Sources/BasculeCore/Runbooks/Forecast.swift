import Foundation

public enum StepState: String, Sendable, CaseIterable, Codable {
    case pending, running, done, failed, skipped
    /// The agent running it went silent: the step is never run again on its own; an operator
    /// retries it, completes it or fails it.
    case lost

    /// Successors may start.
    public var isSettled: Bool { self == .done || self == .skipped }
}

/// Where a step stands in a run.
public struct StepProgress: Sendable, Equatable, Codable {
    public var state: StepState
    public var startedAt: Date?
    public var endedAt: Date?
    /// Seconds of interruption the step measured from outside (a rolling update's probe): its
    /// downtime, in place of its whole length.
    public var measuredDowntime: TimeInterval?

    public init(state: StepState = .pending, startedAt: Date? = nil, endedAt: Date? = nil, measuredDowntime: TimeInterval? = nil) {
        self.state = state
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.measuredDowntime = measuredDowntime
    }

    /// The part of the run during which `step` had the service down, until `now` for a step
    /// still running: its measured interruption from its start when it has one, its whole
    /// length when it is a downtime step; nil otherwise.
    public func downtime(of step: RunbookStep, now: Date) -> (Double, Double)? {
        guard let begun = startedAt else { return nil }
        let from = begun.timeIntervalSinceReferenceDate
        if let measured = measuredDowntime { return measured > 0 ? (from, from + measured) : nil }
        guard step.downtime else { return nil }
        let end = min(endedAt ?? now, now).timeIntervalSinceReferenceDate
        return end > from ? (from, end) : nil
    }
}

/// The forecast of a run: the expected end from the best known durations, P50 and P90 of the
/// end and of the downtime by Monte Carlo, how far behind plan, and the critical path.
public struct Forecast: Sendable, Equatable {
    public let plannedEnd: Date
    public let expectedEnd: Date
    public let p50End: Date
    public let p90End: Date
    /// Positive when behind plan.
    public let delay: TimeInterval
    public let downtimeSoFar: TimeInterval
    public let expectedDowntime: TimeInterval
    public let p50Downtime: TimeInterval
    public let p90Downtime: TimeInterval
    public let criticalPath: [String]
    public let draws: Int
    /// Each step's expected start and end (same order as the steps), from the best known durations.
    public let expected: Timeline
    /// How much slower or faster than its history this run goes, as its finished steps say,
    /// starting from the prior; the remaining steps are drawn with it.
    public let pace: RunPace
    /// P10, P20 … P90 of the end (nine values), for the calibration report.
    public let endDeciles: [Date]
    /// Every draw's end (seconds since the reference date), sorted: where P50 and P90 are read.
    let endDraws: [Double]
    /// How far through the run the forecast was made: time gone over the run's length by the
    /// drawn P50 (0 before going live).
    let progress: Double
    /// Past cutovers whose forecasts' record corrected where P50, P90 and the deciles are read
    /// (`Recalibration`); 0 when they are read as drawn.
    public let calibratedBy: Int

    /// The share of the draws that ended by `end`: 0.5 on P50 for a forecast read as drawn.
    public func rank(of end: Date) -> Double {
        guard !endDraws.isEmpty else { return 0.5 }
        let value = end.timeIntervalSinceReferenceDate
        var low = 0, high = endDraws.count
        while low < high { let mid = (low + high) / 2; if endDraws[mid] < value { low = mid + 1 } else { high = mid } }
        var equal = low
        while equal < endDraws.count, endDraws[equal] == value { equal += 1 }
        return (Double(low) + Double(equal)) / 2 / Double(endDraws.count)
    }

    /// The same forecast with its end read at the levels `recalibration` says the past
    /// cutovers call for, at this forecast's point in its run.
    public func recalibrated(by recalibration: Recalibration) -> Forecast {
        guard recalibration.cutovers > 0, !endDraws.isEmpty else { return self }
        func at(_ level: Double) -> Date {
            Date(timeIntervalSinceReferenceDate: Forecaster.quantile(endDraws, recalibration.level(level, progress: progress)))
        }
        return Forecast(plannedEnd: plannedEnd, expectedEnd: expectedEnd, p50End: at(0.5), p90End: at(0.9), delay: delay,
                        downtimeSoFar: downtimeSoFar, expectedDowntime: expectedDowntime, p50Downtime: p50Downtime, p90Downtime: p90Downtime,
                        criticalPath: criticalPath, draws: draws, expected: expected, pace: pace,
                        endDeciles: (1...9).map { at(Double($0) / 10) }, endDraws: endDraws, progress: progress,
                        calibratedBy: recalibration.cutovers)
    }
}

/// Forecasts a run from its runbook, the durations measured in rehearsals and what the live
/// run has done so far. Each step's duration is, in order of preference: its actual duration
/// in this run; a draw from a log-normal fitted to its rehearsal durations, widened when there
/// are few of them; or a draw from a log-normal around its planned duration. Every draw of
/// the remaining steps is multiplied by one factor shared by all of them, drawn from the run's
/// pace (`RunPace`: the prior, updated by the steps already finished), because a run that is
/// slow is slow everywhere; and a step may have to be run again (`reruns`), which adds an attempt.
public struct Forecaster: Sendable {
    /// A step's own record of reruns counts like this many rehearsals against the installation's
    /// rate, so that two clean rehearsals do not promise that it never fails, nor one failure in
    /// two that it fails half the time.
    static let rerunWeight = 4.0
    /// Odds of a rerun above which a step is no longer a step but a coin toss: a runbook's problem.
    static let mostReruns = 0.5

    /// The spread assumed for a step never rehearsed: P90 about 1.5 times the planned duration.
    public static let plannedSpread = 0.3

    public let steps: [RunbookStep]
    public let graph: RunbookGraph
    /// Per step (same order as `steps`), the actual durations of rehearsals, in seconds.
    public let history: [[TimeInterval]]
    /// Per step (same order as `steps`), the chance that it fails and must be run again.
    public let reruns: [Double]
    /// What is believed of the run's pace before any of its steps finished.
    public let prior: PacePrior
    /// How the past cutovers' forecasts held, which corrects where the end's quantiles are read.
    public let recalibration: Recalibration
    /// Per step, the median interruption its rehearsals measured from outside; nil when none did.
    /// A step yet to run counts that as its downtime.
    public let rehearsedInterruption: [TimeInterval?]
    let fitted: StepDistributions

    /// Step-draws one forecast may cost when a person is waiting for it: two million take
    /// about 30 ms in a release build here (docs/BENCHMARKS.md).
    public static let drawBudget = 2_000_000
    /// The fewest draws a forecast makes: enough for a P90 within about two points.
    public static let minimumDraws = 200

    /// `requested` draws, or fewer for a long runbook so that the whole stays within `drawBudget`.
    public static func affordableDraws(_ requested: Int, steps: Int) -> Int {
        min(requested, max(minimumDraws, drawBudget / max(1, steps)))
    }

    public init(steps: [RunbookStep], history: [String: [TimeInterval]] = [:], prior: PacePrior = .rehearsals) {
        self.init(steps: steps, rehearsals: RehearsalHistory(durations: history), prior: prior)
    }

    /// From a release's rehearsals, and what the installation's past cutovers teach: the prior
    /// of the pace, and the share of step attempts that had to be made again or ran far long
    /// (`rerunRate`; nil without any cutover, when the rehearsals' own share stands in).
    public init(steps: [RunbookStep], rehearsals: RehearsalHistory, prior: PacePrior = .rehearsals, rerunRate: Double? = nil,
                recalibration: Recalibration = .identity) {
        self.init(steps: steps, rehearsals: rehearsals, prior: prior, rerunRate: rerunRate, recalibration: recalibration, learning: true)
    }

    /// `learning` false forecasts as Bascule did before it learned (steps drawn independently
    /// from all their rehearsal durations, no shared pace, no rerun): the simulation's reference.
    init(steps: [RunbookStep], rehearsals: RehearsalHistory, prior: PacePrior, rerunRate: Double?,
         recalibration: Recalibration = .identity, learning: Bool) {
        self.steps = steps
        self.recalibration = learning ? recalibration : .identity
        self.graph = RunbookGraph(steps)
        let history = steps.map { rehearsals.durations[$0.key] ?? [] }
        self.history = history
        self.rehearsedInterruption = steps.map { step in
            let measured = (rehearsals.interruptions[step.key] ?? []).sorted()
            return measured.isEmpty ? nil : measured[measured.count / 2]
        }
        let fitted = StepDistributions(steps: steps, history: history, learning: learning)
        self.fitted = fitted
        guard learning else {
            self.prior = PacePrior(logMean: 0, logSD: 0, source: .rehearsals)
            reruns = Array(repeating: 0, count: steps.count)
            return
        }
        self.prior = prior
        // Each step's odds of running again: its own retries and hiccups in rehearsal, drawn
        // toward the installation's rate, or the rehearsals' rate over all steps.
        let runs = steps.indices.map { Double(max(rehearsals.runs[steps[$0].key] ?? 0, fitted.samples[$0])) }
        let again = steps.indices.map { Double((rehearsals.retries[steps[$0].key] ?? 0) + fitted.hiccups[$0]) }
        let attempts = runs.reduce(0, +) + Double(steps.map { rehearsals.retries[$0.key] ?? 0 }.reduce(0, +))
        let base = rerunRate ?? (attempts > 0 ? again.reduce(0, +) / attempts : 0)
        self.reruns = steps.indices.map { step in
            min(Self.mostReruns, (again[step] + Self.rerunWeight * base) / (runs[step] + Self.rerunWeight))
        }
    }

    /// The finished steps of a run that took far longer than their history, its pace taken
    /// out: what the installation's next forecasts count as hiccups.
    public func hiccups(progress: [StepProgress], pace: RunPace) -> Int {
        (0..<min(progress.count, steps.count)).filter { step in
            guard progress[step].state == .done, !history[step].isEmpty, fitted.medians[step] > 0,
                  let begun = progress[step].startedAt, let ended = progress[step].endedAt, ended > begun else { return false }
            return fitted.isHiccup(Foundation.log(ended.timeIntervalSince(begun) / fitted.medians[step]) - pace.logMean)
        }.count
    }

    /// The pace of a run whose steps stand at `progress`: each finished step's duration against
    /// its expected one. Only steps with rehearsal durations count when some have them (the pace
    /// is then against the rehearsals), else every step against its plan.
    public func pace(progress: [StepProgress], prior: PacePrior? = nil) -> RunPace {
        pace(progress: progress, medians: fitted.medians, sigmas: fitted.sigmas, prior: prior ?? self.prior)
    }

    private func pace(progress: [StepProgress], medians: [Double], sigmas: [Double], prior: PacePrior) -> RunPace {
        let rehearsed = history.contains { !$0.isEmpty }
        var observations: [RunPace.Observation] = []
        for step in 0..<min(progress.count, steps.count) where progress[step].state == .done {
            guard !rehearsed || !history[step].isEmpty, medians[step] > 0,
                  let begun = progress[step].startedAt, let ended = progress[step].endedAt else { continue }
            let duration = ended.timeIntervalSince(begun)
            guard duration > 0 else { continue }
            observations.append(RunPace.Observation(logRatio: Foundation.log(duration / medians[step]), sigma: sigmas[step]))
        }
        return RunPace.learned(from: observations, prior: prior, basis: rehearsed ? .rehearsals : .plan)
    }

    public func forecast(start: Date, progress: [StepProgress]? = nil, now: Date, draws: Int = 1000, seed: UInt64 = 0x5EED) -> Forecast {
        let count = steps.count
        let progress = progress ?? Array(repeating: StepProgress(), count: count)
        let planned = CriticalPath.timeline(graph, durations: steps.map(\.plannedDuration), earliest: steps.map(\.fixedStart), origin: start)
        let live = progress.contains { $0.state != .pending }
        let floor = live ? max(now, start) : start
        let (medians, sigmas) = (fitted.medians, fitted.sigmas)
        let pace = pace(progress: progress, medians: medians, sigmas: sigmas, prior: prior)
        let factor = pace.factor

        // Fixed durations and earliest starts of what already happened.
        var known = [Double?](repeating: nil, count: count)
        var earliest = [Date?](repeating: nil, count: count)
        var elapsed = [Double](repeating: 0, count: count)
        // A failed step's time so far, before the attempt it is expected to be tried again with.
        var spent = [Double](repeating: 0, count: count)
        for step in 0..<count {
            let p = progress[step]
            switch p.state {
            case .done:
                known[step] = max(0, (p.endedAt ?? now).timeIntervalSince(p.startedAt ?? now))
                earliest[step] = p.startedAt
            case .failed, .lost:
                earliest[step] = p.startedAt
                spent[step] = max(0, (p.endedAt ?? now).timeIntervalSince(p.startedAt ?? now))
                elapsed[step] = max(spent[step], now.timeIntervalSince(p.startedAt ?? now))
            case .skipped:
                known[step] = 0
                earliest[step] = p.endedAt ?? p.startedAt
            case .running:
                earliest[step] = p.startedAt
                elapsed[step] = max(0, now.timeIntervalSince(p.startedAt ?? now))
            case .pending:
                earliest[step] = [steps[step].fixedStart, live ? floor : nil].compactMap { $0 }.max()
            }
        }

        // The expected run: medians at the run's pace where nothing is known.
        let expectedDurations = (0..<count).map { known[$0] ?? max(elapsed[$0], spent[$0] + medians[$0] * factor) }
        let expected = CriticalPath.timeline(graph, durations: expectedDurations, earliest: earliest, origin: start)
        // A step that measured its interruption counts that, not its length; one yet to end,
        // what its rehearsals measured.
        let measured = (0..<count).map { progress[$0].measuredDowntime ?? (progress[$0].endedAt == nil ? rehearsedInterruption[$0] : nil) }
        let downtimeSteps = (0..<count).filter { steps[$0].downtime || measured[$0] != nil }
        func downtime(_ starts: [Double], _ finishes: [Double], until limit: Double = .infinity) -> Double {
            CriticalPath.unionLength(downtimeSteps.compactMap { step in
                let end = min(measured[step].map { starts[step] + $0 } ?? finishes[step], limit)
                return end > starts[step] ? (starts[step], end) : nil
            })
        }
        let soFar = CriticalPath.unionLength((0..<count).compactMap { progress[$0].downtime(of: steps[$0], now: now) })

        // Monte Carlo.
        var random = SplitMix(seed: seed)
        let base = start.timeIntervalSinceReferenceDate
        let earliestSeconds = earliest.map { $0?.timeIntervalSinceReferenceDate ?? -Double.infinity }
        var ends = [Double](), downtimes = [Double]()
        ends.reserveCapacity(draws)
        downtimes.reserveCapacity(draws)
        var starts = [Double](repeating: 0, count: count), finishes = [Double](repeating: 0, count: count)
        let order = graph.order.map(Int.init)
        // Each step's inputs side by side, read once per draw in the hot loop.
        let plans = (0..<count).map { step -> StepDraw in
            // A step running for a while is drawn among the durations longer than what it has
            // already taken (at the run's pace), not from all of them: the longer it runs, the
            // later it is expected to end.
            var lowest = 0, odds = elapsed[step] == 0 ? reruns[step] : 0
            if progress[step].state == .running, elapsed[step] > 0, medians[step] > 0, sigmas[step] > 0 {
                let usual = medians[step] * factor, sigma = sigmas[step]
                let z = Foundation.log(elapsed[step] / usual) / sigma
                lowest = min(Normal.table.count - 1, Int(Normal.cdf(z) * Double(Normal.table.count)))
                // The longer it runs, the likelier it is one of the attempts that go twice as
                // long: the odds of a rerun, weighed by how likely each is to have lasted this long.
                let once = 1 - Normal.cdf(z), twice = 1 - Normal.cdf(Foundation.log(elapsed[step] / (2 * usual)) / (sigma / 2.0.squareRoot()))
                let prior = reruns[step]
                odds = prior * twice + (1 - prior) * once > 0 ? prior * twice / (prior * twice + (1 - prior) * once) : prior
            }
            // A step may fail and be run again (its failed attempt is another draw): it does
            // in a draw when a uniform draw falls under 2⁶⁴ × its odds.
            let rerun = UInt64(min(odds, 0.999) * 18_446_744_073_709_551_615.0)
            return StepDraw(fixed: known[step] ?? -1, median: medians[step], sigma: sigmas[step], spent: spent[step],
                            elapsed: elapsed[step], earliest: max(base, earliestSeconds[step]), lowest: lowest, rerun: rerun)
        }
        for _ in 0..<max(1, draws) {
            var last = base
            let shared = Normal.exponential(pace.logSD, &random) * factor
            for step in order {
                let plan = plans[step]
                var begin = plan.earliest
                graph.forEachPredecessor(of: step) { begin = max(begin, finishes[$0]) }
                var duration = plan.fixed
                if duration < 0 {
                    let scale = plan.median * shared
                    let drawn: Double
                    if plan.rerun > 0, random.next() < plan.rerun {
                        drawn = plan.spent + scale * (Normal.exponential(plan.sigma, &random) + Normal.exponential(plan.sigma, &random))
                    } else {
                        drawn = plan.spent + scale * Normal.exponential(plan.sigma, above: plan.lowest, &random)
                    }
                    duration = max(plan.elapsed, drawn)
                }
                starts[step] = begin
                finishes[step] = begin + duration
                if finishes[step] > last { last = finishes[step] }
            }
            ends.append(last)
            downtimes.append(downtime(starts, finishes))
        }
        ends.sort()
        downtimes.sort()
        let quantile = Self.quantile
        let drawnP50 = quantile(ends, 0.5)
        let progressShare = live && drawnP50 > base ? min(1, max(0, floor.timeIntervalSinceReferenceDate - base) / (drawnP50 - base)) : 0
        let expectedDown = downtime(expected.starts.map(\.timeIntervalSinceReferenceDate), expected.finishes.map(\.timeIntervalSinceReferenceDate))
        return Forecast(
            plannedEnd: planned.end, expectedEnd: expected.end,
            p50End: Date(timeIntervalSinceReferenceDate: quantile(ends, 0.5)), p90End: Date(timeIntervalSinceReferenceDate: quantile(ends, 0.9)),
            delay: expected.end.timeIntervalSince(planned.end), downtimeSoFar: soFar, expectedDowntime: expectedDown,
            p50Downtime: quantile(downtimes, 0.5), p90Downtime: quantile(downtimes, 0.9),
            criticalPath: expected.criticalPath.map { steps[$0].key }, draws: max(1, draws), expected: expected,
            pace: pace, endDeciles: (1...9).map { Date(timeIntervalSinceReferenceDate: quantile(ends, Double($0) / 10)) },
            endDraws: ends, progress: progressShare, calibratedBy: 0).recalibrated(by: recalibration)
    }

    /// The value under which a share `q` of `sorted` falls.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * q).rounded(.up)) - 1))]
    }

}

/// What one step's duration is drawn from in the Monte Carlo loop; `fixed` ≥ 0 when known.
private struct StepDraw {
    let fixed: Double
    let median: Double
    let sigma: Double
    let spent: Double
    let elapsed: Double
    let earliest: Double
    let lowest: Int
    let rerun: UInt64
}

/// A small, fast, seedable generator (SplitMix64): forecasts are reproducible.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Standard normal draws from a table of 4,096 quantiles: a multiplication per step and draw
/// instead of a logarithm, a square root and a cosine.
enum Normal {
    static let table: [Double] = (0..<4096).map { quantile((Double($0) + 0.5) / 4096) }

    @inline(__always)
    static func exponential(_ sigma: Double, _ random: inout SplitMix) -> Double {
        sigma == 0 ? 1 : Foundation.exp(sigma * table[Int(random.next() & 4095)])
    }

    /// The standard normal distribution function.
    static func cdf(_ z: Double) -> Double { 0.5 * Foundation.erfc(-z / 2.0.squareRoot()) }

    /// The same, drawn among the quantiles from `lowest` up: a draw conditioned on being at least that one.
    @inline(__always)
    static func exponential(_ sigma: Double, above lowest: Int, _ random: inout SplitMix) -> Double {
        guard lowest > 0 else { return exponential(sigma, &random) }
        return Foundation.exp(sigma * table[lowest + Int(random.next() % UInt64(table.count - lowest))])
    }

    /// Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9).
    static func quantile(_ p: Double) -> Double {
        let a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.3577518672690, -30.66479806614716, 2.506628277459239]
        let b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
        let c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
        let d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
        let low = 0.02425
        if p < low {
            let q = (-2 * Foundation.log(p)).squareRoot()
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        if p > 1 - low {
            let q = (-2 * Foundation.log(1 - p)).squareRoot()
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let q = p - 0.5, r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}
