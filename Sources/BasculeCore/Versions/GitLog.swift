import Foundation

/// Reads the output of `git log -z --format=GitLog.format`: one record per commit, separated by
/// NUL; in each, the hash, the parents, the author's name and e-mail, the author date (ISO 8601)
/// and the raw message, separated by the unit separator (0x1F). Bytes, not text: a message that
/// is not UTF-8 (an old Latin-1 commit whose encoding git did not know), or that holds a control
/// character, is read with those replaced, and said so, rather than refused or dropped.
public enum GitLog {
    /// For `git log -z --encoding=UTF-8 --format=…`.
    public static let format = "%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%B"

    public struct Entry: Sendable, Equatable {
        public let commit: ReleaseCommit
        /// Some bytes of its message or author were not UTF-8 and were replaced by U+FFFD.
        public let replacedBytes: Bool
    }

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case malformed(String)

        public var description: String {
            switch self {
            case .malformed(let record): "git log gave a record Bascule cannot read: \(record.prefix(80))"
            }
        }
    }

    /// One record (without its NUL).
    public static func entry(_ record: some Collection<UInt8>) throws(Problem) -> Entry {
        let fields = record.split(separator: 0x1F, maxSplits: 5, omittingEmptySubsequences: false)
        // Bytes that are not UTF-8, and the control characters no text in Bascule may hold
        // (`TextRule`: an escape sequence pasted from a terminal, a form feed), become U+FFFD.
        func text(_ bytes: some Collection<UInt8>) -> (String, Bool) {
            let decoded = String(decoding: bytes, as: UTF8.self)
            let invalid = String(validating: Array(bytes), as: UTF8.self) == nil
            guard decoded.unicodeScalars.contains(where: { !TextRule.isAllowed($0) }) else { return (decoded, invalid) }
            var kept = String.UnicodeScalarView()
            kept.append(contentsOf: decoded.unicodeScalars.map { TextRule.isAllowed($0) ? $0 : "\u{FFFD}" })
            return (String(kept), true)
        }
        guard fields.count == 6 else { throw .malformed(text(record).0) }
        let (hash, _) = text(fields[0]), (parents, _) = text(fields[1])
        let (author, badAuthor) = text(fields[2]), (email, badEmail) = text(fields[3]), (date, _) = text(fields[4])
        var (message, badMessage) = text(fields[5])
        // git ends %B with a newline; the record separator may leave one more.
        while message.hasSuffix("\n") { message.removeLast() }
        let trimmedHash = hash.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmedHash.count >= 7, trimmedHash.allSatisfy(\.isHexDigit), let authored = Self.date(date) else {
            throw .malformed(text(record).0)
        }
        return Entry(commit: ReleaseCommit(hash: trimmedHash, author: author, email: email, authoredAt: authored, message: message,
                                           parents: parents.split(separator: " ").count),
                     replacedBytes: badAuthor || badEmail || badMessage)
    }

    /// Every complete record in `bytes`, and where the incomplete tail begins (for reading a
    /// stream in chunks).
    public static func entries(_ bytes: [UInt8]) throws(Problem) -> (entries: [Entry], consumed: Int) {
        var entries: [Entry] = []
        var start = bytes.startIndex
        while let end = bytes[start...].firstIndex(of: 0) {
            // `git log -z` puts a newline after some records' NUL: skip blank starts.
            var from = start
            while from < end, bytes[from] == 0x0A { from += 1 }
            if from < end { entries.append(try entry(bytes[from..<end])) }
            start = end + 1
        }
        return (entries, start)
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
