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
