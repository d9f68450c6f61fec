import BasculeCore
import BasculeStore
import BasculeTestSupport
import Foundation
import Testing

@Suite("Incident repository")
struct IncidentRepositoryTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("an incident is read back with its items, found by reference and by the period it opened in; a reference is unique", arguments: TestEngine.available)
    func roundTrip(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            let incident = try Incident(reference: "INC-7", title: "Payslips wrong", severity: 2, openedAt: Self.t0,
                                        resolvedAt: Self.t0.addingTimeInterval(3_600), items: ["payroll", "pay-db"], link: "https://itsm.example/INC-7")
            try await store.transaction { try await IncidentRepository($0).insert(incident, source: "api", at: Self.t0) }
            // when
            let found = try await store.withConnection { try await IncidentRepository($0).find(reference: "INC-7") }
            let inPeriod = try await store.withConnection {
                try await IncidentRepository($0).opened(in: DateInterval(start: Self.t0.addingTimeInterval(-60), duration: 120), filter: IndicatorFilter())
            }
            let outside = try await store.withConnection {
                try await IncidentRepository($0).opened(in: DateInterval(start: Self.t0.addingTimeInterval(60), duration: 120), filter: IndicatorFilter())
            }
            // then
            #expect(found?.incident == incident)
            #expect(found?.source == "api")
            #expect(inPeriod == [incident], "with its items, read in one query")
            #expect(outside.isEmpty)
            await #expect(throws: StoreError.self) {
                try await store.transaction { try await IncidentRepository($0).insert(incident, source: "csv", at: Self.t0) }
            }
        }
    }
}
