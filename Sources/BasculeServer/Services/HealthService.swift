import BasculeStore

public struct HealthService: Sendable {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// The engine's name when the database answers within two seconds.
    public func check() async throws -> String {
        do {
            try await store.ping(timeout: .seconds(2))
            return store.engine.rawValue
        } catch {
            throw ServiceError.unavailable("the database does not answer")
        }
    }
}
