import BasculeServer
import BasculeStore
import BasculeTestSupport
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

@Suite("Background work shared by replicas")
struct BackgroundWorkTests {
    /// A job that counts its runs, and waits a little so that runs would overlap if they could.
    private func counting(_ runs: NIOLockedValueBox<Int>, fails: Bool = false) -> BackgroundJob {
        BackgroundJob(name: "count", every: 3600, lease: 30) { _ in
            runs.withLockedValue { $0 += 1 }
            try await Task.sleep(for: .milliseconds(100))
            if fails { throw CancellationError() }
        }
    }

    private func replica(_ store: Store, _ job: BackgroundJob, clock: TestClock) -> BackgroundWorkService {
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        return BackgroundWorkService(store: store, jobs: [job], now: { clock.now }, logger: quiet)
    }

    @Test("due work runs on one replica only, however many ask at once", arguments: TestEngine.available)
    func once(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given three replicas with the same job
            let runs = NIOLockedValueBox(0), clock = TestClock()
            let replicas = (1...3).map { _ in replica(store, counting(runs), clock: clock) }
            try await replicas[0].schedule()
            // when they all look for work at once
            let ran = try await withThrowingTaskGroup(of: Bool.self) { group in
                for replica in replicas { group.addTask { try await replica.runOne() } }
                var ran = 0
                for try await did in group where did { ran += 1 }
                return ran
            }
            // then
            #expect(ran == 1)
            #expect(runs.withLockedValue { $0 } == 1)
        }
    }

    @Test("work is due again one period after it ended, and a failure is kept for the operators", arguments: TestEngine.available)
    func period(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            let runs = NIOLockedValueBox(0), clock = TestClock()
            let worker = replica(store, counting(runs, fails: true), clock: clock)
            try await worker.schedule()
            // when
            let first = try await worker.runOne()
            clock.advance(by: 1800)
            let early = try await worker.runOne()
            clock.advance(by: 1801)
            let due = try await worker.runOne()
            // then
            #expect(first && !early && due)
            let state = try #require(try await store.withConnection { try await WorkRepository($0).all() }.first)
            #expect(state.lastError?.isEmpty == false)
            #expect(state.runs == 2)
        }
    }

    @Test("work leased by a replica that died goes to another once its lease runs out", arguments: TestEngine.available)
    func rescued(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given a replica that leased the job, then was killed
            let runs = NIOLockedValueBox(0), clock = TestClock()
            let survivor = replica(store, counting(runs), clock: clock)
            try await survivor.schedule()
            _ = try await store.transaction { try await WorkRepository($0).claim(as: "killed", at: clock.now, for: 30) }
            // when the survivor looks before and after the lease's deadline
            let before = try await survivor.runOne()
            clock.advance(by: 31)
            let after = try await survivor.runOne()
            // then
            #expect(!before && after)
            #expect(runs.withLockedValue { $0 } == 1)
        }
    }
}
