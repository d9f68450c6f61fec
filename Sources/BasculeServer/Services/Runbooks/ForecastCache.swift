import BasculeCore
import Foundation
import NIOConcurrencyHelpers

/// Forecasts kept for a few seconds: each action on a live run makes every page watching it
/// reload, and a 10,000-step forecast costs tens of milliseconds. A forecast is keyed by the
/// run's revision, the rehearsals it learns from and the installation's finished cutovers
/// (their signature), so any action, new rehearsal or finished cutover makes a
/// new one at once; otherwise it is at most `lifetime` old (what a running step adds to it).
final class ForecastCache: Sendable {
    static let lifetime: TimeInterval = 5
    static let capacity = 64

    private let entries = NIOLockedValueBox<[String: Forecast]>([:])

    func forecast(for run: Run, plannedStart: Date, history rehearsals: [Run], learned: String, draws: Int, at now: Date, make: () -> Forecast) -> Forecast {
        let bucket = Int((now.timeIntervalSince1970 / Self.lifetime).rounded(.down))
        let learnedFrom = rehearsals.map { "\($0.id.uuidString):\($0.revision)" }.joined(separator: ",")
        let key = "\(run.id.uuidString)#\(run.revision)#\(plannedStart.timeIntervalSince1970)#\(draws)#\(bucket)#\(learnedFrom)#\(learned)"
        if let found = entries.withLockedValue({ $0[key] }) { return found }
        let made = make()
        entries.withLockedValue { cache in
            if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = made
        }
        return made
    }
}
