import BasculeCore
import Foundation
import SQLKit

/// A commit as stored with its release: the commit, whether bytes of it were replaced on the
/// way in, and who sorted it.
public struct StoredCommit: Sendable, Equatable {
    public let commit: ReleaseCommit
    public let position: Int
    public let replacedBytes: Bool
    public let sortedBy: String?
}

/// Each release's commits, in the order they were imported (oldest first).
public struct CommitRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Rows per INSERT: 13 values each stays far under both engines' limit on bound values.
    static let batch = 500

    /// Adds the commits the release does not have yet, after the ones it has; returns the
    /// hashes added (a commit imported twice is kept once, where it first came).
    public func add(_ commits: [(commit: ReleaseCommit, replacedBytes: Bool)], to release: ReleaseKey, at now: Date) async throws -> [String] {
        guard let releaseID = try await db.raw("SELECT id FROM releases WHERE number = \(bind: Int64(release.number))").first()?
            .decode(column: "id", as: String.self) else { throw StoreError.corruptRow("no release \(release)") }
        var position = try await db.raw("SELECT COALESCE(MAX(position), 0) AS last FROM release_commits WHERE release_id = \(bind: releaseID)")
            .first()?.decode(column: "last", as: Int64.self) ?? 0
        var added: [String] = []
        var start = commits.startIndex
        var seen: Set<String> = []
        while start < commits.endIndex {
            let batch = commits[start..<min(commits.endIndex, start + Self.batch)]
            start += batch.count
            // Known ones are left out before numbering, so that positions run on without gaps.
            var lookup = SQLQueryString("SELECT hash FROM release_commits WHERE release_id = \(bind: releaseID) AND hash IN (")
            for (index, entry) in batch.enumerated() {
                lookup = lookup + (index == 0 ? "" : ", ") + "\(bind: entry.commit.hash)"
            }
            var known = Set(try await db.raw(lookup + ")").all().map { try $0.decode(column: "hash", as: String.self) })
            known.formUnion(seen)
            let slice = batch.filter { !known.contains($0.commit.hash) && seen.insert($0.commit.hash).inserted }
            guard !slice.isEmpty else { continue }
            var query = SQLQueryString("""
                INSERT INTO release_commits (release_id, hash, position, author, email, authored_at, message, parents, changes, replaced_bytes,
                    sorted_as, sorted_by, imported_at) VALUES
                """)
            for (index, entry) in slice.enumerated() {
                position += 1
                let commit = entry.commit
                query = query + (index == 0 ? " " : ", ") + """
                    (\(bind: releaseID), \(bind: commit.hash), \(bind: position), \(bind: commit.author), \(bind: commit.email),
                     \(bind: Columns.millis(commit.authoredAt)), \(bind: commit.message), \(bind: Int64(commit.parents)),
                     \(bind: Columns.json(commit.changes.map(\.description))), \(bind: Int64(entry.replacedBytes ? 1 : 0)),
                     \(bind: commit.sortedAs?.rawValue), NULL, \(bind: Columns.millis(now)))
                    """
            }
            query = query + " ON CONFLICT (release_id, hash) DO NOTHING RETURNING hash"
            added += try await db.raw(query).all().map { try $0.decode(column: "hash", as: String.self) }
        }
        return added
    }

    public func count(of release: ReleaseKey) async throws -> Int {
        try await db.raw("""
            SELECT COUNT(*) AS n FROM release_commits c JOIN releases r ON r.id = c.release_id WHERE r.number = \(bind: Int64(release.number))
            """).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// The release's commits in order, `limit` of them after `offset`.
    public func list(of release: ReleaseKey, limit: Int = .max, offset: Int = 0) async throws -> [StoredCommit] {
        try await db.raw("""
            SELECT c.hash, c.position, c.author, c.email, c.authored_at, c.message, c.parents, c.changes, c.replaced_bytes, c.sorted_as, c.sorted_by
            FROM release_commits c JOIN releases r ON r.id = c.release_id WHERE r.number = \(bind: Int64(release.number))
            ORDER BY c.position LIMIT \(bind: Int64(min(limit, Int(Int32.max)))) OFFSET \(bind: Int64(offset))
            """).all().map(Self.stored)
    }

    public func find(_ hash: String, of release: ReleaseKey) async throws -> StoredCommit? {
        try await db.raw("""
            SELECT c.hash, c.position, c.author, c.email, c.authored_at, c.message, c.parents, c.changes, c.replaced_bytes, c.sorted_as, c.sorted_by
            FROM release_commits c JOIN releases r ON r.id = c.release_id WHERE r.number = \(bind: Int64(release.number)) AND c.hash = \(bind: hash)
            """).first().map(Self.stored)
    }

    /// The full hashes of the release's commits that begin with `prefix` (a short hash).
    public func hashes(of release: ReleaseKey, startingWith prefix: String) async throws -> [String] {
        try await db.raw("""
            SELECT c.hash FROM release_commits c JOIN releases r ON r.id = c.release_id
            WHERE r.number = \(bind: Int64(release.number)) AND c.hash LIKE \(bind: prefix + "%") LIMIT 2
            """).all().map { try $0.decode(column: "hash", as: String.self) }
    }

    /// Records how a person sorted a commit (nil: back to what its message says).
    public func sort(_ hash: String, of release: ReleaseKey, as kind: CommitKind?, by person: String) async throws -> Bool {
        !(try await db.raw("""
            UPDATE release_commits SET sorted_as = \(bind: kind?.rawValue), sorted_by = \(bind: kind == nil ? nil : person)
            WHERE hash = \(bind: hash) AND release_id = (SELECT id FROM releases WHERE number = \(bind: Int64(release.number))) RETURNING hash
            """).all()).isEmpty
    }

    static func stored(_ row: any SQLRow) throws -> StoredCommit {
        let changes = try Columns.list(row.decode(column: "changes", as: String.self)).compactMap(ChangeKey.init)
        let sorted = try row.decode(column: "sorted_as", as: String?.self)
        let commit = ReleaseCommit(
            hash: try row.decode(column: "hash", as: String.self), author: try row.decode(column: "author", as: String.self),
            email: try row.decode(column: "email", as: String.self), authoredAt: Columns.date(try row.decode(column: "authored_at", as: Int64.self)),
            message: try row.decode(column: "message", as: String.self), parents: try row.decode(column: "parents", as: Int.self),
            changes: changes, sortedAs: sorted.flatMap(CommitKind.init(rawValue:)))
        return StoredCommit(commit: commit, position: try row.decode(column: "position", as: Int.self),
                            replacedBytes: try row.decode(column: "replaced_bytes", as: Int.self) != 0,
                            sortedBy: try row.decode(column: "sorted_by", as: String?.self))
    }
}
