import Foundation

/// A commit message read by the Conventional Commits 1.0.0 specification: a type, an optional
/// scope, an optional `!`, a description, a free body of any number of paragraphs, and footers
/// (`Token: value` or `Token #value`, `BREAKING CHANGE` with its space, values running on over
/// several lines until the next footer).
public struct ConventionalCommit: Sendable, Equatable {
    public struct Footer: Sendable, Equatable {
        public let token: String
        public let value: String

        /// `BREAKING CHANGE` (upper case, §15) or its synonym `BREAKING-CHANGE` (§16).
        public var isBreaking: Bool { token == "BREAKING CHANGE" || token == "BREAKING-CHANGE" }
    }

    /// Lower case: types are not case sensitive (§15).
    public let type: String
    public let scope: String?
    /// The `!` before the colon (§13).
    public let exclamation: Bool
    public let description: String
    public let body: String?
    public let footers: [Footer]

    public var isBreaking: Bool { exclamation || footers.contains(where: \.isBreaking) }

    /// What breaks: the breaking footer's text, else the description (§13).
    public var breakingNote: String? {
        guard isBreaking else { return nil }
        return footers.first(where: \.isBreaking)?.value ?? description
    }
}

/// Why a message is not a conventional commit, said so that a person can sort it or fix the habit.
public enum UnconventionalReason: String, Error, Sendable, Equatable, CaseIterable {
    case noType, noSpaceAfterColon, emptyDescription, unclosedScope, emptyMessage
}

/// A commit message as the release notes see it. Nothing is ever left out: a message that does
/// not follow the specification is `unclassified`, with the reason, for a person to sort.
public enum CommitMessage: Sendable, Equatable {
    case conventional(ConventionalCommit)
    /// A merge commit; `title` is the merged pull request's title when it was conventional
    /// (GitHub and GitLab write it on the first line of the body).
    case merge(title: ConventionalCommit?)
    /// Git's own `Revert "…"`, or a `revert:` commit, and the hash it names when it names one.
    case revert(subject: String, reverts: String?)
    case unclassified(UnconventionalReason)

    /// Reads `message` (its subject on the first line); `parents` tells a merge commit.
    public static func parse(_ message: String, parents: Int = 1) -> CommitMessage {
        let lines = message.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let subject = lines.first?.trimmingCharacters(in: .whitespaces) ?? ""
        let rest = Array(lines.dropFirst())
        if parents > 1 || Self.isMergeSubject(subject) {
            // A merge named like a conventional commit speaks for itself; else its body's first line may.
            if case .success(let header) = Header.parse(subject) { return .merge(title: header.commit(body: rest)) }
            let title = rest.lazy.map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
            return .merge(title: title.flatMap { if case .success(let header) = Header.parse($0) { header.commit(body: []) } else { nil } })
        }
        if subject.hasPrefix("Revert \"") {
            return .revert(subject: String(subject.dropFirst(8).dropLast(subject.hasSuffix("\"") ? 1 : 0)), reverts: Self.revertedHash(rest))
        }
        guard !subject.isEmpty else { return .unclassified(.emptyMessage) }
        switch Header.parse(subject) {
        case .failure(let reason): return .unclassified(reason)
        case .success(let header):
            let commit = header.commit(body: rest)
            if commit.type == "revert" {
                let refs: String? = commit.footers.first { $0.token.lowercased() == "refs" }?.value
                let named: String? = refs?.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }
                return .revert(subject: commit.description, reverts: named ?? Self.revertedHash(rest))
            }
            return .conventional(commit)
        }
    }

    static func isMergeSubject(_ subject: String) -> Bool {
        ["Merge pull request ", "Merge branch ", "Merge remote-tracking branch ", "Merge tag ", "Merge commit ", "Merged in ", "Merge changes "]
            .contains { subject.hasPrefix($0) }
    }

    /// The hash in git's "This reverts commit <hash>." line.
    static func revertedHash(_ lines: [String]) -> String? {
        for line in lines {
            guard let range = line.range(of: "This reverts commit ") else { continue }
            let hash = line[range.upperBound...].prefix { $0.isHexDigit }
            if hash.count >= 7 { return String(hash) }
        }
        return nil
    }
}

