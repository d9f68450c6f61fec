import Foundation

/// When a delivery that failed is tried again, when it is given up, and when an endpoint that
/// keeps failing is switched off. The waits follow the Standard Webhooks recommendation (5 s,
/// 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) with one more 10 h, each spread by ±20 % so that the
/// deliveries of one outage do not all come back at the same second: about 37 hours in all,
/// and never under 30, so that a receiver down for a day still gets everything.
public enum DeliveryPlan {
    public static let waits: [TimeInterval] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000, 36_000]
    public static let jitter = 0.2
    /// An endpoint with no success for this long, and failing still, is switched off.
    public static let disableAfter: TimeInterval = 5 * 24 * 3600
    /// What a receiver is given to answer.
    public static let timeout: TimeInterval = 10

    /// When to try again after `attempts` tries failed (1 after the first), nil to give up.
    /// `spread` in 0...1 picks where in the ±20 % the wait falls.
    public static func retry(after attempts: Int, at now: Date, spread: Double) -> Date? {
        guard attempts >= 1, attempts <= waits.count else { return nil }
        let wait = waits[attempts - 1] * (1 - jitter + 2 * jitter * min(max(spread, 0), 1))
        return now.addingTimeInterval(wait)
    }

    /// The least time retries cover before a delivery is given up (every wait at its shortest).
    public static var shortestSpan: TimeInterval { waits.reduce(0, +) * (1 - jitter) }

    /// Whether an endpoint failing since `failingSince` should be switched off now.
    public static func shouldDisable(failingSince: Date?, now: Date) -> Bool {
        guard let failingSince else { return false }
        return now.timeIntervalSince(failingSince) >= disableAfter
    }

    /// A receiver's answer counts as delivered for any 2xx status.
    public static func delivered(status: Int) -> Bool { (200..<300).contains(status) }
}
