import Foundation

public enum ConflictKind: String, Sendable, CaseIterable, Codable {
    /// Another release in an overlapping window modifies the same item.
    case sameItem
    /// Another release in an overlapping window modifies an item that depends on one of
    /// this release's items, or one that this release's items depend on.
    case dependentItem
    /// A team owning items of both releases is booked on two overlapping cutovers.
    case teamBooked
    /// Maintenance windows cover what the release touches, and its window is outside them.
    case outsideMaintenance
    /// The window falls in a freeze of the policy.
    case freeze
    /// It is planned before a release it requires ends, apart from one it goes with, or on one
    /// that will not happen (`DependencyRules.orderProblems`).
    case dependencyOrder
}

/// One reason a release's window clashes with the rest of the calendar, explained in both
/// languages and, when another release is involved, naming it.
public struct Conflict: Sendable, Equatable {
    public let kind: ConflictKind
    public let other: ReleaseKey?
    public let otherTitle: String?
    /// The items involved: shared, or from this release's item to the other's along the dependency.
    public let items: [CIKey]
    /// When both cutovers run at once, or when the window leaves the maintenance windows.
    public let period: DateInterval?
    public let explanation: LocalizedText

    public init(kind: ConflictKind, other: ReleaseKey? = nil, otherTitle: String? = nil, items: [CIKey] = [], period: DateInterval? = nil,
                explanation: LocalizedText) {
        self.kind = kind
        self.other = other
        self.otherTitle = otherTitle
        self.items = items
        self.period = period
        self.explanation = explanation
    }
}

/// A release as the calendar sees it: its plan and the items its changes modify.
public struct ScheduledRelease: Sendable, Equatable {
    public let release: Release
    public let items: [CIKey]

    public init(release: Release, items: [CIKey]) {
        self.release = release
        self.items = items
    }

    public var window: DateInterval? { release.window.map { DateInterval(start: $0.start, end: $0.end) } }

    /// The statuses in which a release holds its slot in the calendar: drafts are ideas,
    /// finished releases are history.
    public static let bookingStatuses: Set<ReleaseStatus> = [.planned, .approved, .ready, .inProgress]
}
