@preconcurrency import AsyncKit
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit

/// The database Bascule runs on, SQLite or PostgreSQL behind one SQL layer. Repositories are
/// handed the connection of a transaction; nothing outside this module writes SQL.
public final class Store: Sendable {
    public enum Engine: String, Sendable { case sqlite, postgresql }

    // AsyncKit's pools guard their state with their own lock but predate Sendable.
    private enum Pool: @unchecked Sendable {
        /// Readers, and the writer: a connection with a thread of its own, so that a write
        /// never queues behind a burst of reads for a thread of the readers' pool.
        case sqlite(EventLoopGroupConnectionPool<SQLiteSource>, NIOThreadPool, writer: EventLoopGroupConnectionPool<SQLiteSource>, writerThread: NIOThreadPool)
        case postgres(EventLoopGroupConnectionPool<PostgresConnectionSource>)
    }

    public let engine: Engine
    public let location: StoreLocation
    /// The inventory's dependency graph, shared by the requests of this process.
    public let dependencyGraphs = DependencyGraphCache()
    /// Runs' decoded step definitions, shared by the requests of this process.
    public let runDefinitions = RunDefinitionCache()
    private let pool: Pool
    private let logger: Logger
    private let writeGate = WriteGate()
    private let pooled = NIOLockedValueBox(PoolUse(inUse: 0, waiting: 0, capacity: 0))

    /// How the connection pool is used right now, for the metrics.
    public struct PoolUse: Sendable, Equatable {
        public var inUse: Int
        public var waiting: Int
        public var capacity: Int
    }

    public var poolUse: PoolUse { pooled.withLockedValue { $0 } }

    private init(engine: Engine, location: StoreLocation, pool: Pool, logger: Logger, perLoop: Int) {
        self.engine = engine
        self.location = location
        self.pool = pool
        self.logger = logger
        let loops = MultiThreadedEventLoopGroup.singleton.makeIterator().reduce(0) { count, _ in count + 1 }
        pooled.withLockedValue { $0.capacity = loops * perLoop }
    }

