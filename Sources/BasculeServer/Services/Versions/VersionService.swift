import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// A release's commits (imported from git by the CLI or sent by a CI system), their sorting,
/// the release notes drafted from them, and the version they call for.
public struct VersionService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    /// Commits one request may carry: the CLI sends a long range in batches of 1,000.
    public static let batchLimit = 5_000
    public static let messageLimit = 100_000

    public struct Imported: Sendable, Equatable {
        public let added: Int
        public let alreadyKnown: Int
        /// Changes of this release the new commits name.
        public let linked: [ChangeKey]
        /// Change keys the new commits name that are not this release's (kept on the commit, not linked).
        public let elsewhere: [ChangeKey]
        /// Changes made for announced commits that named none, when asked.
        public let created: [ChangeKey]
        public let total: Int
    }

    /// Adds `commits` after the release's own; a commit it already has is left as it was.
    /// With `createChanges`, a breaking change, feature or fix that names no change becomes one.
    public func importCommits(_ key: String, _ commits: [(commit: ReleaseCommit, replacedBytes: Bool)], createChanges: Bool = false) async throws -> Imported {
        try await gate.require(.planEdit, on: key)
        return try await refusing {
            try Self.validate(commits.map(\.commit))
            return try await store.transaction { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                guard ![.closed, .cancelled].contains(release.status) else {
                    throw ServiceError.conflict("a release in \(release.status.rawValue) takes no more commits")
                }
                let changes = ChangeRepository(db)
                let own = Set(try await changes.all(of: release).map(\.key))
                let repository = CommitRepository(db)
                var incoming = commits
                var created: [ChangeKey] = []
                if createChanges {
                    let known = Set(try await repository.list(of: release.key).map(\.commit.hash))
                    for index in incoming.indices where incoming[index].commit.changes.isEmpty && !known.contains(incoming[index].commit.hash) {
                        let commit = incoming[index].commit
                        guard ReleaseNotesDraft.announced.dropLast().contains(commit.kindByMessage) else { continue }
                        let line = ReleaseNotesDraft.line(commit)
                        let fields = try ChangeFields(title: String(line.text.prefix(ReleaseLimits.title)),
                                                      description: String(Self.body(of: commit).prefix(ReleaseLimits.description)),
                                                      link: nil, status: .proposed).validated()
                        let change = Change(key: try await changes.nextKey(), releaseKey: release.key, fields: fields,
                                            requestedBy: RequestOrigin.current.actor, createdAt: now())
                        try await changes.insert(change, in: release)
                        try await AuditLog.record(.changeCreate, target: release.key.description,
                                                  summary: "\(change.key) from commit \(commit.shortHash): \(fields.title)", at: now(), in: db)
                        incoming[index].commit.changes = [change.key]
                        created.append(change.key)
                    }
                }
                let added = Set(try await repository.add(incoming, to: release.key, at: now()))
                let named = incoming.filter { added.contains($0.commit.hash) }.flatMap(\.commit.changes)
                let linked = Self.unique(named.filter { own.contains($0) || created.contains($0) })
                let elsewhere = Self.unique(named.filter { !own.contains($0) && !created.contains($0) })
                let total = try await repository.count(of: release.key)
                if !added.isEmpty || !created.isEmpty {
                    try await AuditLog.record(.commitImport, target: release.key.description,
                                              summary: "\(added.count) commits added (\(commits.count - added.count) already known), \(total) in all"
                                                + (created.isEmpty ? "" : "; \(created.count) changes made from them"), at: now(), in: db)
                }
                return Imported(added: added.count, alreadyKnown: commits.count - added.count, linked: linked, elsewhere: elsewhere,
                                created: created, total: total)
            }
        }
    }

    static func validate(_ commits: [ReleaseCommit]) throws {
        guard commits.count <= batchLimit else {
            throw ServiceError.invalid([FieldError("commits", "at most \(batchLimit) commits a request: send a long range in batches")])
        }
        var errors: [FieldError] = []
        for (index, commit) in commits.enumerated() {
            let field = "commits[\(index)]"
            if !(7...64).contains(commit.hash.count) || !commit.hash.allSatisfy({ $0.isASCII && $0.isHexDigit }) {
                errors.append(FieldError("\(field).hash", "must be 7 to 64 hexadecimal digits"))
            }
            if commit.message.count > messageLimit { errors.append(FieldError("\(field).message", "must be at most \(messageLimit) characters")) }
            if commit.author.count > 200 || commit.email.count > 320 { errors.append(FieldError("\(field).author", "is too long")) }
            if !(0...64).contains(commit.parents) { errors.append(FieldError("\(field).parents", "must be between 0 and 64")) }
            if errors.count >= 20 { break }
        }
        guard errors.isEmpty else { throw ServiceError.invalid(errors) }
    }

    static func unique(_ keys: [ChangeKey]) -> [ChangeKey] {
        var seen: Set<ChangeKey> = []
        return keys.filter { seen.insert($0).inserted }
    }

    static func body(of commit: ReleaseCommit) -> String {
        if case .conventional(let parsed) = commit.parsed { return parsed.body ?? "" }
        return ""
    }

    /// The release's commits in order, with what each counts as.
    public func commits(of key: String, limit: Int = 200, offset: Int = 0) async throws -> (total: Int, commits: [StoredCommit], kinds: [CommitKind]) {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                let repository = CommitRepository(db)
                // Kinds need the whole range (a revert pairs with what it reverts anywhere in it).
                let all = try await repository.list(of: release.key)
                let kinds = ReleaseNotesDraft.kinds(of: all.map(\.commit))
                let page = Array(all.dropFirst(max(0, offset)).prefix(max(0, limit)))
                return (all.count, page, Array(kinds.dropFirst(max(0, offset)).prefix(max(0, limit))))
            }
        }
    }

    /// Sorts a commit as a person reads it (nil: back to what its message says).
    public func sort(_ key: String, commit hash: String, as kind: CommitKind?) async throws -> StoredCommit {
        try await gate.require(.planEdit, on: key)
        return try await refusing {
            if let kind, !CommitKind.sortable.contains(kind) {
                throw ServiceError.invalid([FieldError("kind", "must be one of " + CommitKind.sortable.map(\.rawValue).joined(separator: ", "))])
            }
            return try await store.transaction { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                let repository = CommitRepository(db)
                // A short hash names the commit when only one begins with it.
                guard hash.count >= 4, hash.allSatisfy({ $0.isASCII && $0.isHexDigit }) else { throw ServiceError.notFound("commit \(hash) of \(key)") }
                let found = try await repository.hashes(of: release.key, startingWith: hash.lowercased())
                if found.count > 1 { throw ServiceError.invalid([FieldError("hash", "\(hash) names more than one commit of \(key): give more of it")]) }
                guard let hash = found.first, try await repository.sort(hash, of: release.key, as: kind, by: RequestOrigin.current.actor),
                      let stored = try await repository.find(hash, of: release.key) else {
                    throw ServiceError.notFound("commit \(hash) of \(key)")
                }
                try await AuditLog.record(.commitSort, target: release.key.description,
                                          summary: "\(stored.commit.shortHash) sorted as \(kind?.rawValue ?? "its message says")", at: now(), in: db)
                return stored
            }
        }
    }

    public struct Notes: Sendable, Equatable {
        public let release: Release
        public let draft: ReleaseNotesDraft
        public let suggestion: VersionSuggestion
        /// The release the version is compared with.
        public let previous: Release?
        public let commits: Int
    }

    /// The notes the release's commits and changes make, and the version they call for.
    public func notes(of key: String) async throws -> Notes {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                return try await Self.draftNotes(of: release, in: db)
            }
        }
    }

    static func draftNotes(of release: Release, in db: any SQLDatabase) async throws -> Notes {
        let commits = try await CommitRepository(db).list(of: release.key).map(\.commit)
        let draft = ReleaseNotesDraft(commits: commits, changes: try await ChangeRepository(db).all(of: release))
        let previous = try await previousRelease(of: release, in: db)
        let suggestion = VersionSuggestion(kinds: ReleaseNotesDraft.kinds(of: commits), previous: previous.flatMap { SemanticVersion($0.fields.version) },
                                           actual: release.fields.version)
        return Notes(release: release, draft: draft, suggestion: suggestion, previous: previous, commits: commits.count)
    }

    /// The application's previous release (`VersionSuggestion.previous`), among the deployed
    /// releases sharing one of its tags.
    static func previousRelease(of release: Release, in db: any SQLDatabase) async throws -> Release? {
        let releases = ReleaseRepository(db)
        var candidates: [Release] = []
        for tag in release.fields.tags {
            candidates += try await releases.sorted(ReleaseQuery(statuses: [.deployed, .closed], tag: tag), by: .window, descending: true,
                                                    limit: 200, offset: 0).items
        }
        return VersionSuggestion.previous(of: release, among: candidates)
    }

    /// Publishes the draft for `audience` as the release's notes document (its next version).
    /// Refused while commits wait to be sorted.
    public func publishNotes(_ key: String, audience: ReleaseNotesDraft.Audience, headings: ReleaseNotesDraft.Headings,
                             commitLink: String? = nil) async throws -> DocumentVersion {
        try await gate.require(.planEdit, on: key)
        return try await refusing {
            if let link = commitLink, !link.contains("{hash}") || !(link.hasPrefix("https://") || link.hasPrefix("http://")) {
                throw ServiceError.invalid([FieldError("commitLink", "must be an http(s) link with {hash} in it")])
            }
            return try await store.transaction { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                let notes = try await Self.draftNotes(of: release, in: db)
                guard notes.commits > 0 || !notes.draft.changes.isEmpty else {
                    throw ServiceError.conflict("\(key) has no commit and no change to make notes from")
                }
                guard notes.draft.unclassified == 0 else {
                    let waiting = (notes.draft.commits[.unclassified] ?? []).prefix(5).map { String($0.hash.prefix(7)) }.joined(separator: ", ")
                    throw ServiceError.invalid([FieldError("commits", "\(notes.draft.unclassified) commits are not sorted yet (\(waiting)…): sort them before publishing")])
                }
                let content = notes.draft.markdown(audience, headings: headings) { hash in
                    commitLink.map { $0.replacingOccurrences(of: "{hash}", with: hash) }
                }
                let documents = DocumentRepository(db)
                let current = try await documents.current(.releaseNotes, of: release)?.version ?? 0
                let version = DocumentVersion(kind: .releaseNotes, version: current + 1, content: String(content.prefix(DocumentVersion.maximumLength)),
                                              author: RequestOrigin.current.actor, at: now())
                try await documents.append(version, to: release)
                try await AuditLog.record(.notesPublish, target: release.key.description,
                                          summary: "\(audience.rawValue) notes from \(notes.commits) commits published as version \(version.version)", at: version.at, in: db)
                return version
            }
        }
    }
}
