@testable import BasculeCLI
import BasculeCore
import BasculeServer
import BasculeStore
import BasculeTestSupport
import Foundation
import Testing

@Suite("Backup and restore")
struct BackupTests {
    private func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("bascule-backup-\(UUID().uuidString)")
    }

    private func options(_ location: StoreLocation) -> [String] {
        switch location {
        case .sqlite(let path): return ["--data-dir", URL(fileURLWithPath: path).deletingLastPathComponent().path]
        case .postgres(let url): return ["--database-url", url]
        }
    }

    @Test("a backup taken while the server runs restores into an empty database with its audit trail intact", arguments: TestEngine.available)
    func roundTrip(engine: TestEngine) async throws {
        let files = folder()
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: files) }
        try await TestDatabase.with(engine) { store in try await RequestOrigin.asSystem {
            // given a database with users and their audit events
            let services = BasculeServices(store: store, passwordCost: 4)
            for name in ["claire", "marc"] {
                _ = try await services.identity.createUser(username: name, roles: [.releaseManager], password: TestApp.password)
            }
            let head = try await store.withConnection { try await AuditRepository($0).head() }
            let file = files.appendingPathComponent("backup.\(engine == .sqlite ? "sqlite" : "pgdump")")
            // when it is backed up, then restored into an empty database
            try await BackupCommand.parse([file.path] + options(store.location)).run()
            let restored: AuditVerification = try await TestDatabase.with(engine, migrate: false) { empty in
                let target: StoreLocation = engine == .sqlite ? .dataDirectory(files.appendingPathComponent("restored").path) : empty.location
                try await RestoreCommand.parse([file.path] + options(target)).run()
                let copy = try await Store.open(target)
                let verified = try? await copy.withConnection { try await AuditRepository($0).verify() }
                await copy.close()
                return try #require(verified)
            }
            // then
            #expect(restored == .intact(events: head.sequence, head: head.hash))
        } }
    }

    @Test("a restore into a database that holds data is refused and leaves it as it was")
    func notEmpty() async throws {
        let files = folder()
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: files) }
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = BasculeServices(store: store, passwordCost: 4)
            _ = try await services.identity.createUser(username: "claire", roles: [.releaseManager], password: TestApp.password)
            let file = files.appendingPathComponent("backup.sqlite")
            try await BackupCommand.parse([file.path] + options(store.location)).run()
            let before = try await store.withConnection { try await AuditRepository($0).head() }
            // when
            await #expect(throws: CLIError.self) { try await RestoreCommand.parse([file.path] + options(store.location)).run() }
            // then
            let after = try await store.withConnection { try await AuditRepository($0).head() }
            #expect(after.sequence == before.sequence && after.hash == before.hash)
        } }
    }

    @Test("a backup is never written over an existing file, and a file that is no backup is refused")
    func refusals() async throws {
        let files = folder()
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: files) }
        try await TestDatabase.with(.sqlite) { store in
            // given
            let taken = files.appendingPathComponent("taken.sqlite"), text = files.appendingPathComponent("notes.txt")
            try Data("keep me".utf8).write(to: taken)
            try Data("not a backup".utf8).write(to: text)
            // when / then
            await #expect(throws: CLIError.self) { try await BackupCommand.parse([taken.path] + options(store.location)).run() }
            #expect(try String(contentsOf: taken, encoding: .utf8) == "keep me")
            await #expect(throws: CLIError.self) {
                try await RestoreCommand.parse([text.path, "--data-dir", files.appendingPathComponent("new").path]).run()
            }
        }
    }

    @Test("scheduled backups keep the newest ones only, and never touch other files")
    func retention() throws {
        // given
        let files = folder()
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: files) }
        let backups = BackupFolder(folder: files, keep: 2)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        for hour in 0..<4 { try Data().write(to: backups.file(at: t0.addingTimeInterval(Double(hour) * 3600), engine: .sqlite)) }
        try Data().write(to: files.appendingPathComponent("notes.sqlite"))
        // when
        let removed = backups.prune()
        // then
        #expect(removed.count == 2)
        #expect(backups.backups().map(\.lastPathComponent) == ["bascule-20270115T100000Z.sqlite", "bascule-20270115T110000Z.sqlite"])
        #expect(FileManager.default.fileExists(atPath: files.appendingPathComponent("notes.sqlite").path))
    }
}
