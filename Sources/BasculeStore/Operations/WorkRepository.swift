import Foundation
import SQLKit

/// A replica's hold on one piece of background work: until `until`, under `fence`. The fence
/// grows with every lease, so the end of work done under a lease that was since lost and
/// given to another replica is refused.
public struct WorkLease: Sendable, Equatable {
    public let name: String
    public let holder: String
    public let fence: Int64
    public let until: Date
}

/// Where a piece of recurring background work stands, for the operations page and metrics.
public struct WorkState: Sendable, Equatable {
    public let name: String
    public let dueAt: Date
    public let every: TimeInterval
    public let holder: String?
    public let leaseUntil: Date?
    public let fence: Int64
    public let runs: Int64
    public let lastStartedAt: Date?
    public let lastEndedAt: Date?
    public let lastError: String?
}

/// Recurring background work, leased by replicas rather than owned by one: `SELECT … FOR
/// UPDATE SKIP LOCKED` on PostgreSQL (replicas claiming at once each get a different row, or
/// none), SQLite's single writer otherwise.
public struct WorkRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Declares recurring work, due first at `firstAt`; work already declared keeps its due
    /// time and takes the new period.
    public func schedule(_ name: String, every: TimeInterval, firstAt: Date) async throws {
        let period = Int64((every * 1000).rounded())
        try await db.raw("""
            INSERT INTO work (name, due_at, every_ms) VALUES (\(bind: name), \(bind: Columns.millis(firstAt)), \(bind: period))
            ON CONFLICT (name) DO UPDATE SET every_ms = \(bind: period)
            """).run()
    }

    /// Leases the most overdue work that nobody holds (or whose holder's lease ran out).
    public func claim(as holder: String, at now: Date, for duration: TimeInterval) async throws -> WorkLease? {
        let skipLocked = db.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let until = now.addingTimeInterval(duration)
        let at = Columns.millis(now)
        let row = try await db.raw("""
            UPDATE work SET holder = \(bind: holder), lease_until = \(bind: Columns.millis(until)), fence = fence + 1,
                runs = runs + 1, last_started_at = \(bind: at)
            WHERE name = (SELECT name FROM work WHERE due_at <= \(bind: at) AND (lease_until IS NULL OR lease_until < \(bind: at))
                          ORDER BY due_at LIMIT 1\(unsafeRaw: skipLocked))
            RETURNING name, fence
            """).first()
        guard let row else { return nil }
        return WorkLease(name: try row.decode(column: "name", as: String.self), holder: holder,
                         fence: try row.decode(column: "fence", as: Int64.self), until: Columns.date(Columns.millis(until)))
    }

    /// Extends a lease still held; false when it was lost (ran out and taken by another).
    public func renew(_ lease: WorkLease, until: Date) async throws -> Bool {
        let row = try await db.raw("""
            UPDATE work SET lease_until = \(bind: Columns.millis(until))
            WHERE name = \(bind: lease.name) AND fence = \(bind: lease.fence) RETURNING name
            """).first()
        return row != nil
    }

    /// Ends the work done under `lease`: due again one period after `now`, free for anyone.
    /// False, and nothing written, when the lease was lost meanwhile.
    public func finish(_ lease: WorkLease, at now: Date, error: String?) async throws -> Bool {
        let at = Columns.millis(now)
        let row = try await db.raw("""
            UPDATE work SET holder = NULL, lease_until = NULL, due_at = \(bind: at) + every_ms,
                last_ended_at = \(bind: at), last_error = \(bind: error)
            WHERE name = \(bind: lease.name) AND fence = \(bind: lease.fence) RETURNING name
            """).first()
        return row != nil
    }

    public func all() async throws -> [WorkState] {
        try await db.raw("""
            SELECT name, due_at, every_ms, holder, lease_until, fence, runs, last_started_at, last_ended_at, last_error
            FROM work ORDER BY name
            """).all().map { row in
            WorkState(
                name: try row.decode(column: "name", as: String.self),
                dueAt: Columns.date(try row.decode(column: "due_at", as: Int64.self)),
                every: Double(try row.decode(column: "every_ms", as: Int64.self)) / 1000,
                holder: try row.decode(column: "holder", as: String?.self),
                leaseUntil: try row.decode(column: "lease_until", as: Int64?.self).map(Columns.date),
                fence: try row.decode(column: "fence", as: Int64.self),
                runs: try row.decode(column: "runs", as: Int64.self),
                lastStartedAt: try row.decode(column: "last_started_at", as: Int64?.self).map(Columns.date),
                lastEndedAt: try row.decode(column: "last_ended_at", as: Int64?.self).map(Columns.date),
                lastError: try row.decode(column: "last_error", as: String?.self))
        }
    }
}
