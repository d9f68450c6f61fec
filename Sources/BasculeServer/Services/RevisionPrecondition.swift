import BasculeStore
import Foundation
import SQLKit

/// What the client says it last read (`If-Match`, or the revision a web form was built from).
/// A write goes through only if the resource is still there.
public enum RevisionPrecondition: Sendable, Equatable {
    /// `If-Match: *`: any current revision will do.
    case any
    case oneOf([Int])

    func allows(_ revision: Int) -> Bool {
        switch self {
        case .any: return true
        case .oneOf(let revisions): return revisions.contains(revision)
        }
    }

    /// Moves a user's or team's revision on, refusing (412) when `precondition` names another
    /// one or someone moved it meanwhile. Returns the new revision.
    static func advance(_ table: RevisionCounter.Table, id: UUID, _ precondition: RevisionPrecondition?, in db: any SQLDatabase) async throws -> Int {
        let counter = RevisionCounter(db)
        let current = try await counter.current(table, id: id) ?? 1
        if let precondition, !precondition.allows(current) { throw ServiceError.stale(current: current) }
        guard let next = try await counter.advance(table, id: id, from: current) else { throw ServiceError.stale(current: current) }
        return next
    }
}

/// A page of a list and where the next one starts.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let nextCursor: String?
}

enum Paging {
    static let defaultLimit = 50
    static let maximumLimit = 200

    static func limit(_ requested: Int?) throws -> Int {
        guard let requested else { return defaultLimit }
        guard (1...maximumLimit).contains(requested) else {
            throw ServiceError.badRequest([.init("limit", "must be between 1 and \(maximumLimit)")])
        }
        return requested
    }
}
