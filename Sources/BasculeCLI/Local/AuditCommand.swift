import ArgumentParser
import BasculeServer
import BasculeStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit trail.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the chain of the audit trail and name every event that was changed, removed or inserted.")

        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let (store, _) = try await storeOptions.openMigrated()
            switch try await AuditCheck.verify(closing: store) {
            case .intact(let events, let head):
                print("audit trail intact: \(events) event(s) chained from the first to the last; head \(head)")
            case .broken(let breaks, let events):
                for found in breaks { print("broken at \(found)") }
                throw CLIError.store("audit trail broken in \(breaks.count) place(s) among \(events) event(s); the first at event \(breaks[0].sequence)")
            }
        }
    }
}