    /// Opens the database and checks that it answers within `timeout`: PostgresNIO alone
    /// would wait about a minute on a wrong password or an unreachable host. A use case waits
    /// at most `connectionWait` for a connection of the pool before it fails. PostgreSQL gets
    /// `postgresConnectionsPerLoop` connections per event loop (a server's processes share the
    /// server's `max_connections`).
    public static func open(
        _ location: StoreLocation, logger: Logger = Logger(label: "bascule.store"), timeout: Duration = .seconds(15),
        connectionWait: Duration = .seconds(15), postgresConnectionsPerLoop: Int = 8
    ) async throws -> Store {
        let wait = TimeAmount.seconds(max(1, connectionWait.components.seconds))
        let store: Store
        switch location {
        case .sqlite(let path):
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw StoreError.unreachable("cannot create the data folder \(folder.path): \(error.localizedDescription)")
            }
            // SQLite calls block: they get threads of their own, so that reads go on while a
            // write runs and the rest of NIO's shared blocking pool stays free.
            let threads = NIOThreadPool(numberOfThreads: max(4, System.coreCount))
            threads.start()
            let pool = EventLoopGroupConnectionPool(
                source: SQLiteSource(path: path, threadPool: threads), maxConnectionsPerEventLoop: 4, requestTimeout: wait, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton)
            let writerThread = NIOThreadPool(numberOfThreads: 1)
            writerThread.start()
            let writer = EventLoopGroupConnectionPool(
                source: SQLiteSource(path: path, threadPool: writerThread), maxConnectionsPerEventLoop: 1, requestTimeout: wait, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton)
            store = Store(engine: .sqlite, location: location, pool: .sqlite(pool, threads, writer: writer, writerThread: writerThread), logger: logger,
                          perLoop: 4 + 1)
        case .postgres(let url):
            let configuration: SQLPostgresConfiguration
            do {
                configuration = try SQLPostgresConfiguration(url: url)
            } catch {
                throw StoreError.badDatabaseURL("it cannot be parsed")
            }
            let pool = EventLoopGroupConnectionPool(
                source: PostgresConnectionSource(sqlConfiguration: configuration), maxConnectionsPerEventLoop: max(1, postgresConnectionsPerLoop),
                requestTimeout: wait, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton)
            store = Store(engine: .postgresql, location: location, pool: .postgres(pool), logger: logger, perLoop: max(1, postgresConnectionsPerLoop))
        }
        do {
            try await store.ping(timeout: timeout)
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// Answers when the database does, within `timeout`.
    public func ping(timeout: Duration = .seconds(5)) async throws {
        let location = self.location
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await self.withConnection { try await $0.raw("SELECT 1").run() }
                } catch {
                    throw StoreError.unreachable("\(location): \(Store.reason(error))")
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw StoreError.unreachable("\(location) did not answer within \(timeout.components.seconds) s")
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    public func close() async {
        switch pool {
        case .sqlite(let pool, let threads, let writer, let writerThread):
            try? await pool.shutdownAsync()
            try? await writer.shutdownAsync()
            try? await threads.shutdownGracefully()
            try? await writerThread.shutdownGracefully()
        case .postgres(let pool):
            try? await pool.shutdownAsync()
        }
    }

    /// SQLite: copies the write-ahead log into the database without holding up readers or the
    /// writer (a passive checkpoint), so that commits never wait for one; the pages it copied.
    /// Nothing to do on PostgreSQL.
    @discardableResult
    public func checkpoint() async throws -> Int {
        guard engine == .sqlite else { return 0 }
        return try await withConnection { db in
            try await db.raw("PRAGMA wal_checkpoint(PASSIVE)").first()?.decode(column: "checkpointed", as: Int.self) ?? 0
        }
    }

    /// Runs `body` on one connection of the pool.
    public func withConnection<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await withConnection(writing: false, body)
    }

    private func withConnection<R: Sendable>(writing: Bool, _ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        do {
            return try await pooledConnection(writing: writing, body)
        } catch ConnectionPoolTimeoutError.connectionRequestTimeout {
            throw StoreError.busy
        }
    }

    private func pooledConnection<R: Sendable>(writing: Bool, _ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        pooled.withLockedValue { $0.waiting += 1 }
        var obtained = false
        defer { pooled.withLockedValue { if obtained { $0.inUse -= 1 } else { $0.waiting -= 1 } } }
        switch pool {
        case .sqlite(let readers, _, let writer, _):
            let pool = writing ? writer : readers
            let connection = try await pool.requestConnection(logger: logger).get()
            obtained = true
            pooled.withLockedValue { $0.waiting -= 1; $0.inUse += 1 }
            defer { pool.releaseConnection(connection, logger: logger) }
            return try await body(connection.sql(queryLogLevel: nil))
        case .postgres(let pool):
            let connection = try await pool.requestConnection(logger: logger).get()
            obtained = true
            pooled.withLockedValue { $0.waiting -= 1; $0.inUse += 1 }
            defer { pool.releaseConnection(connection, logger: logger) }
            return try await body(connection.sql(queryLogLevel: nil))
        }
    }

    /// Runs `body` in one transaction: all of it is stored, or none of it.
    public func transaction<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        guard engine == .sqlite else { return try await run(transaction: body, begin: "BEGIN") }
        // SQLite: writers of this process queue here; BEGIN IMMEDIATE takes the write lock up
        // front, so a writer of another process (a local admin command) waits on the busy
        // timeout instead of failing when it upgrades a read lock.
        await writeGate.acquire()
        do {
            let result = try await run(transaction: body, begin: "BEGIN IMMEDIATE")
            await writeGate.release()
            return result
        } catch {
            await writeGate.release()
            throw error
        }
    }

    private func run<R: Sendable>(transaction body: @Sendable (any SQLDatabase) async throws -> R, begin: String) async throws -> R {
        try await withConnection(writing: true) { db in
            try await db.raw(SQLQueryString(begin)).run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// A readable reason for a driver error; PostgresNIO hides its messages unless asked.
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        if let error = error as? StoreError { return error.description }
        return String(describing: error)
    }

    /// Whether `error` is the database refusing a duplicate on a unique column.
    static func isUniqueViolation(_ error: any Error) -> Bool {
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] == "23505" }
        // SQLite names a duplicate primary key apart from a duplicate on another unique column.
        if let error = error as? SQLiteError {
            return [.constraintUniqueFailed, .constraintPrimaryKeyFailed, .constraint].contains(error.reason)
        }
        return false
    }
}

extension Store {
    /// Runs one statement outside any repository: for administration and tests
    /// (creating a database, tampering with rows on purpose).
    public func execute(raw sql: String) async throws {
        try await withConnection { try await $0.raw(SQLQueryString(sql)).run() }
    }
}
