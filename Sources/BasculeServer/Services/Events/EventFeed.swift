import BasculeStore
import Foundation
import Logging
import NIOConcurrencyHelpers

/// The domain events this replica hears of, read from the events table in id order and handed
/// to the subscribers of their topic. Whatever rang (PostgreSQL's notification from any
/// replica, a commit of this process, the periodic check) only says "read the table": a
/// doorbell lost or rung twice costs a read, never an event.
public final class EventFeed: Sendable {
    public typealias Handler = @Sendable ([StoredEvent]) async -> Void

    private struct State {
        var lastSeen: Int64?
        var stopped = false
        var reader: Task<Void, Never>?
        var reading = false
        var rungAgain = false
        var subscribers: [String: [Handler]] = [:]
    }

    private let store: Store
    private let logger: Logger
    /// The least time between two reads of the table in a row.
    static let spacing = Duration.milliseconds(10)
    private let state = NIOLockedValueBox(State())

    public init(store: Store, logger: Logger = Logger(label: "bascule.events")) {
        self.store = store
        self.logger = logger
    }

    /// Hands the events of `topic` to `handler`, in order, a batch at a time.
    public func subscribe(_ topic: String, _ handler: @escaping Handler) {
        state.withLockedValue { $0.subscribers[topic, default: []].append(handler) }
    }

    /// The newest event this replica has handed on (nil before it first read the table).
    public var lastSeen: Int64? { state.withLockedValue { $0.lastSeen } }

    /// Starts from the table's newest event: what came before is history, not news.
    public func start() async throws {
        let latest = try await store.withConnection { try await EventRepository($0).latestID() }
        state.withLockedValue { if $0.lastSeen == nil { $0.lastSeen = latest } }
    }

    /// Asks for the table to be read; one read at a time, and a ring during a read asks for
    /// one more. Nothing is read before `start` or after `stop`.
    public func ring() {
        state.withLockedValue { state in
            guard state.lastSeen != nil, !state.stopped else { return }
            guard !state.reading else {
                state.rungAgain = true
                return
            }
            state.reading = true
            state.reader = Task { await self.readUntilQuiet() }
        }
    }

    /// Stops reading, and returns once a read under way has ended (before the store closes).
    public func stop() async {
        let reader = state.withLockedValue { state -> Task<Void, Never>? in
            state.stopped = true
            return state.reader
        }
        await reader?.value
    }

    /// Reads and hands on until nothing new is left and nobody rang meanwhile; returns after
    /// the events committed before the call are handed on.
    public func readUntilQuiet() async {
        var previous: ContinuousClock.Instant?
        while true {
            // Under load the bell rings with every commit: reads then come at most every
            // `spacing`, each taking all that arrived meanwhile, instead of one after the other
            // (which took a third of the server's time under 1,000 actions a second).
            if let previous { try? await Task.sleep(until: previous + Self.spacing, clock: .continuous) }
            previous = .now
            state.withLockedValue { $0.rungAgain = false }
            do {
                while try await readOnce() {}
            } catch {
                logger.warning("reading the events table failed: \(error)")
            }
            let done = state.withLockedValue { state -> Bool in
                if state.rungAgain, !state.stopped { return false }
                state.reading = false
                state.reader = nil
                return true
            }
            if done { return }
        }
    }

    /// Hands on one batch; true when there may be more.
    private func readOnce() async throws -> Bool {
        if lastSeen == nil { try await start() }
        let from = lastSeen ?? 0
        let batchSize = 500
        let events = try await store.withConnection { try await EventRepository($0).after(from, limit: batchSize) }
        guard let newest = events.last?.id else { return false }
        let subscribers = state.withLockedValue { state -> [String: [Handler]] in
            state.lastSeen = newest
            return state.subscribers
        }
        for (topic, batch) in Dictionary(grouping: events, by: \.topic) {
            for handler in subscribers[topic] ?? [] { await handler(batch) }
        }
        return events.count == batchSize
    }
}
