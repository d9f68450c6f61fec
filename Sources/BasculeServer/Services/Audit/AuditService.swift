import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Reads the audit trail and checks its chain. Writing to it belongs to each use case's own
/// transaction (see `AuditLog`).
public struct AuditService: Sendable {
    let store: Store
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.gate = Gatekeeper(store: store, now: now)
    }

    public func list(_ query: AuditQuery, limit: Int? = nil, cursor: String? = nil) async throws -> Page<AuditEvent> {
        try await gate.require(.auditRead)
        return try await refusing {
            let limit = try Paging.limit(limit)
            let before: Int? = try cursor.map { token in
                guard case .sequence(let sequence) = try PageCursor(token: token) else { throw StoreError.invalidCursor }
                return sequence
            }
            if let from = query.from, let to = query.to, to <= from {
                throw ServiceError.badRequest([FieldError("to", "must be after from")])
            }
            let (items, next) = try await store.withConnection { try await AuditRepository($0).page(query, limit: limit, before: before) }
            return Page(items: items, nextCursor: next.map { PageCursor.sequence($0).token })
        }
    }

    public func verify() async throws -> AuditVerification {
        try await gate.require(.auditRead)
        return try await store.withConnection { try await AuditRepository($0).verify() }
    }
}

/// Appends the event of a write, inside that write's transaction, stamped with the origin of
/// the request.
enum AuditLog {
    /// An event as the asking principal's, to be appended with others.
    static func entry(_ action: AuditAction, target: String, summary: String, at: Date) -> AuditRecord {
        let origin = RequestOrigin.current
        return AuditRecord(entry: AuditEntry(actor: origin.actor, action: action, target: target, summary: summary), at: at,
                           requestID: origin.requestID, clientAddress: origin.clientAddress)
    }

    static func record(_ action: AuditAction, target: String, summary: String, at: Date, in db: any SQLDatabase) async throws {
        let origin = RequestOrigin.current
        try await AuditRepository(db).append(
            AuditEntry(actor: origin.actor, action: action, target: target, summary: summary), at: at,
            requestID: origin.requestID, clientAddress: origin.clientAddress)
    }
}
