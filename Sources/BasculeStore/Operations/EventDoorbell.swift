import Foundation
import Logging
import NIOPosix
import PostgresKit

extension Store {
    /// Hears PostgreSQL's notifications of new events, on a connection of its own (a listening
    /// connection cannot go back to the pool), and calls `ring` with each id until the task is
    /// cancelled or the connection drops (it then throws: the caller reconnects and reads the
    /// table from where it stood, so a notification lost meanwhile loses nothing).
    public func listenForEvents(_ ring: @escaping @Sendable (Int64) async -> Void) async throws {
        guard case .postgres(let url) = location else { return }
        let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 0,
            logger: Logger(label: "bascule.events")).get()
        do {
            try await connection.listen(on: EventRepository.channel) { notifications in
                // Heard from here on: whatever committed before is read by the caller's catch-up.
                await ring(0)
                for try await notification in notifications {
                    await ring(Int64(notification.payload) ?? 0)
                }
            }
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
