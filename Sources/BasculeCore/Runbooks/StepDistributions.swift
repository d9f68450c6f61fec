import Foundation

/// What a forecast draws each step's duration from, fitted once from the rehearsals: a
/// log-normal per step (its median and spread), and the rehearsal durations set aside as
/// hiccups. A rehearsed step's median is the geometric mean of its durations; its spread pools
/// its own with the runbook's typical spread (worth two rehearsals) and widens by √(1 + 1/n)
/// for the uncertainty of estimating from n rehearsals. A step never rehearsed is drawn around
/// its planned duration with `Forecaster.plannedSpread`.
struct StepDistributions: Sendable {
    let medians: [Double]
    let sigmas: [Double]
    /// Per step, how many of its rehearsal durations were hiccups, and how many it has.
    let hiccups: [Int]
    let samples: [Int]
    /// The runbook's typical spread between rehearsals, hiccups left out.
    let typical: Double

    /// A duration this many times its step's usual one, and far beyond the runbook's usual
    /// variation, is a hiccup (a lock, a slow disk, something done twice by hand): it is kept out
    /// of the step's median and spread, and counted in the odds of the step running long again.
    static let hiccupRatio = 1.8
    /// ...and at least this many typical spreads above the step's other durations.
    static let hiccupSpreads = 3.0
    /// Degrees of freedom (rehearsals beyond the first, summed over steps) from which the
    /// runbook's own typical spread replaces `Forecaster.plannedSpread`.
    static let typicalSpreadMinimum = 6

    /// `learning` false fits as Bascule did before it learned (every duration kept, the planned
    /// spread as every step's prior): the reference of the forecast's accuracy check.
    init(steps: [RunbookStep], history: [[TimeInterval]], learning: Bool = true) {
        let logs = history.map { $0.filter { $0 > 0 }.map { Foundation.log($0) } }
        // Twice: the typical spread with hiccups in it says which durations are hiccups; then
        // again without them.
        let rough = Self.robustSpread(logs)
        let kept = learning ? logs.map { Self.withoutHiccups($0, typical: rough) } : logs
        let typical = learning ? Self.typicalSpread(kept) : Forecaster.plannedSpread
        var medians: [Double] = [], sigmas: [Double] = []
        for (step, values) in zip(steps, kept) {
            guard !values.isEmpty else {
                medians.append(step.plannedDuration)
                sigmas.append(step.plannedDuration > 0 ? Forecaster.plannedSpread : 0)
                continue
            }
            let fit = LogFit(values, priorSpread: typical)
            medians.append(Foundation.exp(fit.mean))
            sigmas.append(fit.spread)
        }
        self.medians = medians
        self.sigmas = sigmas
        hiccups = zip(logs, kept).map { $0.count - $1.count }
        samples = logs.map(\.count)
        self.typical = typical
    }

    /// Whether a duration `logRatio` (its log over the step's median, the run's pace taken
    /// out) is a hiccup.
    func isHiccup(_ logRatio: Double) -> Bool {
        logRatio > max(Foundation.log(Self.hiccupRatio), Self.hiccupSpreads * typical)
    }

    /// The durations (logarithms) of one step less those far above all its others.
    static func withoutHiccups(_ values: [Double], typical: Double) -> [Double] {
        guard values.count > 1 else { return values }
        let threshold = max(Foundation.log(hiccupRatio), hiccupSpreads * typical)
        // Only the longest can stand far above all the others: compare it with the next.
        let sorted = values.sorted()
        guard sorted[sorted.count - 1] - sorted[sorted.count - 2] > threshold else { return values }
        let longest = values.firstIndex(of: sorted[sorted.count - 1])!
        return values.enumerated().filter { $0.offset != longest }.map(\.element)
    }

    /// The typical spread from the median of the deviations rather than their squares, so
    /// that the hiccups it is used to find do not raise it: each duration's deviation from its
    /// step's mean, scaled for the mean's own freedom, its median over 0.6745 (a normal's).
    static func robustSpread(_ logs: [[Double]]) -> Double {
        var deviations: [Double] = []
        for values in logs where values.count > 1 {
            let n = Double(values.count), mean = values.reduce(0, +) / n
            deviations.append(contentsOf: values.map { abs($0 - mean) * (n / (n - 1)).squareRoot() })
        }
        guard deviations.count > typicalSpreadMinimum else { return Forecaster.plannedSpread }
        deviations.sort()
        return deviations[deviations.count / 2] / 0.6745
    }

    /// How much this runbook's rehearsed steps vary from one rehearsal to the next, pooled
    /// over all of them: the spread a step with few rehearsals is assumed to share. A guess
    /// (`Forecaster.plannedSpread`) until the rehearsals say enough.
    static func typicalSpread(_ logs: [[Double]]) -> Double {
        var squares = 0.0, freedom = 0
        for values in logs where values.count > 1 {
            let mean = values.reduce(0, +) / Double(values.count)
            squares += values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
            freedom += values.count - 1
        }
        return freedom >= typicalSpreadMinimum ? (squares / Double(freedom)).squareRoot() : Forecaster.plannedSpread
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
