import BasculeStore
import Foundation
import Logging
import ServiceLifecycle

/// Keeps this replica's event feed hearing: on PostgreSQL it listens for the doorbell of every
/// replica's commits and listens again after a dropped connection; on every engine it also
/// reads the table every `sweep`, in case a doorbell was missed or a local command (another
/// process on the same SQLite file) wrote events.
public struct EventFeedService: Service {
    let feed: EventFeed
    let store: Store
    let logger: Logger
    let sweep: Duration

    public init(feed: EventFeed, store: Store, logger: Logger, sweep: Duration = .seconds(2)) {
        self.feed = feed
        self.store = store
        self.logger = logger
        self.sweep = sweep
    }

    public func run() async throws {
        try? await feed.start()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                if store.engine == .postgresql { group.addTask { await listen() } }
                group.addTask { await sweepRegularly() }
                await group.waitForAll()
            }
        }
        await feed.stop()
    }

    private func listen() async {
        var backoff = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                try await store.listenForEvents { _ in feed.ring() }
                backoff = .milliseconds(200)
            } catch {
                if Task.isCancelled { return }
                logger.warning("the events doorbell dropped; listening again in \(backoff): \(error)")
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(10))
            // Whatever committed while nobody listened is read now.
            feed.ring()
        }
    }

    private func sweepRegularly() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: sweep)
            feed.ring()
        }
    }
}
