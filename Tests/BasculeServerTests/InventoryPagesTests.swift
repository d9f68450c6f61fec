import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The inventory section's pages.
@Suite("Inventory pages")
struct InventoryPagesTests {
    @Test("the inventory lists items with search, and an item shows what it depends on and what depends on it")
    func listAndItem() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await GatePagesTests.demo(services)
            // when
            let list = try await client.send(.get, "/inventory?q=erp").text
            let item = try await client.send(.get, "/inventory/erp-db").text
            // then
            #expect(list.contains(#"href="/inventory/erp-app""#) && list.contains(#"href="/inventory/erp-db""#))
            #expect(!list.contains(#"href="/inventory/crm-app""#))
            #expect(item.contains("What depends on it"))
            #expect(item.contains(#"href="/inventory/svc-finance""#))
            #expect(item.contains(#"href="/inventory/pg-cluster""#))
            #expect(item.contains("svg"))
        }
    }

    @Test("an item is created from its form, a bad dependency comes back beside its field, and deleting one others depend on is refused in words")
    func formAndDelete() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await GatePagesTests.demo(services)
            // when
            let refused = try await client.form("/inventory", ["key": "ledger-api", "name": "Ledger API", "type": "microservice", "criticality": "2",
                                                               "dependsOn": "erp-db, nowhere"])
            let created = try await client.form("/inventory", ["key": "ledger-api", "name": "Ledger API", "type": "microservice", "criticality": "2",
                                                               "dependsOn": "erp-db"])
            let blocked = try await client.form("/inventory/erp-db/delete", [:])
            // then
            #expect(refused.status == .unprocessableContent || refused.status == .badRequest)
            #expect(refused.text.contains("nowhere"))
            #expect(refused.text.contains(#"value="Ledger API""#))
            #expect(created.headers[.location] == "/inventory/ledger-api?done=item_saved")
            #expect(try await services.inventory.get("ledger-api").fields.dependsOn.map(\.text) == ["erp-db"])
            #expect(blocked.status == .conflict)
            #expect(blocked.text.contains("depend on it"))
        }
    }

    @Test("a CSV uploaded as a trial run shows its report and saves nothing; the real import saves")
    func importWithReport() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let csv = "key,name,type,criticality,dependsOn\nbank-link,Bank link,service,1,\nledger,Ledger,application,2,bank-link\n"
            // when
            let trial = try await Self.upload(client, csv, dryRun: true)
            let saved = try await Self.upload(client, csv, dryRun: false)
            // then
            #expect(trial.status == .ok)
            #expect(trial.text.contains("Trial run, nothing saved: 2 to create"))
            #expect(saved.text.contains("Imported: 2 created"))
            #expect(try await services.inventory.get("ledger").fields.dependsOn.map(\.text) == ["bank-link"])
        }
    }

    private static func upload(_ client: SignedInClient, _ csv: String, dryRun: Bool) async throws -> TestResponse {
        let boundary = "----inv\(UUID().uuidString.prefix(6))"
        var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"items.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n"
        if dryRun { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"dryRun\"\r\n\r\non\r\n" }
        body += "--\(boundary)--\r\n"
        return try await client.raw.execute(uri: "/inventory/import", method: .post,
                                            headers: [.authorization: "Bearer \(client.token)", .contentType: "multipart/form-data; boundary=\(boundary)"],
                                            body: ByteBuffer(string: body)) { $0 }
    }
}
