import BasculeCore
import BasculeServer
import BasculeStore
import BasculeTestSupport
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// Two replicas are two sets of services on two connection pools over one database, as two
/// `bascule serve` processes would be: each with its own watchers and its own event feed.
@Suite("Events across replicas")
struct ReplicaEventsTests {
    /// A rehearsal under way on `a`, and a second replica `b` over the same database.
    private func replicas(
        _ engine: TestEngine, _ body: @Sendable @escaping (BasculeServices, BasculeServices, Run) async throws -> Void
    ) async throws {
        try await TestApp.with(engine) { client, a in
            try await RunbookAPITests.ready(client, a)
            let run = try await a.runs.create(in: "REL-1", kind: .rehearsal)
            let second = try await Store.open(a.store.location, logger: Logger(label: "replica-b"), timeout: .seconds(20))
            do {
                try await body(a, BasculeServices(store: second, passwordCost: 4), run)
            } catch {
                await second.close()
                throw error
            }
            await second.close()
        }
    }

    /// Runs `b`'s event feed as `bascule serve` does, for as long as `body` runs. On PostgreSQL
    /// the sweep is too slow to matter within the test: only the doorbell can bring the event.
    private func hearing<R: Sendable>(_ services: BasculeServices, _ body: @Sendable () async throws -> R) async throws -> R {
        let sweep: Duration = services.store.engine == .postgresql ? .seconds(60) : .milliseconds(100)
        let service = EventFeedService(feed: services.feed, store: services.store, logger: Logger(label: "feed"), sweep: sweep)
        try await services.feed.start()
        let task = Task { try await service.run() }
        // Give the listener its LISTEN before acting.
        try await Task.sleep(for: .milliseconds(300))
        do {
            let result = try await body()
            task.cancel()
            _ = await task.result
            return result
        } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
    }

    private func next(_ stream: AsyncStream<RunEvent>, within limit: Duration = .seconds(5)) async -> RunEvent? {
        await withTaskGroup(of: RunEvent?.self) { group in
            group.addTask { var iterator = stream.makeAsyncIterator(); return await iterator.next() }
            group.addTask { try? await Task.sleep(for: limit); return nil }
            defer { group.cancelAll() }
            return await group.next() ?? nil
        }
    }

    @Test("an action taken through one replica reaches the watchers of another", arguments: TestEngine.available)
    func acrossReplicas(engine: TestEngine) async throws {
        try await replicas(engine) { a, b, run in
            try await RequestOrigin.asSystem {
                try await hearing(b) {
                    // given a watcher on b
                    let watched = try await b.runs.watch(run.id.uuidString, after: 0)
                    // when an operator acts through a
                    try await a.runs.act(run.id.uuidString, .start("backup"))
                    // then
                    let event = await next(watched.events)
                    #expect(event?.sequence == 1)
                    #expect(event?.text.contains(#""step":"backup""#) == true)
                    #expect(event?.text.contains(#""state":"running""#) == true)
                }
            }
        }
    }

    @Test("an action heard both from this replica and from the table reaches a watcher once")
    func once() async throws {
        try await replicas(.sqlite) { a, _, run in
            try await RequestOrigin.asSystem {
                // given
                try await a.feed.start()
                let watched = try await a.runs.watch(run.id.uuidString, after: 0)
                // when the action is published here, then read back from the events table
                try await a.runs.act(run.id.uuidString, .start("backup"))
                await a.feed.readUntilQuiet()
                try await a.runs.act(run.id.uuidString, .complete("backup"))
                await a.feed.readUntilQuiet()
                // then
                var iterator = watched.events.makeAsyncIterator()
                let first = await iterator.next(), second = await iterator.next()
                await a.feed.stop()
                #expect([first?.sequence, second?.sequence] == [1, 2])
            }
        }
    }

    @Test("an action of another replica not yet heard of is sent before this replica's next one")
    func gapFilled() async throws {
        try await replicas(.sqlite) { a, b, run in
            try await RequestOrigin.asSystem {
                // given a watcher on a, and an action through b that a has not heard of yet
                let watched = try await a.runs.watch(run.id.uuidString, after: 0)
                try await b.runs.act(run.id.uuidString, .start("backup"))
                // when an action is taken through a
                try await a.runs.act(run.id.uuidString, .complete("backup"))
                // then
                var iterator = watched.events.makeAsyncIterator()
                let first = await iterator.next(), second = await iterator.next()
                #expect([first?.sequence, second?.sequence] == [1, 2])
            }
        }
    }

    @Test("a token ended through one replica stops working on another well within a second", arguments: TestEngine.available)
    func revocationAcrossReplicas(engine: TestEngine) async throws {
        try await replicas(engine) { a, b, _ in
            try await RequestOrigin.asSystem {
                try await hearing(b) {
                    // given a token that b has just accepted (and remembers)
                    let (_, secret) = try await a.identity.createToken(name: "ci", for: "admin")
                    _ = try await b.identity.identity(bearer: secret)
                    // when its owner is disabled through a
                    try await a.identity.updateUser("admin", disabled: true)
                    try await Task.sleep(for: .milliseconds(200))
                    // then
                    await #expect(throws: ServiceError.self) { try await b.identity.identity(bearer: secret) }
                }
            }
        }
    }
}
