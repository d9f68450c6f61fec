import BasculeCore
@testable import BasculeServer
import BasculeStore
import BasculeTestSupport
import Foundation
import Testing

/// Writes that arrive together are written together.
@Suite("Group commit")
struct GroupCommitTests {
    private actor Batches {
        var written: [[Int]] = []
        func add(_ batch: [Int]) { written.append(batch) }
    }

    @Test("items that arrive while a batch is written go together in the next ones, at most the limit each, and each gets its own answer")
    func batchesWhatWaits() async throws {
        // given a queue whose first write is held until five more items wait
        let batches = Batches()
        let (held, release) = AsyncStream<Void>.makeStream()
        let commit = GroupCommit<Int, Int>(limit: 3) { batch in
            await batches.add(batch)
            if batch == [0] { for await _ in held { break } }
            return batch.map { $0 * 10 }
        }
        async let first = commit.submit(0)
        while await batches.written.isEmpty { await Task.yield() }
        let others = Task {
            await withTaskGroup(of: (Int, Int).self) { group in
                for item in 1...5 { group.addTask { (item, await commit.submit(item)) } }
                return await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
            }
        }
        while await commit.queued < 5 { await Task.yield() }
        // when the first write ends
        release.yield()
        let answers = await others.value
        // then
        #expect(await first == 0)
        #expect(answers == [1: 10, 2: 20, 3: 30, 4: 40, 5: 50])
        #expect(await batches.written.map(\.count) == [1, 3, 2])
        #expect(Set(await batches.written.dropFirst().joined()) == Set(1...5))
    }

    @Test("actions on many runs at once are each stored once, answered, and chained in the audit trail", arguments: TestEngine.available)
    func manyRunsAtOnce(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given twenty rehearsals
            try await RunbookAPITests.ready(client, services)
            var runs: [String] = []
            for _ in 0..<20 { runs.append(try await services.runs.create(in: "REL-1", kind: .rehearsal).id.uuidString) }
            // when each has its first step started at once
            let origin = RequestOrigin.current
            try await withThrowingTaskGroup(of: Void.self) { group in
                for run in runs {
                    group.addTask { try await RequestOrigin.$current.withValue(origin) { _ = try await services.runs.act(run, .start("backup")) } }
                }
                try await group.waitForAll()
            }
            // then
            for run in runs {
                let stored = try await services.runs.view(run).run
                #expect(stored.steps.first { $0.step.key == "backup" }?.progress.state == .running)
                #expect(stored.log.map(\.sequence) == [1])
            }
            let events = try await services.store.withConnection { try await EventRepository($0).after(0) }.filter { $0.kind == "start" }
            #expect(Set(events.map(\.subject)) == Set(runs.map { $0.lowercased() }))
            #expect(events.count == 20)
            let trail = try await services.audit.list(AuditQuery(target: "REL-1"), limit: 100).items.filter { $0.entry.action == .runAction }
            #expect(trail.count == 20)
            #expect(try await services.audit.verify().intactEvents != nil)
        }
    }

    @Test("an action on a run that another writer moved meanwhile is applied to the run as it is", arguments: TestEngine.available)
    func anotherWriterMovedTheRun(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given a run this service acted on, then another service (another replica) started a step
            try await RunbookAPITests.ready(client, services)
            let run = try await services.runs.create(in: "REL-1", kind: .rehearsal).id.uuidString
            try await services.runs.act(run, .start("backup"))
            let other = RunService(store: services.store)
            try await other.act(run, .complete("backup"))
            try await other.act(run, .start("stop"))
            // when this service completes the step the other one started
            let outcome = try await services.runs.act(run, .complete("stop"))
            // then
            #expect(outcome.action.sequence == 4)
            let stored = try await services.runs.view(run).run
            #expect(stored.log.map(\.kind) == [.start, .complete, .start, .complete])
            #expect(stored.steps.first { $0.step.key == "stop" }?.progress.state == .done)
        }
    }

    @Test("several runs written with one statement are refused together when one of them moved", arguments: TestEngine.available)
    func oneStatementRefusedWhole(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given two runs read, then one of them moved
            try await RunbookAPITests.ready(client, services)
            let first = try await services.runs.create(in: "REL-1", kind: .rehearsal)
            let second = try await services.runs.create(in: "REL-1", kind: .rehearsal)
            try await services.runs.act(second.id.uuidString, .start("backup"))
            // when both are written as read
            var started = (first, second)
            _ = try started.0.apply(.start("backup"), by: "test", at: Date())
            _ = try started.1.apply(.start("backup"), by: "test", at: Date())
            let (one, two) = started
            struct Moved: Error {}
            var written = true
            do {
                // as the batch does: a refusal rolls the whole transaction back
                try await services.store.transaction { db in
                    guard try await RunRepository(db).update([(one, first.revision, Date()), (two, second.revision, Date())]) else { throw Moved() }
                }
            } catch is Moved {
                written = false
            }
            let alone = try await services.store.transaction { db in
                try await RunRepository(db).update([(one, first.revision, Date())])
            }
            // then
            #expect(!written)
            #expect(alone)
        }
    }
}
