import Foundation
import SQLKit

/// A backup file: SQLite's own database format (`VACUUM INTO`), or `pg_dump`'s custom format.
/// Each is restored only into the engine it came from.
public enum BackupFormat: String, Sendable {
    case sqlite, pgdump

    /// What the file's first bytes say it is, nil when neither.
    public static func of(_ file: URL) -> BackupFormat? {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return nil }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 16)) ?? Data()
        if head.starts(with: Data("SQLite format 3\u{0}".utf8)) { return .sqlite }
        if head.starts(with: Data("PGDMP".utf8)) { return .pgdump }
        return nil
    }
}

extension Store {
    /// Writes a consistent copy of the database to `file` while it keeps serving: SQLite copies
    /// one read snapshot (`VACUUM INTO`), PostgreSQL runs `pg_dump`, which reads one snapshot
    /// too. Everything committed before the backup started is in it. The copy is written beside
    /// `file` and renamed into place, so a backup cut short never passes for a whole one.
    /// Returns the file's size in bytes.
    @discardableResult
    public func backup(to file: URL) async throws -> Int {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: file.path) else { throw StoreError.backupFailed("\(file.path) already exists; choose a new file name") }
        let folder = file.deletingLastPathComponent()
        guard manager.fileExists(atPath: folder.path) else { throw StoreError.backupFailed("the folder \(folder.path) does not exist") }
        let partial = folder.appendingPathComponent(".\(file.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        do {
            switch location {
            case .sqlite:
                try await withConnection { try await $0.raw("VACUUM INTO \(bind: partial.path)").run() }
            case .postgres(let url):
                try await PostgresTools.run("pg_dump", url: url, arguments: ["--format=custom", "--no-owner", "--file=\(partial.path)"])
            }
            try manager.moveItem(at: partial, to: file)
        } catch {
            try? manager.removeItem(at: partial)
            if let error = error as? StoreError { throw error }
            throw StoreError.backupFailed("the backup failed: \(Store.reason(error))")
        }
        return (try? manager.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
    }

    /// Fills an empty database from a backup of the same engine; the caller then migrates it
    /// (a backup of an older schema is brought forward) and verifies its audit trail.
    public static func restore(_ file: URL, into location: StoreLocation) async throws {
        guard FileManager.default.fileExists(atPath: file.path) else { throw StoreError.backupFailed("\(file.path) does not exist") }
        guard let format = BackupFormat.of(file) else {
            throw StoreError.backupFailed("\(file.path) is not a Bascule backup (neither a SQLite database nor a pg_dump archive)")
        }
        switch (format, location) {
        case (.sqlite, .sqlite(let path)):
            try await requireEmpty(location)
            let target = URL(fileURLWithPath: path)
            try? FileManager.default.removeItem(at: target)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            do {
                try FileManager.default.copyItem(at: file, to: target)
            } catch {
                throw StoreError.backupFailed("cannot copy the backup to \(path): \(error.localizedDescription)")
            }
        case (.pgdump, .postgres(let url)):
            try await requireEmpty(location)
            try await PostgresTools.run("pg_restore", url: url, arguments: ["--no-owner", "--exit-on-error", "--single-transaction", file.path])
        case (.sqlite, .postgres):
            throw StoreError.backupFailed("\(file.lastPathComponent) is a SQLite backup: restore it into a data folder (--data-dir), not into PostgreSQL")
        case (.pgdump, .sqlite):
            throw StoreError.backupFailed("\(file.lastPathComponent) is a PostgreSQL backup: restore it into PostgreSQL (--database-url), not into SQLite")
        }
    }

    /// Refuses a database that holds anything: a restore never mixes two histories.
    private static func requireEmpty(_ location: StoreLocation) async throws {
        let store = try await Store.open(location)
        let tables: Int
        do {
            let sql: SQLQueryString = store.engine == .postgresql
                ? "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'"
                : "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'"
            tables = try await store.withConnection { try await $0.raw(sql).first()?.decode(column: "n", as: Int.self) ?? 0 }
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        guard tables == 0 else {
            throw StoreError.backupFailed("\(location) is not empty (\(tables) table(s)): restore into a new, empty database")
        }
    }
}

/// PostgreSQL's own client programs, called for real. The password goes through PGPASSWORD,
/// never the command line, where other users of the machine could read it.
enum PostgresTools {
    static func run(_ tool: String, url: String, arguments: [String]) async throws {
        guard var parts = URLComponents(string: url) else { throw StoreError.badDatabaseURL("it cannot be parsed") }
        var environment = ProcessInfo.processInfo.environment
        if let password = parts.password {
            environment["PGPASSWORD"] = password.removingPercentEncoding ?? password
            parts.password = nil
        }
        guard let program = locate(tool) else {
            throw StoreError.backupFailed("\(tool) was not found: install PostgreSQL's client programs (Debian: postgresql-client)")
        }
        let process = Process()
        process.executableURL = program
        process.arguments = ["--dbname=\(parts.string ?? url)"] + arguments
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read while it runs: a full pipe would block the tool.
        let message = await Task.detached { errors.fileHandleForReading.readDataToEndOfFile() }.value
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "exit status \(process.terminationStatus)"
            throw StoreError.backupFailed("\(tool) failed: \(text)")
        }
    }

    /// On PATH, or in Debian's versioned folders (newest first), or BASCULE_PG_BIN.
    static func locate(_ tool: String) -> URL? {
        let environment = ProcessInfo.processInfo.environment
        var folders = (environment["BASCULE_PG_BIN"].map { [$0] } ?? []) + (environment["PATH"] ?? "/usr/bin").split(separator: ":").map(String.init)
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        folders += versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin" }
        return folders.lazy.map { URL(fileURLWithPath: $0).appendingPathComponent(tool) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
