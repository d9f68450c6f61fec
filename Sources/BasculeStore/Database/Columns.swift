import Foundation

/// How values that the two engines would store differently are written down.
enum Columns {
    /// Milliseconds since 1970: compared and sorted the same way on SQLite and PostgreSQL.
    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    static func json(_ list: [String]) -> String {
        (try? String(decoding: JSONEncoder().encode(list), as: UTF8.self)) ?? "[]"
    }

    static func list(_ json: String) throws -> [String] {
        // Every release read decodes its tags: the common shape (no escapes) is split by hand,
        // which costs a fraction of JSONDecoder's fixed price.
        if json == "[]" { return [] }
        if json.hasPrefix("[\""), json.hasSuffix("\"]"), !json.contains("\\") {
            let inner = json.dropFirst(2).dropLast(2)
            let parts = inner.split(separator: "\",\"", omittingEmptySubsequences: false)
            if !parts.contains(where: { $0.contains("\"") }) { return parts.map(String.init) }
        }
        do {
            return try JSONDecoder().decode([String].self, from: Data(json.utf8))
        } catch {
            throw StoreError.corruptRow("a list column does not hold a JSON array of strings")
        }
    }
}
