import Foundation

/// The four DORA keys over a period, each with its performance band as the published DORA
/// thresholds set them (Accelerate State of DevOps 2023). A band needs data: none is given
/// without a figure.
public enum DORA {
    public enum Band: String, Sendable, CaseIterable, Codable {
        case elite, high, medium, low
    }

    /// Production deployments a day, over the period's days; the band from how often.
    public static func deploymentFrequency(_ deployments: [ProductionDeployment], period: DateInterval) -> (perDay: Double?, band: Band?) {
        let days = period.duration / 86_400
        guard days > 0, !deployments.isEmpty else { return (nil, nil) }
        let perDay = Double(deployments.count) / days
        // Elite: on demand, several a day; high: daily to weekly; medium: weekly to monthly; low: less.
        let band: Band = perDay >= 1 ? .elite : perDay >= 1.0 / 7 ? .high : perDay >= 1.0 / 30 ? .medium : .low
        return (perDay, band)
    }

    /// The median time from each change's creation (or commit) to the deployment of its release.
    public static func leadTime(_ durations: [TimeInterval]) -> (median: TimeInterval?, band: Band?) {
        guard let median = Self.median(durations) else { return (nil, nil) }
        let day = 86_400.0
        let band: Band = median < day ? .elite : median < 7 * day ? .high : median < 30 * day ? .medium : .low
        return (median, band)
    }

    /// The change failure rate's band: 0–5 % elite, up to 10 % high, up to 15 % medium, more low.
    public static func band(changeFailure figure: Figure) -> Band? {
        guard let ratio = figure.ratio else { return nil }
        return ratio <= 0.05 ? .elite : ratio <= 0.10 ? .high : ratio <= 0.15 ? .medium : .low
    }

    /// The median time from opened to resolved of the incidents resolved; open ones are not
    /// counted (they say nothing yet of how long restoring takes).
    public static func timeToRestore(_ incidents: [Incident]) -> (median: TimeInterval?, band: Band?) {
        guard let median = Self.median(incidents.compactMap(\.timeToRestore)) else { return (nil, nil) }
        let hour = 3_600.0
        let band: Band = median < hour ? .elite : median < 24 * hour ? .high : median < 7 * 24 * hour ? .medium : .low
        return (median, band)
    }

    static func median(_ values: [TimeInterval]) -> TimeInterval? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
