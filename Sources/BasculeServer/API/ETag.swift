/// Entity tags of mutable resources: the revision, quoted.
enum ETag {
    static func make(_ revision: Int) -> String { "\"\(revision)\"" }

    /// Reads an `If-Match` header. A tag that is not one of ours matches nothing, so the
    /// write is refused rather than applied blindly.
    static func precondition(ifMatch header: String?) -> RevisionPrecondition? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        if header == "*" { return .any }
        let revisions = header.split(separator: ",").map { tag -> Int in
            var text = tag.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("W/") { text.removeFirst(2) }
            return Int(text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))) ?? -1
        }
        return .oneOf(revisions)
    }
}

import Foundation
