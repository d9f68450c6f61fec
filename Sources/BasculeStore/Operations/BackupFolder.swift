import Foundation

/// The folder of scheduled backups: one file per backup, named by its time (UTC), the oldest
/// removed beyond `keep`. Only files named like its own are ever removed.
public struct BackupFolder: Sendable {
    public let folder: URL
    public let keep: Int

    public init(folder: URL, keep: Int) {
        self.folder = folder
        self.keep = keep
    }

    static let prefix = "bascule-"

    /// The name of a backup taken at `date` on `engine`.
    public func file(at date: Date, engine: Store.Engine) -> URL {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let suffix = engine == .sqlite ? "sqlite" : "pgdump"
        return folder.appendingPathComponent("\(Self.prefix)\(formatter.string(from: date)).\(suffix)")
    }

    /// The backups in the folder, oldest first (their names sort by time).
    public func backups() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix(Self.prefix) && ($0.hasSuffix(".sqlite") || $0.hasSuffix(".pgdump")) }
            .sorted().map { folder.appendingPathComponent($0) }
    }

    /// Removes the oldest backups beyond `keep`; returns the ones removed.
    @discardableResult
    public func prune() -> [URL] {
        let all = backups()
        guard all.count > keep else { return [] }
        let old = Array(all.prefix(all.count - keep))
        for file in old { try? FileManager.default.removeItem(at: file) }
        return old
    }
}
