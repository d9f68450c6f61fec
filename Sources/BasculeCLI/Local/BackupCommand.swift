import ArgumentParser
import BasculeServer
import BasculeStore
import Foundation

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the database to a file while the server runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump).")

    @Argument(help: "The file to write; it must not exist yet.")
    var file: String

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let (store, _) = try await storeOptions.openMigrated()
        let target = URL(fileURLWithPath: file)
        do {
            let head = try await store.withConnection { try await AuditRepository($0).head() }
            let bytes = try await store.backup(to: target)
            await store.close()
            print("backup written: \(target.path) (\(bytes) bytes, \(store.engine == .sqlite ? "SQLite" : "pg_dump custom format"))")
            print("it holds every change committed before it started, the audit trail up to event \(head.sequence) at least (head \(head.hash))")
        } catch let error as StoreError {
            await store.close()
            throw CLIError.store(error.description)
        }
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Fill an empty database from a backup, bring it to this version's schema and verify its audit trail.")

    @Argument(help: "A file written by `bascule backup` (or the scheduled backups).")
    var file: String

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        do {
            try await Store.restore(URL(fileURLWithPath: file), into: storeOptions.location)
        } catch let error as StoreError {
            throw CLIError.store(error.description)
        }
        let (store, applied) = try await storeOptions.openMigrated()
        let outcome = try await AuditCheck.verify(closing: store)
        print("restored \(file) into \(storeOptions.location)" + (applied.isEmpty ? "" : " (migrated to schema version \(Migrator.latestVersion))"))
        switch outcome {
        case .intact(let events, let head):
            print("audit trail intact: \(events) event(s); head \(head)")
            print("keep this head elsewhere: a later `bascule audit verify` that prints it proves nothing was rewritten before it")
        case .broken(let breaks, let events):
            for found in breaks { print("broken at \(found)") }
            throw CLIError.store("the restored audit trail is broken in \(breaks.count) place(s) among \(events) event(s): do not use this backup without investigating")
        }
    }
}
