import BasculeStore
import Foundation
import Logging
import ServiceLifecycle

/// Does this replica's share of the recurring background work: every `tick` it leases the
/// most overdue job nobody holds, runs it while renewing the lease, and ends it under the same
/// fence. Killing a replica leaves its lease to run out; another replica then takes the job.
public struct BackgroundWorkService: Service {
    let store: Store
    let jobs: [BackgroundJob]
    let holder: String
    let tick: Duration
    let now: @Sendable () -> Date
    let logger: Logger

    public init(store: Store, jobs: [BackgroundJob], tick: Duration = .seconds(5), now: @escaping @Sendable () -> Date = Date.init, logger: Logger) {
        self.store = store
        self.jobs = jobs
        self.tick = tick
        self.now = now
        self.logger = logger
        self.holder = "\(ProcessInfo.processInfo.hostName)#\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(6))"
    }

    public func run() async throws {
        do {
            try await schedule()
        } catch {
            logger.error("background work could not be scheduled: \(error)")
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                while !Task.isCancelled, (try? await runOne()) == true {}
                try? await Task.sleep(for: tick)
            }
        }
    }

    /// Declares this replica's jobs, due now unless already declared.
    public func schedule() async throws {
        for job in jobs {
            try await store.transaction { try await WorkRepository($0).schedule(job.name, every: job.every, firstAt: now()) }
        }
    }

    /// Leases and runs one due job; false when none was due.
    public func runOne() async throws -> Bool {
        let store = self.store, now = self.now, holder = self.holder
        let byName = Dictionary(jobs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let leaseFor = jobs.map(\.lease).max() ?? 30
        guard let lease = try await store.transaction({ try await WorkRepository($0).claim(as: holder, at: now(), for: leaseFor) }) else { return false }
        guard let job = byName[lease.name] else {
            // Declared by another version of Bascule: left for the replicas that know it.
            _ = try? await store.transaction { try await WorkRepository($0).finish(lease, at: now(), error: "unknown to \(holder)") }
            return true
        }
        let stillHeld: @Sendable () async -> Bool = {
            (try? await store.transaction { try await WorkRepository($0).renew(lease, until: now().addingTimeInterval(job.lease)) }) ?? false
        }
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(job.lease / 3))
                if Task.isCancelled { return }
                if await !stillHeld() { return }
            }
        }
        var failure: String?
        do {
            try await job.run(stillHeld)
        } catch {
            failure = String(describing: error)
            logger.warning("background work \(job.name) failed: \(error)")
        }
        heartbeat.cancel()
        let outcome = failure
        let ended = try await store.transaction { try await WorkRepository($0).finish(lease, at: now(), error: outcome) }
        if !ended { logger.warning("background work \(job.name): the lease was lost before it ended; another replica has it") }
        return true
    }
}
