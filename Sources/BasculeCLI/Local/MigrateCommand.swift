import ArgumentParser
import BasculeStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Bring the database to the schema of this bascule (the server also does it at start).")

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let (store, applied) = try await storeOptions.openMigrated()
        if applied.isEmpty {
            print("\(store.location): already at schema version \(Migrator.latestVersion)")
        } else {
            print("\(store.location): applied \(applied.map(String.init).joined(separator: ", ")); now at schema version \(Migrator.latestVersion)")
        }
        await store.close()
    }
}
