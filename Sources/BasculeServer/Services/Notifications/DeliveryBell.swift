import Foundation
import NIOConcurrencyHelpers

/// Tells the sender that something may be waiting (a notice written, a delivery replayed)
/// without making it wait a whole period: it looks at the bell every few milliseconds.
final class DeliveryBell: Sendable {
    private let rung = NIOLockedValueBox(false)

    func ring() { rung.withLockedValue { $0 = true } }

    /// True once per ring.
    func take() -> Bool { rung.withLockedValue { state in defer { state = false }; return state } }

    /// Returns when rung or after `limit`.
    func wait(upTo limit: Duration) async {
        let end = ContinuousClock.now + limit
        while ContinuousClock.now < end, !Task.isCancelled {
            if take() { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
