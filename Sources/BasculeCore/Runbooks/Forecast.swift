import Foundation

public enum StepState: String, Sendable, CaseIterable, Codable {
    case pending, running, done, failed, skipped

    /// Successors may start.
    public var isSettled: Bool { self == .done || self == .skipped }
}

/// Where a step stands in a run.
public struct StepProgress: Sendable, Equatable, Codable {
    public var state: StepState
    public var startedAt: Date?
    public var endedAt: Date?

    public init(state: StepState = .pending, startedAt: Date? = nil, endedAt: Date? = nil) {
        self.state = state
        self.startedAt = startedAt
        self.endedAt = endedAt
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
}

/// Forecasts a run from its runbook, the durations measured in rehearsals and what the live
/// run has done so far. Each step's duration is, in order of preference: its actual duration
/// in this run; a draw from a log-normal fitted to its rehearsal durations, widened when there
/// are few of them; or a draw from a log-normal around its planned duration.
public struct Forecaster: Sendable {
    /// The spread assumed for a step never rehearsed: P90 about 1.5 times the planned duration.
    public static let plannedSpread = 0.3

    public let steps: [RunbookStep]
    public let graph: RunbookGraph
    /// Per step (same order as `steps`), the actual durations of rehearsals, in seconds.
    public let history: [[TimeInterval]]

    /// Step-draws one forecast may cost when a person is waiting for it: two million take
    /// about 30 ms in a release build here (docs/BENCHMARKS.md).
    public static let drawBudget = 2_000_000
    /// The fewest draws a forecast makes: enough for a P90 within about two points.
    public static let minimumDraws = 200

    /// `requested` draws, or fewer for a long runbook so that the whole stays within `drawBudget`.
    public static func affordableDraws(_ requested: Int, steps: Int) -> Int {
        min(requested, max(minimumDraws, drawBudget / max(1, steps)))
    }

    public init(steps: [RunbookStep], history: [String: [TimeInterval]] = [:]) {
        self.steps = steps
        self.graph = RunbookGraph(steps)
        self.history = steps.map { history[$0.key] ?? [] }
    }

    public func forecast(start: Date, progress: [StepProgress]? = nil, now: Date, draws: Int = 1000, seed: UInt64 = 0x5EED) -> Forecast {
        let count = steps.count
        let progress = progress ?? Array(repeating: StepProgress(), count: count)
        let planned = CriticalPath.timeline(graph, durations: steps.map(\.plannedDuration), earliest: steps.map(\.fixedStart), origin: start)
        let live = progress.contains { $0.state != .pending }
        let floor = live ? max(now, start) : start
        let (medians, sigmas) = distributions()

        // Fixed durations and earliest starts of what already happened.
        var known = [Double?](repeating: nil, count: count)
        var earliest = [Date?](repeating: nil, count: count)
        var elapsed = [Double](repeating: 0, count: count)
        for step in 0..<count {
            let p = progress[step]
            switch p.state {
            case .done, .failed:
                known[step] = max(0, (p.endedAt ?? now).timeIntervalSince(p.startedAt ?? now))
                earliest[step] = p.startedAt
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

        // The expected run: medians where nothing is known.
        let expectedDurations = (0..<count).map { known[$0] ?? max(elapsed[$0], medians[$0]) }
        let expected = CriticalPath.timeline(graph, durations: expectedDurations, earliest: earliest, origin: start)
        let downtimeSteps = (0..<count).filter { steps[$0].downtime }
        func downtime(_ starts: [Double], _ finishes: [Double], until limit: Double = .infinity) -> Double {
            CriticalPath.unionLength(downtimeSteps.compactMap { step in
                let end = min(finishes[step], limit)
                return end > starts[step] ? (starts[step], end) : nil
            })
        }
        let soFar = CriticalPath.unionLength(downtimeSteps.compactMap { step in
            guard let begun = progress[step].startedAt else { return nil }
            let end = min(progress[step].endedAt ?? now, now)
            return end > begun ? (begun.timeIntervalSinceReferenceDate, end.timeIntervalSinceReferenceDate) : nil
        })

        // Monte Carlo.
        var random = SplitMix(seed: seed)
        let base = start.timeIntervalSinceReferenceDate
        let earliestSeconds = earliest.map { $0?.timeIntervalSinceReferenceDate ?? -Double.infinity }
        var ends = [Double](), downtimes = [Double]()
        ends.reserveCapacity(draws)
        downtimes.reserveCapacity(draws)
        var starts = [Double](repeating: 0, count: count), finishes = [Double](repeating: 0, count: count)
        let order = graph.order.map(Int.init)
        for _ in 0..<max(1, draws) {
            var last = base
            for step in order {
                var begin = max(base, earliestSeconds[step])
                graph.forEachPredecessor(of: step) { begin = max(begin, finishes[$0]) }
                let duration: Double
                if let fixed = known[step] {
                    duration = fixed
                } else {
                    duration = max(elapsed[step], medians[step] * Normal.exponential(sigmas[step], &random))
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
        func quantile(_ sorted: [Double], _ q: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1)] }
        let expectedDown = downtime(expected.starts.map(\.timeIntervalSinceReferenceDate), expected.finishes.map(\.timeIntervalSinceReferenceDate))
        return Forecast(
            plannedEnd: planned.end, expectedEnd: expected.end,
            p50End: Date(timeIntervalSinceReferenceDate: quantile(ends, 0.5)), p90End: Date(timeIntervalSinceReferenceDate: quantile(ends, 0.9)),
            delay: expected.end.timeIntervalSince(planned.end), downtimeSoFar: soFar, expectedDowntime: expectedDown,
            p50Downtime: quantile(downtimes, 0.5), p90Downtime: quantile(downtimes, 0.9),
            criticalPath: expected.criticalPath.map { steps[$0].key }, draws: max(1, draws), expected: expected)
    }

    /// Per step, the median duration and the log-normal spread to draw from. With rehearsal
    /// durations the median is their geometric mean; the spread pools their own with the
    /// planned spread (two samples' worth) and widens by √(1 + 1/n) for the uncertainty of
    /// estimating from n rehearsals.
    func distributions() -> (medians: [Double], sigmas: [Double]) {
        var medians: [Double] = [], sigmas: [Double] = []
        for (step, samples) in zip(steps, history) {
            let positive = samples.filter { $0 > 0 }
            guard !positive.isEmpty else {
                medians.append(step.plannedDuration)
                sigmas.append(step.plannedDuration > 0 ? Self.plannedSpread : 0)
                continue
            }
            let fit = LogFit(positive.map { Foundation.log($0) }, priorSpread: Self.plannedSpread)
            medians.append(Foundation.exp(fit.mean))
            sigmas.append(fit.spread)
        }
        return (medians, sigmas)
    }
}

/// The mean of some logarithms, and the spread of the next one: their own spread pooled with
/// `priorSpread` (worth two values), widened by √(1 + 1/n) for the uncertainty of a mean of n.
struct LogFit {
    let mean: Double
    let spread: Double

    init(_ logs: [Double], priorSpread: Double) {
        let n = Double(max(1, logs.count))
        let mean = logs.reduce(0, +) / n
        let variance = logs.count > 1 ? logs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1) : 0
        let pooled = ((n - 1) * variance + 2 * priorSpread * priorSpread) / (n - 1 + 2)
        self.mean = mean
        spread = pooled.squareRoot() * (1 + 1 / n).squareRoot()
    }
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
