import Foundation

/// How a commit counts in its release's notes and version.
public enum CommitKind: String, Sendable, CaseIterable, Codable {
    case breaking, feature, fix, other
    /// A merge with no conventional title of its own: the commits it merged are listed apart.
    case merge
    /// Undone by a revert in the same release (both are): listed apart, not announced.
    case reverted
    /// Not a conventional commit, and not yet sorted by a person: publishing waits for it.
    case unclassified
    /// Sorted by a person as not worth a line in the notes (a typo, a formatting pass).
    case omitted

    /// The kinds a person may sort a commit into.
    public static let sortable: [CommitKind] = [.breaking, .feature, .fix, .other, .omitted]
}

/// A commit of a release, as read from git or sent by a CI system: what the notes and the
/// version suggestion are made from.
public struct ReleaseCommit: Sendable, Equatable {
    public let hash: String
    public let author: String
    public let email: String
    public let authoredAt: Date
    /// The whole message, subject on the first line.
    public let message: String
    public let parents: Int
    /// The changes it names (`CHG-7` anywhere in its message) or was linked to.
    public var changes: [ChangeKey]
    /// How a person sorted it; nil to go by its message.
    public var sortedAs: CommitKind?

    public init(hash: String, author: String, email: String, authoredAt: Date, message: String, parents: Int = 1,
                changes: [ChangeKey]? = nil, sortedAs: CommitKind? = nil) {
        self.hash = hash
        self.author = author
        self.email = email
        self.authoredAt = authoredAt
        self.message = message
        self.parents = parents
        self.changes = changes ?? Self.changeKeys(in: message)
        self.sortedAs = sortedAs
    }

    public var parsed: CommitMessage { CommitMessage.parse(message, parents: parents) }

    public var subject: String {
        String(message.prefix { $0 != "\n" && $0 != "\r" }).trimmingCharacters(in: .whitespaces)
    }

    public var shortHash: String { String(hash.prefix(7)) }

    /// What its message says it is, before any sorting (and before reverts are paired up).
    public var kindByMessage: CommitKind {
        switch parsed {
        case .conventional(let commit): Self.kind(of: commit)
        case .merge(let title?): Self.kind(of: title)
        case .merge(nil): .merge
        case .revert: .other
        case .unclassified: .unclassified
        }
    }

    static func kind(of commit: ConventionalCommit) -> CommitKind {
        if commit.isBreaking { return .breaking }
        switch commit.type {
        case "feat", "feature": return .feature
        case "fix", "bugfix", "hotfix": return .fix
        default: return .other
        }
    }

    /// Every `CHG-n` in a message, in order, each once.
    public static func changeKeys(in message: String) -> [ChangeKey] {
        var keys: [ChangeKey] = []
        var rest = Substring(message)
        while let found = rest.range(of: ChangeKey.prefix, options: .caseInsensitive) {
            let before = found.lowerBound == rest.startIndex ? nil : rest[rest.index(before: found.lowerBound)]
            let digits = rest[found.upperBound...].prefix { $0.isASCII && $0.isNumber }
            rest = rest[found.upperBound...]
            guard !digits.isEmpty, before.map({ !($0.isLetter || $0.isNumber) }) ?? true,
                  let number = Int(digits), number > 0, !keys.contains(ChangeKey(number: number)) else { continue }
            keys.append(ChangeKey(number: number))
        }
        return keys
    }
}
