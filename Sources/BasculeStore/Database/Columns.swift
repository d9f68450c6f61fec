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
        do {
            return try JSONDecoder().decode([String].self, from: Data(json.utf8))
        } catch {
            throw StoreError.corruptRow("a list column does not hold a JSON array of strings")
        }
    }
}
