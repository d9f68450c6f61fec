import BasculeStore
import Foundation

/// Recurring work that any replica may do, one at a time: `run` is handed a check that says
/// whether the lease still holds, to ask before making its result visible.
public struct BackgroundJob: Sendable {
    public let name: String
    public let every: TimeInterval
    /// How long a lease lasts without renewal: the longest a dead replica's job waits for another.
    public let lease: TimeInterval
    public let run: @Sendable (_ stillHeld: @Sendable () async -> Bool) async throws -> Void

    public init(name: String, every: TimeInterval, lease: TimeInterval = 30,
                run: @escaping @Sendable (_ stillHeld: @Sendable () async -> Bool) async throws -> Void) {
        self.name = name
        self.every = every
        self.lease = lease
        self.run = run
    }

    /// Expired sessions, events past their retention, read inbox lines and ended deliveries, hourly.
    public static func purge(store: Store, now: @escaping @Sendable () -> Date, eventRetention: TimeInterval = 30 * 86_400) -> BackgroundJob {
        BackgroundJob(name: "purge", every: 3600) { _ in
            try await store.transaction { db in
                try await TokenRepository(db).purgeExpiredSessions(at: now())
                try await EventRepository(db).purge(before: now().addingTimeInterval(-eventRetention))
                // Read inbox lines after 90 days; deliveries ended (delivered or given up) after 30.
                try await InboxRepository(db).purge(readBefore: now().addingTimeInterval(-90 * 86_400))
                try await DeliveryRepository(db).purge(endedBefore: now().addingTimeInterval(-eventRetention))
            }
        }
    }

    /// A backup into `folder.folder` every `every`, keeping `folder.keep`. A backup finished
    /// under a lease that was lost meanwhile (another replica took the job) is removed rather
    /// than kept beside the other replica's.
    public static func backup(store: Store, into folder: BackupFolder, every: TimeInterval, now: @escaping @Sendable () -> Date) -> BackgroundJob {
        BackgroundJob(name: "backup", every: every, lease: 120) { stillHeld in
            let file = folder.file(at: now(), engine: store.engine)
            try await store.backup(to: file)
            guard await stillHeld() else {
                try? FileManager.default.removeItem(at: file)
                throw BackgroundWorkError.leaseLost("backup")
            }
            folder.prune()
        }
    }
}

enum BackgroundWorkError: Error, CustomStringConvertible {
    case leaseLost(String)

    var description: String {
        switch self {
        case .leaseLost(let name): return "the lease on \(name) was lost while it ran; its result was discarded"
        }
    }
}
