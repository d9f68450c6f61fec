import BasculeServer
import BasculeStore

/// Walks the audit chain of an open store and closes it: `audit verify` and `restore` both end so.
enum AuditCheck {
    static func verify(closing store: Store) async throws -> AuditVerification {
        do {
            let outcome = try await RequestOrigin.asSystem { try await AuditService(store: store).verify() }
            await store.close()
            return outcome
        } catch {
            await store.close()
            throw error
        }
    }
}
