import Foundation

/// When the cutover is planned to happen. The end is strictly after the start.
public struct PlannedWindow: Sendable, Equatable, Hashable {
    public let start: Date
    public let end: Date

    /// Returns nil when the end is not after the start; callers turn that into a field error.
    public init?(start: Date, end: Date) {
        guard end > start else { return nil }
        self.start = start
        self.end = end
    }
}
