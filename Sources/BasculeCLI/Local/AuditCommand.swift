import ArgumentParser
import BasculeServer
import BasculeStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit trail.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the chain of the audit trail and name the first event that was changed, removed or inserted.")

        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let (store, _) = try await storeOptions.openMigrated()
            let outcome: AuditVerification
            do {
                outcome = try await AuditService(store: store).verify()
            } catch {
                await store.close()
                throw error
            }
            await store.close()
            switch outcome {
            case .intact(let events, let head):
                print("audit trail intact: \(events) event(s) chained from the first to the last; head \(head)")
            case .broken(let sequence, let reason):
                throw CLIError.store("audit trail broken at event \(sequence): \(reason)")
            }
        }
    }
}
