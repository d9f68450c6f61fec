import BasculeCore
import BasculeStore
import Foundation

/// The demo's notifications: the status page publishes production and every business service
/// (the ERP cutover under way shows on it), the ERP cutover has stakeholders, and the release
/// manager follows the ERP releases. What the seeding itself wrote is history, not news: it is
/// marked handed out, so that the inboxes start empty and the next move is the first message.
enum DemoNotifications {
    static func seed(_ services: BasculeServices, cutover: String?) async throws {
        let serviceKeys = try await services.store.withConnection { db in
            try await InventoryRepository(db).all().filter { $0.fields.type == .service }.map(\.key.text)
        }
        _ = try await services.statusPage.publish(environments: ["production"], services: serviceKeys)
        if let cutover {
            try await services.notifications.addStakeholder(to: cutover, kind: "address", name: "finance-users@bascule.example", language: "fr")
            try await services.notifications.addStakeholder(to: cutover, kind: "user", name: "viewer", language: nil)
        }
        if let manager = try await services.store.withConnection({ try await UserRepository($0).named("manager") }) {
            let origin = RequestOrigin(principal: .user(manager.identity))
            _ = try await RequestOrigin.$current.withValue(origin) {
                try await services.notifications.subscribe(scope: "tag", value: "erp", kinds: [], channels: ["inbox", "email"])
            }
        }
        try await services.store.transaction { db in
            try await NoticeCursorRepository(db).move(to: try await EventRepository(db).latestID())
        }
    }
}
