import BasculeAPI
import BasculeCore
import BasculeStore
import Foundation
import OpenAPIRuntime

extension APIHandler {
    func listCommits(_ input: Operations.ListCommits.Input) async throws -> Operations.ListCommits.Output {
        let found = try await versions.commits(of: input.path.key, limit: input.query.limit ?? 200, offset: input.query.offset ?? 0)
        return .ok(.init(body: .json(.init(total: found.total, commits: zip(found.commits, found.kinds).map { .init($0, kind: $1) }))))
    }

    func importCommits(_ input: Operations.ImportCommits.Input) async throws -> Operations.ImportCommits.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let now = Date()
        let commits = body.commits.map { commit in
            (commit: ReleaseCommit(hash: commit.hash.lowercased(), author: commit.author ?? "", email: commit.email ?? "", authoredAt: commit.date ?? now,
                                   message: commit.message, parents: commit.parents ?? 1), replacedBytes: commit.replacedBytes ?? false)
        }
        let imported = try await versions.importCommits(input.path.key, commits, createChanges: body.createChanges ?? false)
        return .ok(.init(body: .json(.init(added: imported.added, alreadyKnown: imported.alreadyKnown, linked: imported.linked.map(\.description),
                                           elsewhere: imported.elsewhere.map(\.description), created: imported.created.map(\.description), total: imported.total))))
    }

    func sortCommit(_ input: Operations.SortCommit.Input) async throws -> Operations.SortCommit.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let kind: CommitKind? = body.kind == .byMessage ? nil : CommitKind(rawValue: body.kind.rawValue)
        let stored = try await versions.sort(input.path.key, commit: input.path.hash.lowercased(), as: kind)
        return .ok(.init(body: .json(.init(stored, kind: stored.commit.sortedAs ?? stored.commit.kindByMessage))))
    }

    func getNotesDraft(_ input: Operations.GetNotesDraft.Input) async throws -> Operations.GetNotesDraft.Output {
        let notes = try await versions.notes(of: input.path.key)
        let audience: ReleaseNotesDraft.Audience = input.query.audience == .endUser ? .endUser : .technical
        let markdown = notes.draft.markdown(audience, headings: try notesHeadings(input.query.lang == .fr ? .fr : .en, notes: notes))
        var counts: [String: Int] = [:]
        for (kind, lines) in notes.draft.commits { counts[kind.rawValue] = lines.count }
        return .ok(.init(body: .json(.init(markdown: markdown, commits: notes.commits, unclassified: notes.draft.unclassified,
                                           counts: .init(additionalProperties: counts), version: .init(notes)))))
    }

    func publishNotes(_ input: Operations.PublishNotes.Input) async throws -> Operations.PublishNotes.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let notes = try await versions.notes(of: input.path.key)
        let headings = try notesHeadings(body.lang == .fr ? .fr : .en, notes: notes)
        let version = try await versions.publishNotes(input.path.key, audience: body.audience == .endUser ? .endUser : .technical,
                                                      headings: headings, commitLink: body.commitLink)
        let (_, history) = try await plans.document(.releaseNotes, of: input.path.key)
        return .ok(.init(body: .json(.init(kind: .releaseNotes, current: version, history: history))))
    }

    /// The notes' headings in `language`, from the localisation table.
    func notesHeadings(_ language: Language, notes: VersionService.Notes) throws -> ReleaseNotesDraft.Headings {
        guard let localizer else { throw ServiceError.unavailable("the translations are missing from the bundle") }
        return ReleaseNotesDraft.Headings(notes, Words(localizer: localizer, language: language, formatting: WebFormatting(timeZone: timeZone)))
    }

    func getDependencies(_ input: Operations.GetDependencies.Input) async throws -> Operations.GetDependencies.Output {
        .ok(.init(body: .json(.init(try await dependencies.dependencies(of: input.path.key)))))
    }

    func addDependency(_ input: Operations.AddDependency.Input) async throws -> Operations.AddDependency.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let view = try await dependencies.add(input.path.key, on: body.release, kind: body.kind == .with ? .with : .requires)
        return .created(.init(body: .json(.init(view))))
    }

    func removeDependency(_ input: Operations.RemoveDependency.Input) async throws -> Operations.RemoveDependency.Output {
        .ok(.init(body: .json(.init(try await dependencies.remove(input.path.key, on: input.path.other)))))
    }
}

extension Components.Schemas.CommitView {
    init(_ stored: StoredCommit, kind: CommitKind) {
        let commit = stored.commit
        var type: String?, scope: String?, reason: ReasonPayload?
        switch commit.parsed {
        case .conventional(let parsed), .merge(let parsed?): (type, scope) = (parsed.type, parsed.scope)
        case .unclassified(let why): reason = ReasonPayload(rawValue: why.rawValue)
        case .merge(nil), .revert: break
        }
        self.init(hash: commit.hash, author: commit.author, email: commit.email, authoredAt: commit.authoredAt, subject: commit.subject,
                  message: commit.message, parents: commit.parents, kind: Components.Schemas.CommitKind(rawValue: kind.rawValue) ?? .other,
                  sortedBy: stored.sortedBy, _type: type, scope: scope, reason: reason, changes: commit.changes.map(\.description),
                  replacedBytes: stored.replacedBytes)
    }
}

extension Components.Schemas.VersionSuggestionView {
    init(_ notes: VersionService.Notes) {
        let suggestion = notes.suggestion
        self.init(bump: suggestion.bump.flatMap { BumpPayload(rawValue: $0.rawValue) }, previousRelease: notes.previous?.key.description,
                  previousVersion: suggestion.previous?.description, suggested: suggestion.suggested?.description, actual: suggestion.actual,
                  agreement: AgreementPayload(rawValue: suggestion.agreement.rawValue) ?? .agrees, unclassified: suggestion.unclassified)
    }
}

extension Components.Schemas.Dependencies {
    init(_ view: DependencyService.View) {
        func line(_ dependency: ReleaseDependency, other: ReleaseKey) -> Components.Schemas.DependencyLine {
            let release = view.others[other]
            let problem = view.problems.first { $0.dependency == dependency }
            return .init(release: dependency.release.description, on: dependency.on.description, kind: dependency.kind == .with ? .with : .requires,
                         title: release?.fields.title ?? "", status: release?.status.rawValue ?? "", windowStart: release?.window?.start,
                         problem: problem.flatMap { .init(rawValue: $0.reason.rawValue) })
        }
        self.init(requires: view.requires.map { line($0, other: $0.on) }, requiredBy: view.requiredBy.map { line($0, other: $0.release) })
    }
}
