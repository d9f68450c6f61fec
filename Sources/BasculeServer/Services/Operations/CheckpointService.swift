import BasculeStore
import Logging
import ServiceLifecycle

/// On SQLite, copies the write-ahead log into the database every `every`, beside the writer
/// rather than inside one of its commits: under 1,000 actions a second, the commits that fell
/// on a checkpoint waited for it and so did every write queued behind them (docs/BENCHMARKS.md).
struct CheckpointService: Service {
    let store: Store
    let logger: Logger
    var every: Duration = .seconds(1)

    func run() async throws {
        // A service that returns would end the server: on PostgreSQL it waits for the shutdown.
        guard store.engine == .sqlite else { try? await gracefulShutdown(); return }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: every)
                do {
                    try await store.checkpoint()
                } catch {
                    // Shutting down cancels a checkpoint under way: nothing to report.
                    if Task.isCancelled || error is CancellationError { return }
                    logger.warning("copying the write-ahead log into the database failed: \(error)")
                }
            }
        }
    }
}
