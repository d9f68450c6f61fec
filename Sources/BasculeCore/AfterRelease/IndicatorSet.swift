import Foundation

/// Every indicator of a period, ITIL and DORA, each checkable: its value, what it counted over
/// what, and the records behind both. A value is nil when there was nothing to count: "no
/// data", never 0.
public struct IndicatorSet: Sendable, Equatable {
    public enum Key: String, Sendable, CaseIterable, Codable {
        case deployed, success, rollback, failure, emergency, insideWindow, followedByIncident, plannedDowntime, actualDowntime
        case deploymentFrequency, leadTime, changeFailureRate, timeToRestore
    }

    public enum Unit: String, Sendable, Codable {
        /// A share of `denominator` (0…1).
        case share
        case perDay
        case seconds
        case count
    }

    /// A record behind a figure: a release key, a change key, an incident reference; with the
    /// value it brought when the figure is a median or a sum (seconds).
    public struct Entry: Sendable, Equatable, Codable {
        public let record: String
        public let value: Double?

        public init(_ record: String, _ value: Double? = nil) {
            self.record = record
            self.value = value
        }
    }

    public struct Indicator: Sendable, Equatable {
        public let key: Key
        public let unit: Unit
        public let value: Double?
        public let numerator: Int?
        public let denominator: Int?
        public let counted: [Entry]
        public let over: [Entry]
        public let band: DORA.Band?
    }

    /// A change as lead time counts it: from its creation (or commit) to its release's deployment.
    public struct ChangeLead: Sendable, Equatable {
        public let change: String
        public let release: String
        public let createdAt: Date

        public init(change: String, release: String, createdAt: Date) {
            self.change = change
            self.release = release
            self.createdAt = createdAt
        }
    }

    public let period: DateInterval
    public let indicators: [Indicator]

    public subscript(key: Key) -> Indicator? { indicators.first { $0.key == key } }

    /// `deployments`: the cutovers that ended in the period; `changes`: the changes of those
    /// releases; `incidents`: those opened in the period; `confirmed`: for each release, when
    /// the incidents confirmed as its own opened (whenever that was).
    public init(period: DateInterval, deployments: [Deployment], changes: [ChangeLead], incidents: [Incident],
                confirmed: [String: [(reference: String, openedAt: Date)]], incidentDays: Int = 7) {
        self.period = period
        let itil = ReleaseIndicators(deployments.map(\.outcome), incidentsOpened: confirmed.mapValues { $0.map(\.openedAt) }, incidentDays: incidentDays)
        func share(_ key: Key, _ figure: Figure, band: DORA.Band? = nil) -> Indicator {
            Indicator(key: key, unit: .share, value: figure.ratio, numerator: figure.numerator, denominator: figure.denominator,
                      counted: figure.counted.map { Entry($0) }, over: figure.over.map { Entry($0) }, band: band)
        }
        var list: [Indicator] = []
        let ended = deployments.map { Entry($0.release) }.sorted { $0.record < $1.record }
        list.append(Indicator(key: .deployed, unit: .count, value: Double(itil.success.numerator), numerator: itil.success.numerator,
                              denominator: nil, counted: itil.success.counted.map { Entry($0) }, over: ended, band: nil))
        list.append(share(.success, itil.success))
        list.append(share(.rollback, itil.rollback))
        list.append(share(.failure, itil.failure))
        list.append(share(.emergency, itil.emergency))
        list.append(share(.insideWindow, itil.insideWindow))
        list.append(share(.followedByIncident, itil.followedByIncident))
        let both = deployments.filter { $0.plannedDowntime != nil && $0.actualDowntime != nil }.sorted { $0.release < $1.release }
        list.append(Indicator(key: .plannedDowntime, unit: .seconds, value: itil.plannedDowntime, numerator: both.count, denominator: nil,
                              counted: both.map { Entry($0.release, $0.plannedDowntime) }, over: [], band: nil))
        list.append(Indicator(key: .actualDowntime, unit: .seconds, value: itil.actualDowntime, numerator: both.count, denominator: nil,
                              counted: both.map { Entry($0.release, $0.actualDowntime) }, over: [], band: nil))

        let production = deployments.filter(\.production)
        let frequency = DORA.deploymentFrequency(production.map(\.asProductionDeployment), period: period)
        list.append(Indicator(key: .deploymentFrequency, unit: .perDay, value: frequency.perDay, numerator: production.count,
                              denominator: Int((period.duration / 86_400).rounded()),
                              counted: production.map { Entry($0.release) }.sorted { $0.record < $1.record }, over: [], band: frequency.band))
        let deployedAt = Dictionary(production.filter { $0.result == .deployed }.map { ($0.release, $0.endedAt) }) { first, _ in first }
        let leads = changes.compactMap { change in deployedAt[change.release].map { Entry(change.change, $0.timeIntervalSince(change.createdAt)) } }
            .sorted { $0.record < $1.record }
        let lead = DORA.leadTime(leads.compactMap(\.value))
        list.append(Indicator(key: .leadTime, unit: .seconds, value: lead.median, numerator: leads.count, denominator: nil,
                              counted: leads, over: [], band: lead.band))
        let cfr = ChangeFailureRate.figure(production.map(\.asProductionDeployment), confirmed: confirmed.mapValues { $0.map(\.reference) })
        list.append(share(.changeFailureRate, cfr, band: DORA.band(changeFailure: cfr)))
        let restore = DORA.timeToRestore(incidents)
        list.append(Indicator(key: .timeToRestore, unit: .seconds, value: restore.median, numerator: incidents.filter { $0.resolvedAt != nil }.count,
                              denominator: incidents.count,
                              counted: incidents.compactMap { incident in incident.timeToRestore.map { Entry(incident.reference, $0) } },
                              over: incidents.map { Entry($0.reference) }, band: restore.band))
        indicators = list
    }
}
