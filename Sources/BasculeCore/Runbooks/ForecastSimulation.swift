import Foundation

/// Checks the forecast against cutovers whose step durations come from known log-normal
/// distributions: rehearse a few times, forecast before going live, then draw the live run,
/// and see how often it ends under the forecast's P90, and how far P50 lands from it.
public enum ForecastSimulation {
    public struct Report: Sendable, CustomStringConvertible {
        public let cutovers: Int
        /// Share of live runs ending at or before P90 (goal: at least 0.85).
        public let underP90: Double
        /// Median of |live duration − P50 duration| / live duration.
        public let medianP50Error: Double

        public var description: String {
            String(format: "%d cutovers: live end under P90 in %.1f %%, median error of P50 %.1f %%", cutovers, underP90 * 100, medianP50Error * 100)
        }
    }

    public static func run(cutovers: Int, steps count: Int, rehearsals: Int, draws: Int, seed: UInt64) -> Report {
        var random = SplitMix(seed: seed)
        func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        func normal() -> Double { Normal.quantile(min(max(uniform(), 1e-12), 1 - 1e-12)) }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var under = 0, errors: [Double] = []
        for _ in 0..<cutovers {
            // A runbook: each step follows one or two earlier ones; true medians and spreads
            // differ from the planned durations people wrote down.
            var steps: [RunbookStep] = [], truth: [(median: Double, sigma: Double)] = []
            for index in 0..<count {
                let planned = Double(5 + Int(uniform() * 55)) * 60
                var predecessors: [String] = []
                if index > 0 { predecessors.append("S\(Int(uniform() * Double(index)))") }
                if index > 2, uniform() < 0.4 { predecessors.append("S\(Int(uniform() * Double(index)))") }
                steps.append(RunbookStep(key: "S\(index)", title: "Step \(index)", plannedDuration: planned, predecessors: Array(Set(predecessors))))
                truth.append((planned * Foundation.exp(0.3 * normal()), 0.1 + uniform() * 0.3))
            }
            func live() -> [Double] { truth.map { $0.median * Foundation.exp($0.sigma * normal()) } }
            var history: [String: [TimeInterval]] = [:]
            for _ in 0..<rehearsals { for (step, duration) in zip(steps, live()) { history[step.key, default: []].append(duration) } }
            let forecaster = Forecaster(steps: steps, history: history)
            let forecast = forecaster.forecast(start: start, now: start, draws: draws, seed: random.next())
            let actual = CriticalPath.timeline(forecaster.graph, durations: live(), earliest: Array(repeating: nil, count: count), origin: start).end
            if actual <= forecast.p90End { under += 1 }
            let length = actual.timeIntervalSince(start)
            errors.append(abs(length - forecast.p50End.timeIntervalSince(start)) / length)
        }
        errors.sort()
        return Report(cutovers: cutovers, underP90: Double(under) / Double(cutovers), medianP50Error: errors[errors.count / 2])
    }
}
