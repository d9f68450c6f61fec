import Foundation

/// One Server-Sent Event of a run: its action's sequence (the event id) and its text.
public struct RunEvent: Sendable, Equatable {
    public let sequence: Int
    public let text: String
}

/// Fans each run's events out to everyone on this replica watching it (Server-Sent Events).
/// An action taken here is published at once; one taken on another replica arrives through
/// the events table (`RunEventRelay`). Both may bring the same action: each is published
/// once, in sequence order.
public actor RunEvents {
    private var watchers: [UUID: [UUID: AsyncStream<RunEvent>.Continuation]] = [:]
    private var published: [UUID: Int] = [:]

    public init() {}

    public func watch(_ run: UUID) -> AsyncStream<RunEvent> {
        let (stream, continuation) = AsyncStream<RunEvent>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let id = UUID()
        watchers[run, default: [:]][id] = continuation
        continuation.onTermination = { _ in Task { await self.forget(run, id) } }
        return stream
    }

    /// Publishes the run's actions up to `sequence` that its watchers here have not had:
    /// `build(after)` makes the events of the actions after `after`. An action taken on another
    /// replica may reach here after a later one taken here; building from the last published
    /// fills that gap instead of dropping it. The first publish after nobody watched sends the
    /// newest action only: the watchers had the rest in their replay.
    public func publish(_ run: UUID, upTo sequence: Int, build: @Sendable (_ after: Int) -> [RunEvent]) {
        guard let watching = watchers[run] else { return }
        let after = published[run] ?? (sequence - 1)
        guard sequence > after else { return }
        published[run] = sequence
        for event in build(after) {
            for continuation in watching.values { continuation.yield(event) }
        }
    }

    /// Notes that the run's watchers had its actions up to `sequence` (in their replay).
    public func replayed(_ run: UUID, upTo sequence: Int) {
        guard watchers[run] != nil else { return }
        published[run] = max(published[run] ?? 0, sequence)
    }

    /// The last action published to the run's watchers here (0 when none, or nobody watches).
    public func lastPublished(_ run: UUID) -> Int { published[run] ?? 0 }

    public func watcherCount(_ run: UUID) -> Int { watchers[run]?.count ?? 0 }

    /// Watchers of every run on this replica, for the metrics.
    public var totalWatchers: Int { watchers.values.reduce(0) { $0 + $1.count } }

    private func forget(_ run: UUID, _ id: UUID) {
        watchers[run]?[id] = nil
        if watchers[run]?.isEmpty == true {
            watchers[run] = nil
            published[run] = nil
        }
    }
}
