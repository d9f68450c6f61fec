import Foundation
import NIOConcurrencyHelpers

/// When each agent's presence was last written by this replica: a waiting agent is written as
/// seen at most once per interval, however often the runs it waits on move.
final class AgentSightings: Sendable {
    private let written = NIOLockedValueBox<[UUID: Date]>([:])

    /// Whether the agent's presence should be written now; if so, counted as written.
    func due(_ agent: UUID, at now: Date, every interval: TimeInterval) -> Bool {
        written.withLockedValue { written in
            if let last = written[agent], now >= last, now.timeIntervalSince(last) < interval { return false }
            written[agent] = now
            return true
        }
    }
}