/// The first line of a conventional commit: `type(scope)!: description`.
private struct Header {
    let type: String
    let scope: String?
    let exclamation: Bool
    let description: String

    static func parse(_ subject: String) -> Result<Header, UnconventionalReason> {
        var rest = Substring(subject)
        let type = rest.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        guard let first = type.first, first.isLetter, type.count <= 30 else { return .failure(.noType) }
        rest = rest.dropFirst(type.count)
        var scope: String?
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")"), !rest[rest.index(after: rest.startIndex)..<close].contains("(") else { return .failure(.unclosedScope) }
            scope = String(rest[rest.index(after: rest.startIndex)..<close]).trimmingCharacters(in: .whitespaces)
            rest = rest[rest.index(after: close)...]
        }
        let exclamation = rest.first == "!"
        if exclamation { rest = rest.dropFirst() }
        guard rest.first == ":" else { return .failure(.noType) }
        rest = rest.dropFirst()
        guard rest.first == " " else { return rest.isEmpty ? .failure(.emptyDescription) : .failure(.noSpaceAfterColon) }
        let description = rest.trimmingCharacters(in: .whitespaces)
        guard !description.isEmpty else { return .failure(.emptyDescription) }
        return .success(Header(type: type.lowercased(), scope: scope?.isEmpty == true ? nil : scope, exclamation: exclamation, description: description))
    }

    /// With the lines after the subject: the body's paragraphs, then the footers.
    func commit(body lines: [String]) -> ConventionalCommit {
        let (body, footers) = Footers.split(lines)
        return ConventionalCommit(type: type, scope: scope, exclamation: exclamation, description: description, body: body, footers: footers)
    }
}

/// Where the body ends and the footers begin: at the first `BREAKING CHANGE:` line (never
/// mistaken for prose, and never to be missed), else at the last paragraphs that each begin with
/// a footer (a word token, then `: ` or ` #`), so that a body paragraph opening with "Note: …"
/// stays in the body when a plain paragraph follows it. Inside the footers, a line that does not
/// begin a footer carries on the value before it (§9), blank lines included.
enum Footers {
    static func split(_ lines: [String]) -> (body: String?, footers: [ConventionalCommit.Footer]) {
        var trimmed = lines
        while let last = trimmed.last, last.trimmingCharacters(in: .whitespaces).isEmpty { trimmed.removeLast() }
        var footerStart = trimmed.count
        if let breaking = trimmed.firstIndex(where: { footer($0)?.0.hasPrefix("BREAKING") == true }) {
            footerStart = breaking
        } else {
            // Paragraph starts: the first non-blank line after a blank one (or the first line).
            let starts = trimmed.indices.filter { index in
                !trimmed[index].trimmingCharacters(in: .whitespaces).isEmpty
                    && (index == 0 || trimmed[index - 1].trimmingCharacters(in: .whitespaces).isEmpty)
            }
            for start in starts.reversed() {
                guard footer(trimmed[start]) != nil else { break }
                footerStart = start
            }
        }
        let bodyText = trimmed[..<footerStart].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        var footers: [(token: String, lines: [String])] = []
        for line in trimmed[footerStart...] {
            if let (token, value) = footer(line) {
                footers.append((token, [value]))
            } else if !footers.isEmpty {
                footers[footers.count - 1].lines.append(line)
            }
        }
        return (bodyText.isEmpty ? nil : bodyText,
                footers.map { ConventionalCommit.Footer(token: $0.token, value: $0.lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)) })
    }

    /// The token and value of a line that begins a footer.
    static func footer(_ line: String) -> (String, String)? {
        for breaking in ["BREAKING CHANGE", "BREAKING-CHANGE"] {
            if line.hasPrefix(breaking + ": ") { return (breaking, String(line.dropFirst(breaking.count + 2))) }
            if line.hasPrefix(breaking + " #") { return (breaking, String(line.dropFirst(breaking.count + 1))) }
        }
        let token = line.prefix { $0.isLetter || $0.isNumber || $0 == "-" }
        guard let first = token.first, first.isLetter else { return nil }
        let after = line.dropFirst(token.count)
        if after.hasPrefix(": ") { return (String(token), String(after.dropFirst(2))) }
        if after.hasPrefix(" #") { return (String(token), "#" + after.dropFirst(2)) }
        return nil
    }
}
