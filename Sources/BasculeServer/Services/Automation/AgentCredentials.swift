import BasculeCore
import BasculeStore
import Foundation
import NIOConcurrencyHelpers

/// Which agent a credential stood for, remembered for at most half a second so that an
/// agent's requests (a result, its next poll, its output) do not each read it: a revocation
/// here, or heard through the events table, forgets every entry at once (`revocations`), and
/// one made elsewhere stops working here within the half second. Keyed by the credential's
/// SHA-256, as stored.
final class AgentCredentials: Sendable {
    private struct Entry {
        let agent: Agent
        let until: Date
        let epoch: Int
    }

    static let lifetime: TimeInterval = 0.5
    private static let capacity = 10_000
    let revocations = Revocations()
    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    func find(_ key: String, at now: Date) -> Agent? {
        let epoch = revocations.epoch
        return entries.withLockedValue { entries in
            guard let entry = entries[key] else { return nil }
            guard entry.epoch == epoch, entry.until > now else {
                entries[key] = nil
                return nil
            }
            return entry.agent
        }
    }

    /// Remembers the agent as read at `now`, under the revocation epoch read before the read.
    func remember(_ agent: Agent, key: String, at now: Date, epoch: Int) {
        entries.withLockedValue { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(agent: agent, until: now.addingTimeInterval(Self.lifetime), epoch: epoch)
        }
    }
}
