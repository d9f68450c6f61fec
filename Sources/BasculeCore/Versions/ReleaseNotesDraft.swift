import Foundation

/// A release's notes as its commits and changes make them, before a person publishes them:
/// grouped by kind (breaking changes first, then features, fixes, others), each line with its
/// commits and changes; merges, reverted pairs and unclassified commits listed apart, never
/// dropped. Two audiences: the technical notes (one line per commit) and the end users' notes
/// (one line per change, from its description).
public struct ReleaseNotesDraft: Sendable, Equatable {
    public enum Audience: String, Sendable, Equatable, CaseIterable { case technical, endUser }

    /// One commit as the technical notes say it.
    public struct CommitLine: Sendable, Equatable {
        public let hash: String
        public let scope: String?
        public let text: String
        public let breakingNote: String?
        public let changes: [ChangeKey]
        public let author: String
    }

    /// One change as the end users' notes say it: the most telling kind among its commits.
    public struct ChangeLine: Sendable, Equatable {
        public let key: ChangeKey
        public let title: String
        public let description: String
        public let kind: CommitKind
    }

    /// The headings in the notes' language (from the server's localisation table).
    public struct Headings: Sendable, Equatable {
        public let kinds: [CommitKind: String]
        public let title: String

        public init(kinds: [CommitKind: String], title: String) {
            self.kinds = kinds
            self.title = title
        }
    }

    /// The groups the notes announce, in order.
    public static let announced: [CommitKind] = [.breaking, .feature, .fix, .other]

    /// Per kind, its commits in the order given (oldest first).
    public let commits: [CommitKind: [CommitLine]]
    public let changes: [ChangeLine]

    public init(commits: [ReleaseCommit], changes: [Change]) {
        let kinds = Self.kinds(of: commits)
        var grouped: [CommitKind: [CommitLine]] = [:]
        for (commit, kind) in zip(commits, kinds) {
            grouped[kind, default: []].append(Self.line(commit))
        }
        self.commits = grouped
        // A change takes the most telling kind among its announced commits; a change no commit names is one of the others.
        var kindOfChange: [ChangeKey: CommitKind] = [:]
        for (commit, kind) in zip(commits, kinds) where Self.announced.contains(kind) {
            for key in commit.changes {
                let known = kindOfChange[key].flatMap { Self.announced.firstIndex(of: $0) } ?? Self.announced.count
                if Self.announced.firstIndex(of: kind)! < known { kindOfChange[key] = kind }
            }
        }
        self.changes = changes
            .filter { $0.fields.status != .cancelled && $0.fields.status != .rejected }
            .map { ChangeLine(key: $0.key, title: $0.fields.title, description: $0.fields.description, kind: kindOfChange[$0.key] ?? .other) }
    }

    /// Each commit's kind: a person's sorting first, then a revert and what it reverts in the
    /// same release cancel out, then the message.
    public static func kinds(of commits: [ReleaseCommit]) -> [CommitKind] {
        var kinds = commits.map(\.kindByMessage)
        for (index, commit) in commits.enumerated() {
            guard case .revert(_, let reverted?) = commit.parsed, reverted.count >= 7,
                  let target = commits.firstIndex(where: { $0.hash.hasPrefix(reverted) || reverted.hasPrefix($0.hash) }) else { continue }
            kinds[index] = .reverted
            kinds[target] = .reverted
        }
        return zip(commits, kinds).map { $0.sortedAs ?? $1 }
    }

    public static func line(_ commit: ReleaseCommit) -> CommitLine {
        let text: String, scope: String?, note: String?
        switch commit.parsed {
        case .conventional(let parsed), .merge(let parsed?):
            (text, scope, note) = (parsed.description, parsed.scope, parsed.isBreaking && !parsed.exclamation ? parsed.breakingNote : nil)
        case .revert(let subject, _):
            (text, scope, note) = ("Revert \u{201C}\(subject)\u{201D}", nil, nil)
        case .merge(nil), .unclassified:
            (text, scope, note) = (commit.subject.isEmpty ? commit.shortHash : commit.subject, nil, nil)
        }
        return CommitLine(hash: commit.hash, scope: scope, text: text, breakingNote: note, changes: commit.changes, author: commit.author)
    }

    /// Commits a person must still sort before the notes can be published.
    public var unclassified: Int { commits[.unclassified]?.count ?? 0 }

    /// The notes as Markdown for `audience`; `commitLink` makes a hash a link (nil: the short hash alone).
    public func markdown(_ audience: Audience, headings: Headings, commitLink: (String) -> String? = { _ in nil }) -> String {
        var lines = ["# \(headings.title)"]
        for kind in Self.announced {
            let entries: [String]
            switch audience {
            case .technical:
                entries = (commits[kind] ?? []).map { line in
                    var text = "- " + (line.scope.map { "**\($0):** " } ?? "") + line.text
                    let short = String(line.hash.prefix(7))
                    var refs = [commitLink(line.hash).map { "[\(short)](\($0))" } ?? short]
                    refs += line.changes.map(\.description)
                    text += " (" + refs.joined(separator: ", ") + ")"
                    if let note = line.breakingNote { text += "\n  " + note.replacingOccurrences(of: "\n", with: "\n  ") }
                    return text
                }
            case .endUser:
                entries = changes.filter { $0.kind == kind }.map { change in
                    let description = change.description.trimmingCharacters(in: .whitespacesAndNewlines)
                    return "- **\(change.title)**" + (description.isEmpty ? "" : " — " + description.replacingOccurrences(of: "\n", with: " "))
                }
            }
            guard !entries.isEmpty else { continue }
            lines.append("")
            lines.append("## \(headings.kinds[kind] ?? kind.rawValue)")
            lines.append("")
            lines.append(contentsOf: entries)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
