import Foundation

/// The store keeps milliseconds: services that answer with the time they wrote use this clock,
/// so that what they return is what a later read gives back.
func millisecondClock(_ now: @escaping @Sendable () -> Date) -> @Sendable () -> Date {
    { Date(timeIntervalSince1970: (now().timeIntervalSince1970 * 1000).rounded(.down) / 1000) }
}
