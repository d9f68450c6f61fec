import AsyncKit
import Logging
import NIOCore
import NIOPosix
import SQLiteKit

/// Opens SQLite connections set up the way Bascule needs them: write-ahead logging so readers
/// never wait for the writer, foreign keys enforced, and a busy timeout so that concurrent
/// writers queue instead of failing. `synchronous = FULL`: a write acknowledged is a write that
/// survives a power cut (NORMAL in WAL mode may lose the last ones; docs/SECURITY.md has the cost).
struct SQLiteSource: ConnectionPoolSource {
    let inner: SQLiteConnectionSource

    init(path: String, threadPool: NIOThreadPool) {
        inner = SQLiteConnectionSource(configuration: .init(storage: .file(path: path), enableForeignKeys: true), threadPool: threadPool)
    }

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        inner.makeConnection(logger: logger, on: eventLoop).flatMap { connection in
            // The server copies the log into the database itself, in the background
            // (`Store.checkpoint`); the writer does it only past 10,000 pages (about 40 MiB),
            // since a checkpoint in the writer's commit stops every write behind it.
            let pragmas = ["PRAGMA journal_mode = WAL", "PRAGMA busy_timeout = 10000", "PRAGMA synchronous = FULL",
                           "PRAGMA wal_autocheckpoint = 10000"]
            return pragmas.reduce(eventLoop.makeSucceededVoidFuture()) { previous, pragma in
                previous.flatMap { connection.query(pragma).map { _ in } }
            }.map { connection }
        }
    }
}
