import Foundation

/// One Server-Sent Event of a run: its action's sequence (the event id) and its text.
public struct RunEvent: Sendable, Equatable {
    public let sequence: Int
    public let text: String
}

/// Fans each run's events out to everyone on this replica watching it (Server-Sent Events).
/// An action taken here is published at once; one taken on another replica arrives through
/// the events table (`RunService.relay`). Both may bring the same action: each is published
/// once, in sequence order.
public actor RunEvents {
    private struct Watcher {
        let continuation: AsyncStream<RunEvent>.Continuation
        /// Actions up to here were in the watcher's replay; nil while the replay is being read,
        /// when what is published waits in `held`.
        var replayedUpTo: Int?
        var held: [RunEvent] = []
    }

    private var watchers: [UUID: [UUID: Watcher]] = [:]
    private var published: [UUID: Int] = [:]

    public init() {}

    /// A watcher that hears every action published from now on.
    public func watch(_ run: UUID) -> AsyncStream<RunEvent> {
        subscribe(run, replayedUpTo: 0).stream
    }

    /// A watcher whose replay is read after it subscribed: what is published meanwhile is held
    /// until `replayed` says where the replay ended, then sent if the replay did not have it.
    func watchBeforeReplay(_ run: UUID) -> (id: UUID, stream: AsyncStream<RunEvent>) {
        subscribe(run, replayedUpTo: nil)
    }

    private func subscribe(_ run: UUID, replayedUpTo: Int?) -> (id: UUID, stream: AsyncStream<RunEvent>) {
        let (stream, continuation) = AsyncStream<RunEvent>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let id = UUID()
        watchers[run, default: [:]][id] = Watcher(continuation: continuation, replayedUpTo: replayedUpTo)
        continuation.onTermination = { _ in Task { await self.forget(run, id) } }
        return (id, stream)
    }

    /// Publishes the run's actions up to `sequence` that its watchers here have not had:
    /// `build(after)` makes the events of the actions after `after`. An action taken on another
    /// replica may reach here after a later one taken here; building from the last published
    /// fills that gap instead of dropping it. The first publish after nobody watched sends the
    /// newest action only: the watchers had the rest in their replay.
    public func publish(_ run: UUID, upTo sequence: Int, build: @Sendable (_ after: Int) -> [RunEvent]) {
        guard watchers[run] != nil else { return }
        let after = published[run] ?? (sequence - 1)
        guard sequence > after else { return }
        published[run] = sequence
        let events = build(after)
        for (id, watcher) in watchers[run] ?? [:] {
            if let floor = watcher.replayedUpTo {
                for event in events where event.sequence > floor { watcher.continuation.yield(event) }
            } else {
                watchers[run]?[id]?.held.append(contentsOf: events)
            }
        }
    }

    /// The watcher's replay ended at `sequence`: what was held for it and is newer is sent now.
    func replayed(_ run: UUID, watcher id: UUID, upTo sequence: Int) {
        guard var watcher = watchers[run]?[id] else { return }
        for event in watcher.held where event.sequence > sequence { watcher.continuation.yield(event) }
        watcher.held = []
        watcher.replayedUpTo = sequence
        watchers[run]?[id] = watcher
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
