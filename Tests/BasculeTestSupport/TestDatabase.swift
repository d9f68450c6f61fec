import BasculeStore
import Foundation
import Logging
import PostgresKit

/// The engines the store and API tests run on: SQLite always; PostgreSQL when
/// BASCULE_TEST_POSTGRES_URL points to a server (CI sets it). Each test gets a database of its
/// own, so tests run in parallel and never see each other's rows.
public enum TestEngine: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgresql

    public static let postgresURL: String? = {
        let url = ProcessInfo.processInfo.environment["BASCULE_TEST_POSTGRES_URL"] ?? ""
        return url.isEmpty ? nil : url
    }()

    /// The engines to run on here; PostgreSQL only when configured.
    public static var available: [TestEngine] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgresql] }

    public static let skipMessage = "BASCULE_TEST_POSTGRES_URL is not set: the PostgreSQL pass of the store and API tests is skipped (CI sets it)"

    public var description: String { rawValue }
}

/// Lets at most `permits` holders through at once; the others wait their turn, first come first served.
actor Turnstile {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) {
        free = permits
    }

    func enter() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}

public enum TestDatabase {
    /// PostgreSQL test databases open at once. Each holds up to three connections per event loop
    /// and one listening for events; however many tests the suite grows to, a hundred at a time
    /// stay under the throwaway server's max_connections (1,000), where an unbounded burst did not.
    static let postgresTurnstile = Turnstile(permits: 100)

    /// Opens a fresh, migrated database on `engine`, runs `body`, then throws it away.
    public static func with<R: Sendable>(_ engine: TestEngine, migrate: Bool = true, _ body: (Store) async throws -> R) async throws -> R {
        let location: StoreLocation
        var cleanup: @Sendable () async -> Void = {}
        switch engine {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bascule-test-\(UUID().uuidString)")
            location = .dataDirectory(folder.path)
            cleanup = { try? FileManager.default.removeItem(at: folder) }
        case .postgresql:
            guard let url = TestEngine.postgresURL else { throw TestDatabaseError.postgresNotConfigured }
            let name = "bascule_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            await postgresTurnstile.enter()
            do {
                try await admin(url, "CREATE DATABASE \(name)")
            } catch {
                await postgresTurnstile.leave()
                throw error
            }
            location = .postgres(url: replacingDatabase(in: url, with: name))
            cleanup = {
                try? await admin(url, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                await postgresTurnstile.leave()
            }
        }
        let store: Store
        do {
            // The whole suite runs at once on a couple of cores: a use case may wait long for a
            // connection there without anything being wrong, and hundreds of databases at once
            // must stay under the server's max_connections.
            store = try await Store.open(location, logger: Logger(label: "test"), timeout: .seconds(20), connectionWait: .seconds(180),
                                         postgresConnectionsPerLoop: 3)
            if migrate { try await Migrator(store: store).migrate() }
        } catch {
            await cleanup()
            throw error
        }
        do {
            let result = try await body(store)
            await store.close()
            await cleanup()
            return result
        } catch {
            await store.close()
            await cleanup()
            throw error
        }
    }

    /// Runs one statement on the server's maintenance connection (databases cannot be created
    /// inside the database being tested).
    private static func admin(_ url: String, _ sql: String) async throws {
        let store = try await Store.open(.postgres(url: url), logger: Logger(label: "test-admin"), timeout: .seconds(20))
        do {
            try await store.execute(raw: sql)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    private static func replacingDatabase(in url: String, with name: String) -> String {
        guard var parts = URLComponents(string: url) else { return url }
        parts.path = "/" + name
        return parts.string ?? url
    }
}

public enum TestDatabaseError: Error {
    case postgresNotConfigured
}
