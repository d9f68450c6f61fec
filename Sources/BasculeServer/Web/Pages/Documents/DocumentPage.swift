import BasculeCore
import Foundation

/// A release document (rollback plan, release notes): the text in an editor, its rendered
/// preview, and every version, any of which can be read again.
enum DocumentPage {
    struct Version: Sendable {
        let label: String
        let href: String
        let shown: Bool
    }

    struct Model: Sendable {
        let releaseKey: String
        let releaseTitle: String
        let releaseHref: String
        let kind: String
        let kindValue: String
        let content: String
        let previewHTML: String?
        let versions: [Version]
        /// Set when an earlier version is shown: "Version 2 of 4, by …".
        let olderVersion: String?
        let expectedVersion: Int
        let canEdit: Bool
        let errors: [String]
    }

    struct Facts: Sendable {
        let release: Release
        let kind: DocumentKind
        let shown: DocumentVersion?
        let history: [DocumentVersion]
        /// What the person typed, kept after a refusal.
        var typed: String? = nil
        var errors: [FieldError] = []
        let canEdit: Bool
    }

    static func model(_ facts: Facts, _ words: Words) -> Model {
        let key = facts.release.key.description
        let base = "/releases/\(key)/documents/\(facts.kind.rawValue)"
        let latest = facts.history.first?.version ?? 0
        let shown = facts.shown
        func label(_ version: DocumentVersion) -> String {
            words.text("document_version", ["n": words.number(version.version), "who": version.author, "when": words.date(version.at)])
        }
        return Model(
            releaseKey: key, releaseTitle: facts.release.title, releaseHref: "/releases/\(key)?tab=plan",
            kind: words.label(facts.kind), kindValue: facts.kind.rawValue,
            content: facts.typed ?? shown?.content ?? "",
            previewHTML: shown.flatMap { $0.content.isEmpty ? nil : MarkdownRenderer.html($0.content) },
            versions: facts.history.map { Version(label: label($0), href: "\(base)?version=\($0.version)", shown: $0.version == shown?.version) },
            olderVersion: shown.flatMap { $0.version == latest ? nil : words.text("document_older", ["n": words.number($0.version), "latest": words.number(latest)]) },
            expectedVersion: latest, canEdit: facts.canEdit, errors: facts.errors.map(words.error))
    }
}
