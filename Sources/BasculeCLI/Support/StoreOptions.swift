import ArgumentParser
import BasculeStore
import Foundation

/// Where the local commands find the database: `--data-dir`, then BASCULE_DATABASE_URL,
/// then BASCULE_DATA_DIR, then ./bascule-data.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Folder of the SQLite database (default: ./bascule-data, or BASCULE_DATA_DIR).")
    var dataDir: String?

    @Option(name: .long, help: "PostgreSQL URL postgres://user:password@host:port/db (or BASCULE_DATABASE_URL); takes the place of SQLite.")
    var databaseURL: String?

    var location: StoreLocation {
        let environment = ProcessInfo.processInfo.environment
        if let dataDir { return .dataDirectory(dataDir) }
        if let url = databaseURL ?? environment["BASCULE_DATABASE_URL"], !url.isEmpty { return .postgres(url: url) }
        return .dataDirectory(environment["BASCULE_DATA_DIR"] ?? "bascule-data")
    }

    /// Opens and migrates the database, turning every failure into one readable line.
    func openMigrated() async throws -> (Store, applied: [Int]) {
        let store: Store
        do {
            store = try await Store.open(location)
        } catch let error as StoreError {
            throw CLIError.store(error.description)
        }
        do {
            let applied = try await Migrator(store: store).migrate()
            return (store, applied)
        } catch let error as StoreError {
            await store.close()
            throw CLIError.store(error.description)
        }
    }
}
