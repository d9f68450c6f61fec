import Foundation

/// A release that reached the end of its cutover in a period, as the ITIL indicators count it.
public struct CutoverOutcome: Sendable, Equatable {
    public enum Result: String, Sendable, Codable, CaseIterable {
        case deployed, rolledBack, failed
    }

    public let release: String
    public let type: ReleaseType
    public let result: Result
    public let planned: DateInterval
    /// When the live run started and ended, when there was one.
    public let actual: DateInterval?
    public let plannedDowntime: TimeInterval?
    public let actualDowntime: TimeInterval?

    public init(release: String, type: ReleaseType, result: Result, planned: DateInterval, actual: DateInterval?,
                plannedDowntime: TimeInterval?, actualDowntime: TimeInterval?) {
        self.release = release
        self.type = type
        self.result = result
        self.planned = planned
        self.actual = actual
        self.plannedDowntime = plannedDowntime
        self.actualDowntime = actualDowntime
    }
}

/// The ITIL indicators of the release process over a period, each a checkable figure.
public struct ReleaseIndicators: Sendable, Equatable {
    /// Deployed (with success) over all that ended.
    public let success: Figure
    public let rollback: Figure
    public let failure: Figure
    /// Emergency releases over all that ended.
    public let emergency: Figure
    /// Deployed releases whose live run started and ended inside the planned window, over the deployed ones with a live run.
    public let insideWindow: Figure
    /// Releases with an incident opened within `incidentDays` after their cutover, over those deployed.
    public let followedByIncident: Figure
    /// Sums over the releases that have both figures.
    public let plannedDowntime: TimeInterval?
    public let actualDowntime: TimeInterval?

    /// `incidentsOpened`: when each release's confirmed incidents opened.
    public init(_ outcomes: [CutoverOutcome], incidentsOpened: [String: [Date]], incidentDays: Int = 7) {
        let all = outcomes.map(\.release)
        success = Figure(counted: outcomes.filter { $0.result == .deployed }.map(\.release), over: all)
        rollback = Figure(counted: outcomes.filter { $0.result == .rolledBack }.map(\.release), over: all)
        failure = Figure(counted: outcomes.filter { $0.result == .failed }.map(\.release), over: all)
        emergency = Figure(counted: outcomes.filter { $0.type == .emergency }.map(\.release), over: all)
        let deployedWithRun = outcomes.filter { $0.result == .deployed && $0.actual != nil }
        insideWindow = Figure(counted: deployedWithRun.filter { outcome in
            guard let actual = outcome.actual else { return false }
            return actual.start >= outcome.planned.start && actual.end <= outcome.planned.end
        }.map(\.release), over: deployedWithRun.map(\.release))
        let deployed = outcomes.filter { $0.result == .deployed }
        followedByIncident = Figure(counted: deployed.filter { outcome in
            let end = outcome.actual?.end ?? outcome.planned.end
            return (incidentsOpened[outcome.release] ?? []).contains { $0 >= end && $0.timeIntervalSince(end) <= Double(incidentDays) * 86_400 }
        }.map(\.release), over: deployed.map(\.release))
        let both = outcomes.filter { $0.plannedDowntime != nil && $0.actualDowntime != nil }
        plannedDowntime = both.isEmpty ? nil : both.compactMap(\.plannedDowntime).reduce(0, +)
        actualDowntime = both.isEmpty ? nil : both.compactMap(\.actualDowntime).reduce(0, +)
    }
}
