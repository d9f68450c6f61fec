import BasculeCore
import BasculeStore
import Foundation

/// The release's versions tab: the commits imported for it with the unclassified ones first
/// (each with a form to sort it), the version they call for, and the notes draft with the form
/// that publishes it.
struct VersionsTab: Sendable {
    static let pageSize = 100

    struct Commit: Sendable {
        let hash: String
        let shortHash: String
        let kind: String
        let kindValue: String
        let subject: String
        let author: String
        let date: String
        let changes: String?
        let reason: String?
        let sortedBy: String?
        let replaced: Bool
        let sortHref: String?
        let kinds: [Choice]
    }

    let key: String
    let summary: String
    let importCommand: String
    let version: String?
    let versionWarning: String?
    let unclassified: [Commit]
    let commits: [Commit]
    let olderHref: String?
    let newerHref: String?
    let draftHTML: String
    let audiences: [PageLink]
    let languages: [PageLink]
    let publishHref: String?
    let publishBlocked: String?
    let audience: String
    let lang: String
    let errors: String?

    struct PageLink: Sendable {
        let href: String
        let label: String
        let current: Bool
    }

    static func model(notes: VersionService.Notes, page: (total: Int, commits: [StoredCommit], kinds: [CommitKind]), unclassified: [StoredCommit],
                      offset: Int, audience: ReleaseNotesDraft.Audience, language: Language, markdown: String, errors: [FieldError],
                      _ words: Words) -> VersionsTab {
        let key = notes.release.key.description
        let maySort = RequestOrigin.current.may(.planEdit)
        func commit(_ stored: StoredCommit, kind: CommitKind) -> Commit {
            let commit = stored.commit
            var reason: String?
            if case .unclassified(let why) = commit.parsed { reason = words.label(why) }
            return Commit(
                hash: commit.hash, shortHash: commit.shortHash, kind: words.label(kind), kindValue: kind.rawValue, subject: commit.subject,
                author: commit.author, date: words.date(commit.authoredAt),
                changes: commit.changes.isEmpty ? nil : commit.changes.map(\.description).joined(separator: ", "),
                reason: reason, sortedBy: stored.sortedBy.map { words.text("versions_sorted_by", ["who": $0]) }, replaced: stored.replacedBytes,
                sortHref: maySort ? "/releases/\(key)/commits/\(commit.hash)/sort" : nil,
                kinds: CommitKind.sortable.map { Choice(value: $0.rawValue, label: words.label($0), selected: $0 == kind || (kind == .unclassified && $0 == .other)) })
        }
        let suggestion = notes.suggestion
        let base = "/releases/\(key)?tab=versions"
        func link(audience value: ReleaseNotesDraft.Audience, lang: Language) -> String { "\(base)&audience=\(value.rawValue)&lang=\(lang.rawValue)#notes" }
        let blocked = notes.draft.unclassified > 0 ? words.text("versions_publish_blocked", ["count": String(notes.draft.unclassified)])
            : (notes.commits == 0 && notes.draft.changes.isEmpty ? words.text("versions_publish_nothing") : nil)
        return VersionsTab(
            key: key,
            summary: notes.commits == 0 ? words.text("versions_none")
                : words.text("versions_summary", ["count": notes.commits.formatted(), "unclassified": String(notes.draft.unclassified)]),
            importCommand: "bascule release commits \(key) --repo PATH --from v1.0.0 --to v1.1.0",
            version: versionLine(notes, words), versionWarning: versionWarning(suggestion, words),
            unclassified: unclassified.map { commit($0, kind: .unclassified) },
            commits: zip(page.commits, page.kinds).map { commit($0, kind: $1) },
            olderHref: offset + pageSize < page.total ? "\(base)&offset=\(offset + pageSize)#commits" : nil,
            newerHref: offset > 0 ? "\(base)&offset=\(max(0, offset - pageSize))#commits" : nil,
            draftHTML: MarkdownRenderer.html(markdown),
            audiences: ReleaseNotesDraft.Audience.allCases.map {
                PageLink(href: link(audience: $0, lang: language), label: words.text("versions_audience_\($0.rawValue)"), current: $0 == audience)
            },
            languages: [Language.en, .fr].map { PageLink(href: link(audience: audience, lang: $0), label: $0 == .fr ? "Français" : "English", current: $0 == language) },
            publishHref: RequestOrigin.current.may(.planEdit) && blocked == nil ? "/releases/\(key)/notes/publish" : nil,
            publishBlocked: blocked, audience: audience.rawValue, lang: language.rawValue,
            errors: errors.isEmpty ? nil : errors.map(words.error).joined(separator: " "))
    }

    private static func versionLine(_ notes: VersionService.Notes, _ words: Words) -> String? {
        let suggestion = notes.suggestion
        guard let bump = suggestion.bump else { return nil }
        let level = words.text("versions_bump_\(bump.rawValue)")
        guard let suggested = suggestion.suggested, let previous = suggestion.previous, let release = notes.previous else {
            return words.text("versions_bump_only", ["level": level])
        }
        return words.text("versions_suggested", ["level": level, "suggested": suggested.description, "previous": previous.description,
                                                 "release": release.key.description])
    }

    private static func versionWarning(_ suggestion: VersionSuggestion, _ words: Words) -> String? {
        switch suggestion.agreement {
        case .agrees: nil
        case .under: words.text("versions_under", ["version": suggestion.actual])
        case .over: words.text("versions_over", ["version": suggestion.actual])
        case .notSemantic: words.text("versions_not_semantic", ["version": suggestion.actual])
        }
    }
}
