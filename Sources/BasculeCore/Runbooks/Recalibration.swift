import Foundation

/// How the forecasts of the installation's past cutovers held, turned into a correction of the
/// next ones: whatever the model gets wrong (a centre a little late, a tail too thin), the
/// record of where each cutover actually ended within its own forecast says it.
///
/// For each past cutover and each checkpoint of its run (go-live, a quarter in…), the share of
/// that forecast's draws that ended by the time the cutover really did (its *rank*: 0.5 when it
/// ended on P50). Were the forecasts calibrated, these ranks would spread evenly between 0 and 1.
/// The next forecast's P50 is read at the level under which half the past ranks fell (P90 at
/// the level under which nine in ten fell, by the conformal n + 1 rule), and between checkpoints
/// by how far the run has gone.
public struct Recalibration: Sendable, Equatable {
    /// Per checkpoint (`CalibrationReport.Checkpoint.allCases` order), the past ranks, sorted.
    public let ranks: [[Double]]

    /// Fewer past cutovers than this, and the forecast is read as drawn: with ten, P90 is read
    /// at the highest past rank, which is as cautious as the rule gets.
    public static let minimum = 10

    public init(ranks: [[Double]]) {
        self.ranks = ranks.map { $0.filter(\.isFinite).sorted() }
    }

    public static let identity = Recalibration(ranks: [])

    /// Past cutovers it learned from (the fewest over the checkpoints); 0 when it corrects nothing.
    public var cutovers: Int {
        let counts = ranks.map(\.count)
        guard counts.count == CalibrationReport.Checkpoint.allCases.count, let fewest = counts.min(), fewest >= Self.minimum else { return 0 }
        return fewest
    }

    /// The level at which to read the draws for the quantile `level` (0.5 for P50) of a run
    /// `progress` of the way through (0 at go-live, elapsed over expected length later).
    public func level(_ level: Double, progress: Double) -> Double {
        guard cutovers > 0 else { return level }
        let checkpoints = CalibrationReport.Checkpoint.allCases.map(\.rawValue)
        let at = min(max(progress, 0), checkpoints[checkpoints.count - 1])
        let upper = checkpoints.firstIndex { $0 >= at } ?? checkpoints.count - 1
        guard upper > 0, checkpoints[upper] > at else { return corrected(level, at: upper) }
        let weight = (at - checkpoints[upper - 1]) / (checkpoints[upper] - checkpoints[upper - 1])
        return corrected(level, at: upper - 1) * (1 - weight) + corrected(level, at: upper) * weight
    }

    /// The past ranks' own quantile `level` at one checkpoint.
    private func corrected(_ level: Double, at checkpoint: Int) -> Double {
        let sorted = ranks[checkpoint]
        let n = Double(sorted.count)
        // The (n + 1) rule of conformal prediction: the next cutover is one more among n + 1,
        // and a quantile above the middle takes the order statistic at or above its rank (below
        // the middle, at or under), so that P90 holds at least nine times in ten.
        let rank = level * (n + 1) - 1
        let position = min(n - 1, max(0, level > 0.5 ? rank.rounded(.up) : level < 0.5 ? rank.rounded(.down) : rank))
        let below = Int(position.rounded(.down)), above = min(sorted.count - 1, below + 1)
        let empirical = sorted[below] + (sorted[above] - sorted[below]) * (position - Double(below))
        // Never read past the draws' own ends: a forecast says what its draws can.
        return min(max(empirical, 0.005), 0.995)
    }
}
