import Foundation

/// The Markdown documents a release keeps with their whole history.
public enum DocumentKind: String, Sendable, CaseIterable, Codable, Hashable {
    case releaseNotes, rollbackPlan
}

/// One version of a document. Versions are never rewritten: an edit adds the next one.
public struct DocumentVersion: Sendable, Equatable {
    public let kind: DocumentKind
    public let version: Int
    public let content: String
    public let author: String
    public let at: Date

    public init(kind: DocumentKind, version: Int, content: String, author: String, at: Date) {
        self.kind = kind
        self.version = version
        self.content = content
        self.author = author
        self.at = at
    }

    public static let maximumLength = 200_000
}
