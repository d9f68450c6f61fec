import Foundation

/// Which database Bascule keeps its records in.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// A SQLite file, created with its folder when missing.
    case sqlite(path: String)
    /// A PostgreSQL server, from a `postgres://user:password@host:port/database` URL.
    case postgres(url: String)

    /// The SQLite file inside a data folder.
    public static func dataDirectory(_ directory: String) -> StoreLocation {
        .sqlite(path: URL(fileURLWithPath: directory).appendingPathComponent("bascule.sqlite").path)
    }

    /// Never prints the password, so the description is safe for logs.
    public var description: String {
        switch self {
        case .sqlite(let path):
            return "SQLite at \(path)"
        case .postgres(let url):
            guard var parts = URLComponents(string: url) else { return "PostgreSQL" }
            if parts.password != nil { parts.password = "***" }
            return "PostgreSQL at \(parts.string ?? "?")"
        }
    }
}
