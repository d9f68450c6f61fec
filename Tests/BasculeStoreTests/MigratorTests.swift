import BasculeStore
import BasculeTestSupport
import Testing

@Suite("Migrations")
struct MigratorTests {
    @Test("an empty database is brought to the latest version", arguments: TestEngine.available)
    func migratesEmpty(engine: TestEngine) async throws {
        try await TestDatabase.with(engine, migrate: false) { store in
            // given
            let migrator = Migrator(store: store)
            // when
            let applied = try await migrator.migrate()
            // then
            #expect(applied == Array(1...Migrator.latestVersion))
            #expect(try await migrator.currentVersion() == Migrator.latestVersion)
        }
    }

    @Test("migrating twice applies nothing the second time", arguments: TestEngine.available)
    func idempotent(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // when
            let applied = try await Migrator(store: store).migrate()
            // then
            #expect(applied.isEmpty)
        }
    }

    @Test("a database migrated by a newer binary is refused with both versions named", arguments: TestEngine.available)
    func refusesNewerDatabase(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            try await store.execute(raw: "INSERT INTO schema_versions (version, name, applied_at) VALUES (999, 'from the future', 0)")
            // when
            let outcome = await #expect(throws: StoreError.self) { try await Migrator(store: store).migrate() }
            // then
            guard case .databaseNewerThanBinary(let database, let binary) = outcome else {
                Issue.record("expected a newer-database refusal, got \(String(describing: outcome))")
                return
            }
            #expect(database == 999)
            #expect(binary == Migrator.latestVersion)
            #expect(outcome?.description.contains("newer bascule") == true)
        }
    }

    @Test("PostgreSQL pass of the store tests", .enabled(if: TestEngine.postgresURL != nil, Comment(rawValue: TestEngine.skipMessage)))
    func postgresIsReachable() async throws {
        try await TestDatabase.with(.postgresql) { store in
            #expect(store.engine == .postgresql)
        }
    }
}
