import Foundation

/// A daily, weekly or monthly report: what ended its cutover in the period, what comes in the
/// next one (with its conflicts and freezes), overdue milestones, the incidents opened and
/// their attribution, and the indicators with their trend over the periods before.
public struct PeriodReport: Sendable {
    public struct Cutover: Sendable, Equatable {
        public let release: String
        public let title: String
        public let environment: String?
        public let result: CutoverOutcome.Result
        public let endedAt: Date
        public let plannedDowntime: TimeInterval?
        public let actualDowntime: TimeInterval?
        /// Nil without a planned window.
        public let insideWindow: Bool?

        public init(_ deployment: Deployment, title: String) {
            release = deployment.release
            self.title = title
            environment = deployment.environment
            result = deployment.result
            endedAt = deployment.endedAt
            plannedDowntime = deployment.plannedDowntime
            actualDowntime = deployment.actualDowntime
            insideWindow = deployment.planned.map { deployment.startedAt >= $0.start && deployment.endedAt <= $0.end }
        }
    }

    public struct Upcoming: Sendable, Equatable {
        public let release: String
        public let title: String
        public let status: ReleaseStatus
        public let environment: String?
        public let start: Date
        public let end: Date
        public let conflicts: [Conflict]

        public init(release: String, title: String, status: ReleaseStatus, environment: String?, start: Date, end: Date, conflicts: [Conflict]) {
            self.release = release
            self.title = title
            self.status = status
            self.environment = environment
            self.start = start
            self.end = end
            self.conflicts = conflicts
        }
    }

    public struct Freeze: Sendable, Equatable {
        public let title: String
        public let start: Date
        public let end: Date

        public init(title: String, start: Date, end: Date) {
            self.title = title
            self.start = start
            self.end = end
        }
    }

    public struct OverdueMilestone: Sendable, Equatable {
        public let release: String
        public let title: String
        public let milestone: String
        public let due: Date

        public init(release: String, title: String, milestone: String, due: Date) {
            self.release = release
            self.title = title
            self.milestone = milestone
            self.due = due
        }
    }

    public struct IncidentLine: Sendable, Equatable {
        public struct Cause: Sendable, Equatable {
            public let release: String
            /// `candidate`, `confirmed`.
            public let state: String
            public let confidence: Double
            public let path: [String]

            public init(release: String, state: String, confidence: Double, path: [String]) {
                self.release = release
                self.state = state
                self.confidence = confidence
                self.path = path
            }
        }

        public let reference: String
        public let title: String
        public let severity: Int
        public let openedAt: Date
        public let resolvedAt: Date?
        public let causes: [Cause]

        public init(reference: String, title: String, severity: Int, openedAt: Date, resolvedAt: Date?, causes: [Cause]) {
            self.reference = reference
            self.title = title
            self.severity = severity
            self.openedAt = openedAt
            self.resolvedAt = resolvedAt
            self.causes = causes
        }
    }

    /// One indicator over the report's period and the ones before it, oldest first.
    public struct Trend: Sendable, Equatable {
        public let key: IndicatorSet.Key
        public let periods: [DateInterval]
        public let values: [Double?]
    }

    public static let trendLength = 8
    /// The indicators whose trend a report draws.
    public static let trendKeys: [IndicatorSet.Key] = [.deployed, .success, .changeFailureRate, .leadTime, .timeToRestore, .actualDowntime]

    public let period: ReportPeriod
    public let interval: DateInterval
    public let next: DateInterval
    public let timeZone: TimeZone
    public let filter: IndicatorFilter
    public let generatedAt: Date
    public let deployed: [Cutover]
    /// Rolled back or left failed.
    public let failed: [Cutover]
    public let upcoming: [Upcoming]
    public let freezes: [Freeze]
    public let overdue: [OverdueMilestone]
    public let incidents: [IncidentLine]
    public let indicators: IndicatorSet
    public let trends: [Trend]

    /// `history`: the indicators of the periods before this one and of this one, oldest first.
    public init(period: ReportPeriod, interval: DateInterval, next: DateInterval, timeZone: TimeZone, filter: IndicatorFilter, generatedAt: Date,
                cutovers: [Cutover], upcoming: [Upcoming], freezes: [Freeze], overdue: [OverdueMilestone], incidents: [IncidentLine],
                history: [IndicatorSet]) {
        self.period = period
        self.interval = interval
        self.next = next
        self.timeZone = timeZone
        self.filter = filter
        self.generatedAt = generatedAt
        deployed = cutovers.filter { $0.result == .deployed }
        failed = cutovers.filter { $0.result != .deployed }
        self.upcoming = upcoming.sorted { ($0.start, $0.release) < ($1.start, $1.release) }
        self.freezes = freezes
        self.overdue = overdue.sorted { $0.due < $1.due }
        self.incidents = incidents
        indicators = history.last ?? IndicatorSet(period: interval, deployments: [], changes: [], incidents: [], confirmed: [:])
        trends = Self.trendKeys.map { key in
            Trend(key: key, periods: history.map(\.period), values: history.map { $0[key]?.value })
        }
    }
}
