import Foundation

/// Where a disruption published on the status page stands, as end users read it.
public enum DisruptionState: String, Sendable, CaseIterable, Codable {
    case scheduled, inProgress, verifying, completed, rolledBack, cancelled

    public var isCurrent: Bool { self == .inProgress || self == .verifying }
    public var isOver: Bool { self == .completed || self == .rolledBack || self == .cancelled }

    /// The state of a release's cutover for end users; nil when it is nothing to announce
    /// (a draft, or a release without a window). `verifying`: the live run's steps under way
    /// are all checks after the cutover.
    public static func of(_ status: ReleaseStatus, verifying: Bool) -> DisruptionState? {
        Self.state(status, verifying: verifying)
    }

    /// The state of a release with its live run under way: verifying once no preparation or
    /// cutover step of the run is waiting or under way.
    public static func of(_ status: ReleaseStatus, liveRun run: Run?) -> DisruptionState? {
        state(status, verifying: run.map(isVerifying) ?? false)
    }

    static func isVerifying(_ run: Run) -> Bool {
        let doing = run.steps.filter { $0.segment == .main && [.preparation, .cutover].contains($0.step.phase) }
        return !doing.isEmpty && doing.allSatisfy(\.progress.state.isSettled)
    }

    private static func state(_ status: ReleaseStatus, verifying: Bool) -> DisruptionState? {
        switch status {
        case .draft: return nil
        case .planned, .approved, .ready: return .scheduled
        case .inProgress: return verifying ? .verifying : .inProgress
        case .deployed, .closed: return .completed
        case .rolledBack, .failed: return .rolledBack
        case .cancelled: return .cancelled
        }
    }
}

/// What the status page publishes: the environments whose releases it announces, and the
/// business services it names (a release appears when it touches one of them).
public struct StatusPublication: Sendable, Equatable {
    public var environments: [String]
    /// Configuration items of type `service`, by key, with the name end users know them by.
    public var services: [Service]

    public struct Service: Sendable, Equatable, Hashable {
        public let key: String
        public let name: String

        public init(key: String, name: String) {
            self.key = key
            self.name = name
        }
    }

    public init(environments: [String], services: [Service]) {
        self.environments = environments
        self.services = services
    }

    public var isEmpty: Bool { environments.isEmpty || services.isEmpty }

    public func service(named key: String) -> Service? { services.first { $0.key == key } }
}

/// One release's disruption as the status page shows it.
public struct Disruption: Sendable, Equatable {
    public let release: String
    public let title: String
    public let environment: String
    /// The published services it touches, by the names end users know.
    public let services: [StatusPublication.Service]
    public let start: Date
    public let end: Date
    public let state: DisruptionState
    /// From the live run's forecast while it runs (P50).
    public let expectedEnd: Date?
    public let updatedAt: Date

    public init(release: String, title: String, environment: String, services: [StatusPublication.Service], start: Date, end: Date,
                state: DisruptionState, expectedEnd: Date?, updatedAt: Date) {
        self.release = release
        self.title = title
        self.environment = environment
        self.services = services
        self.start = start
        self.end = end
        self.state = state
        self.expectedEnd = expectedEnd
        self.updatedAt = updatedAt
    }
}

/// The status page: cutovers under way, those to come, and the history of the last days.
public struct StatusBoard: Sendable, Equatable {
    public static let historyDays = 30
    public static let aheadDays = 60

    public let current: [Disruption]
    public let upcoming: [Disruption]
    public let history: [Disruption]

    /// Sorts disruptions onto the board; `service` keeps only those touching it.
    public init(_ disruptions: [Disruption], service: String? = nil, now: Date) {
        let shown = disruptions.filter { disruption in
            (service.map { key in disruption.services.contains { $0.key == key } } ?? true)
                && disruption.end >= now.addingTimeInterval(-Double(Self.historyDays) * 86_400)
                && disruption.start <= now.addingTimeInterval(Double(Self.aheadDays) * 86_400)
        }
        current = shown.filter(\.state.isCurrent).sorted { $0.start < $1.start }
        upcoming = shown.filter { $0.state == .scheduled }.sorted { ($0.start, $0.release) < ($1.start, $1.release) }
        history = shown.filter(\.state.isOver).sorted { ($0.end, $0.release) > ($1.end, $1.release) }
    }

    public var all: [Disruption] { current + upcoming + history }
}
