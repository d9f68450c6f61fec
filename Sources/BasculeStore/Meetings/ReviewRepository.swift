import BasculeCore
import Foundation
import SQLKit

/// Post-implementation reviews and their feedback.
public struct ReviewRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private static let select = """
        SELECT r.number, v.outcome, v.opened_at, v.status, v.objectives, v.lessons, v.documentation, v.closure, v.facts, v.published_at, v.published_by,
               v.revision
        FROM reviews v JOIN releases r ON r.id = v.release_id
        """

    /// Opens the review unless the release has one (a rolled-back release deployed later keeps its first).
    @discardableResult
    public func open(_ review: Review, releaseID: UUID) async throws -> Bool {
        !(try await db.raw("""
            INSERT INTO reviews (release_id, outcome, opened_at, status, objectives, lessons, documentation, closure, facts, revision)
            VALUES (\(bind: releaseID.uuidString), \(bind: review.outcome.rawValue), \(bind: Columns.millis(review.openedAt)), 'draft',
                    \(bind: try Self.json(review.objectives)), \(bind: review.lessons), \(bind: try Self.json(review.documentation)), NULL, NULL, 1)
            ON CONFLICT DO NOTHING RETURNING release_id
            """).all()).isEmpty
    }

    public func find(_ release: ReleaseKey) async throws -> Review? {
        try await db.raw(SQLQueryString(Self.select) + " WHERE r.number = \(bind: Int64(release.number))").first().map(Self.review)
    }

    /// The published reviews of the releases given (by number), newest first.
    public func published(of numbers: [Int], limit: Int) async throws -> [Review] {
        guard !numbers.isEmpty else { return [] }
        let list = SQLQueryString(numbers.map(String.init).joined(separator: ", "))
        return try await db.raw(SQLQueryString(Self.select) + " WHERE v.status = 'published' AND r.number IN (" + list + ") ORDER BY v.published_at DESC LIMIT \(bind: Int64(limit))")
            .all().map(Self.review)
    }

    public func update(_ review: Review, previousRevision: Int) async throws -> Bool {
        !(try await db.raw("""
            UPDATE reviews SET status = \(bind: review.status.rawValue), objectives = \(bind: try Self.json(review.objectives)), lessons = \(bind: review.lessons),
                documentation = \(bind: try Self.json(review.documentation)), closure = \(bind: review.closure?.rawValue),
                facts = \(bind: try review.facts.map(Self.json)), published_at = \(bind: review.publishedAt.map(Columns.millis)),
                published_by = \(bind: review.publishedBy), revision = \(bind: Int64(review.revision))
            WHERE release_id = (SELECT id FROM releases WHERE number = \(bind: Int64(review.release.number))) AND revision = \(bind: Int64(previousRevision))
            RETURNING release_id
            """).all()).isEmpty
    }

    /// Replaces the feedback link's token (its hash); the previous link stops working.
    public func setFeedbackToken(hash: String, of release: ReleaseKey) async throws {
        try await db.raw("""
            UPDATE reviews SET feedback_token_hash = \(bind: hash) WHERE release_id = (SELECT id FROM releases WHERE number = \(bind: Int64(release.number)))
            """).run()
    }

    /// The release whose review the feedback link with this token hash belongs to.
    public func release(feedbackTokenHash hash: String) async throws -> ReleaseKey? {
        try await db.raw("""
            SELECT r.number FROM reviews v JOIN releases r ON r.id = v.release_id WHERE v.feedback_token_hash = \(bind: hash)
            """).first().map { ReleaseKey(number: try $0.decode(column: "number", as: Int.self)) }
    }

    public func addFeedback(_ feedback: ReviewFeedback, to release: ReleaseKey) async throws {
        try await db.raw("""
            INSERT INTO review_feedback (id, release_id, author, name, rating, comment, at)
            SELECT \(bind: feedback.id.uuidString), id, \(bind: feedback.author), \(bind: feedback.name), \(bind: Int64(feedback.rating)), \(bind: feedback.comment),
                   \(bind: Columns.millis(feedback.at))
            FROM releases WHERE number = \(bind: Int64(release.number))
            """).run()
    }

    public func feedback(of release: ReleaseKey) async throws -> [ReviewFeedback] {
        try await db.raw("""
            SELECT f.id, f.author, f.name, f.rating, f.comment, f.at FROM review_feedback f JOIN releases r ON r.id = f.release_id
            WHERE r.number = \(bind: Int64(release.number)) ORDER BY f.at
            """).all().map { row in
            ReviewFeedback(id: UUID(uuidString: try row.decode(column: "id", as: String.self)) ?? UUID(), author: try row.decode(column: "author", as: String?.self),
                           name: try row.decode(column: "name", as: String.self), rating: try row.decode(column: "rating", as: Int.self),
                           comment: try row.decode(column: "comment", as: String.self), at: Columns.date(try row.decode(column: "at", as: Int64.self)))
        }
    }

    /// The other releases of the same application: sharing one of `tags`, or changing one of `items`.
    public func related(to release: Release, tags: [String], items: [String]) async throws -> [Int] {
        var either: [SQLQueryString] = tags.map { "r.tags LIKE \(bind: "%\"" + $0 + "\"%")" }
        if !items.isEmpty {
            let list = SQLQueryString(items.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", "))
            either.append("r.id IN (SELECT c.release_id FROM changes c JOIN change_items i ON i.change_id = c.id WHERE i.item IN (" + list + "))")
        }
        guard !either.isEmpty else { return [] }
        return try await db.raw("SELECT r.number FROM releases r WHERE r.id <> \(bind: release.id.uuidString) AND (" + either.joined(separator: " OR ") + ")")
            .all().map { try $0.decode(column: "number", as: Int.self) }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        do { return try decoder.decode(type, from: Data(text.utf8)) } catch { throw StoreError.corruptRow("a review's \(T.self) cannot be read") }
    }

    static func review(_ row: any SQLRow) throws -> Review {
        guard let outcome = ReleaseStatus(rawValue: try row.decode(column: "outcome", as: String.self)),
              let status = Review.Status(rawValue: try row.decode(column: "status", as: String.self))
        else { throw StoreError.corruptRow("a review with an unknown outcome or status") }
        return Review(release: ReleaseKey(number: try row.decode(column: "number", as: Int.self)), outcome: outcome,
                      openedAt: Columns.date(try row.decode(column: "opened_at", as: Int64.self)), status: status,
                      objectives: try decode([Review.ObjectiveResult].self, try row.decode(column: "objectives", as: String.self)),
                      lessons: try row.decode(column: "lessons", as: String.self),
                      documentation: try decode([Review.DocumentationItem].self, try row.decode(column: "documentation", as: String.self)),
                      closure: try row.decode(column: "closure", as: String?.self).flatMap(Review.Closure.init(rawValue:)),
                      facts: try row.decode(column: "facts", as: String?.self).map { try decode(ReviewFacts.self, $0) },
                      publishedAt: try row.decode(column: "published_at", as: Int64?.self).map(Columns.date),
                      publishedBy: try row.decode(column: "published_by", as: String?.self), revision: try row.decode(column: "revision", as: Int.self))
    }
}
