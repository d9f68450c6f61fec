import BasculeCore
import Foundation

/// The demo's inventory: 39 configuration items from the network up to the business services
/// (with one real cycle: billing and CRM read each other), two maintenance windows, the items
/// each release modifies, and two releases whose windows clash with others' on the calendar.
enum DemoInventory {
    static let document = """
        items:
          - {key: net-core, name: Core network, type: network, ownerTeam: infra, criticality: 1, environments: [production]}
          - {key: fw-core, name: Core firewalls, type: network, ownerTeam: infra, criticality: 1, environments: [production], dependsOn: [net-core]}
          - {key: lb-prod, name: Production load balancers, type: network, ownerTeam: infra, criticality: 1, environments: [production], dependsOn: [fw-core]}
          - {key: san-01, name: Storage array SAN-01, type: other, ownerTeam: infra, criticality: 1, environments: [production]}
          - {key: vm-cluster-a, name: Virtualisation cluster A, type: server, ownerTeam: infra, criticality: 1, environments: [production], dependsOn: [net-core, san-01]}
          - {key: vm-cluster-b, name: Virtualisation cluster B, type: server, ownerTeam: infra, criticality: 2, environments: [production], dependsOn: [net-core, san-01]}
          - {key: mail-relay, name: Mail relay, type: server, ownerTeam: infra, criticality: 2, environments: [production], dependsOn: [net-core]}
          - {key: k8s-prod, name: Kubernetes production cluster, type: server, ownerTeam: platform, criticality: 1, environments: [production], dependsOn: [vm-cluster-a, vm-cluster-b]}
          - {key: ldap, name: Corporate directory, type: other, ownerTeam: identity, criticality: 1, environments: [production], dependsOn: [vm-cluster-a]}
          - {key: pg-cluster, name: PostgreSQL cluster, type: database, ownerTeam: dba, criticality: 1, environments: [production], dependsOn: [vm-cluster-a, san-01]}
          - {key: payroll-db, name: Payroll database, type: database, ownerTeam: dba, criticality: 1, environments: [production], tags: [payroll], dependsOn: [pg-cluster]}
          - {key: crm-db, name: CRM database, type: database, ownerTeam: dba, criticality: 2, environments: [production], tags: [crm], dependsOn: [pg-cluster]}
          - {key: shop-db, name: Shop database, type: database, ownerTeam: dba, criticality: 1, environments: [production], tags: [shop], dependsOn: [pg-cluster]}
          - {key: dwh, name: Data warehouse, type: database, ownerTeam: data, criticality: 3, environments: [production], dependsOn: [vm-cluster-b, san-01]}
          - {key: payroll-api, name: Payroll API, type: microservice, ownerTeam: hr-apps, criticality: 1, environments: [production], tags: [payroll], dependsOn: [payroll-db, k8s-prod, ldap]}
          - {key: payroll-batch, name: Payroll batch, type: application, ownerTeam: hr-apps, criticality: 2, environments: [production], tags: [payroll], dependsOn: [payroll-db, vm-cluster-b]}
          - {key: hr-portal, name: HR self-service portal, type: application, ownerTeam: hr-apps, criticality: 2, environments: [production], tags: [payroll], dependsOn: [payroll-api, ldap, lb-prod]}
          - {key: crm-app, name: CRM application, type: application, ownerTeam: crm-team, criticality: 2, environments: [production], tags: [crm], dependsOn: [crm-db, ldap, lb-prod, billing-engine]}
          - {key: catalogue-svc, name: Catalogue service, type: microservice, ownerTeam: shop-team, criticality: 2, environments: [production], tags: [shop], dependsOn: [shop-db, k8s-prod]}
          - {key: cart-svc, name: Cart service, type: microservice, ownerTeam: shop-team, criticality: 1, environments: [production], tags: [shop], dependsOn: [shop-db, k8s-prod]}
          - {key: search, name: Search service, type: microservice, ownerTeam: shop-team, criticality: 2, environments: [production], tags: [shop], dependsOn: [k8s-prod, catalogue-svc]}
          - {key: payments-gateway, name: Payments gateway, type: microservice, ownerTeam: payments, criticality: 1, environments: [production], dependsOn: [k8s-prod, fw-core]}
          - {key: billing-engine, name: Billing engine, type: application, ownerTeam: billing, criticality: 1, environments: [production], dependsOn: [pg-cluster, payments-gateway, crm-app]}
          - {key: shop-front, name: Shop front end, type: application, ownerTeam: shop-team, criticality: 1, environments: [production], tags: [shop], dependsOn: [catalogue-svc, cart-svc, payments-gateway, lb-prod]}
          - {key: customer-portal, name: Customer portal, type: application, ownerTeam: web-team, criticality: 1, environments: [production], dependsOn: [crm-app, billing-engine, lb-prod, ldap]}
          - {key: mobile-backend, name: Mobile app back end, type: microservice, ownerTeam: web-team, criticality: 2, environments: [production, preproduction], dependsOn: [customer-portal, payments-gateway]}
          - {key: intranet, name: Intranet, type: application, ownerTeam: web-team, criticality: 3, environments: [production], tags: [intranet], dependsOn: [ldap, vm-cluster-b, lb-prod]}
          - {key: dwh-etl, name: Warehouse nightly load, type: application, ownerTeam: data, criticality: 3, environments: [production], dependsOn: [dwh, payroll-db, crm-db, shop-db]}
          - {key: reporting, name: Reporting, type: application, ownerTeam: data, criticality: 3, environments: [production], dependsOn: [dwh]}
          - {key: svc-payroll, name: Payroll, type: service, ownerTeam: hr-apps, criticality: 1, environments: [production], tags: [payroll], dependsOn: [payroll-api, payroll-batch, hr-portal]}
          - {key: svc-eshop, name: Online shop, type: service, ownerTeam: shop-team, criticality: 1, environments: [production], tags: [shop], dependsOn: [shop-front, search]}
          - {key: svc-customer, name: Customer self-service, type: service, ownerTeam: web-team, criticality: 1, environments: [production], dependsOn: [customer-portal, mobile-backend]}
          - {key: svc-crm, name: Sales and CRM, type: service, ownerTeam: crm-team, criticality: 2, environments: [production], tags: [crm], dependsOn: [crm-app]}
          - {key: svc-billing, name: Billing and invoicing, type: service, ownerTeam: billing, criticality: 1, environments: [production], dependsOn: [billing-engine, mail-relay]}
          - {key: svc-intranet, name: Intranet, type: service, ownerTeam: web-team, criticality: 4, environments: [production], tags: [intranet], dependsOn: [intranet]}
          - {key: erp-db, name: ERP database, type: database, ownerTeam: dba, criticality: 1, environments: [production], tags: [erp], dependsOn: [pg-cluster]}
          - {key: erp-app, name: ERP application, type: application, ownerTeam: finance-apps, criticality: 1, environments: [production], tags: [erp], dependsOn: [erp-db, vm-cluster-a, ldap, lb-prod]}
          - {key: svc-finance, name: Finance and accounting, type: service, ownerTeam: finance-apps, criticality: 1, environments: [production], tags: [erp], dependsOn: [erp-app, reporting]}
          - {key: svc-bi, name: Business intelligence, type: service, ownerTeam: data, criticality: 3, environments: [production], dependsOn: [reporting, dwh-etl]}
        """

    /// The items each release modifies, by the start of its title.
    static let itemsByTitle: [(String, [String])] = [
        ("Data warehouse nightly load", ["dwh-etl"]), ("HR payroll 11.1", ["payroll-api", "payroll-db"]),
        ("Network core: firewall firmware", ["fw-core"]), ("Mobile app backend 5.3", ["mobile-backend"]),
        ("Billing 4.3", ["billing-engine"]), ("Payroll 11.2", ["payroll-api"]), ("Shop catalogue 7.1", ["catalogue-svc"]),
        ("CRM 8.4", ["crm-app"]), ("Intranet 2.1", ["intranet"]), ("ERP 2.0", ["erp-app", "erp-db"]),
    ]

    static func items(for title: String) -> [String] {
        itemsByTitle.first { title.hasPrefix($0.0) }?.1 ?? []
    }

    /// The items and the maintenance windows, before any release names them.
    static func seedInventory(_ services: BasculeServices) async throws {
        _ = try await services.inventory.importFile(Data(document.utf8), format: .yaml, partial: false, dryRun: false)
        _ = try await services.maintenance.create(MaintenanceWindowInput(
            name: "Production nights", environments: ["production"],
            recurrence: .init(hours: "20:00-06:00", timeZone: "Europe/Paris")))
        _ = try await services.maintenance.create(MaintenanceWindowInput(
            name: "Database Sunday maintenance", items: ["pg-cluster", "payroll-db", "crm-db", "shop-db"],
            recurrence: .init(days: ["sun"], hours: "01:00-05:00", timeZone: "Europe/Paris")))
    }

    /// Names the items of the sample releases and adds two that clash. Returns how many it added.
    static func seedReleases(_ services: BasculeServices, today: Date, calendar: Calendar) async throws -> Int {
        let releases = try await services.releases.list(.init(), limit: 200).items
        for (title, items) in itemsByTitle {
            guard let release = releases.first(where: { $0.title.hasPrefix(title) }), release.status.isPlanEditable else { continue }
            guard try await services.changes.list(of: release.key.description).isEmpty else { continue }
            _ = try await services.changes.create(in: release.key.description, ChangeFields(
                title: "\(release.title): deployment", kind: .software, risk: .medium, rollback: "Redeploy the previous version.", items: items))
        }

        // Two releases booked on nights already taken, to show conflicts on the calendar.
        func window(_ days: Int, _ hour: Int, _ minute: Int, _ minutes: Int) -> (Date, Date) {
            let day = calendar.date(byAdding: .day, value: days, to: today) ?? today
            let start = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day) ?? day
            return (start, start.addingTimeInterval(Double(minutes) * 60))
        }
        let clashes: [(ReleaseInput, [String])] = [
            (ReleaseInput(title: "HR portal 6.0: self-service payslips", version: "6.0.0", type: .major, plannedStart: window(5, 21, 0, 150).0,
                          plannedEnd: window(5, 21, 0, 150).1, environment: "production", owner: "Nathalie Moreau",
                          description: "Booked the same night as HR payroll 11.1: the portal depends on the payroll API it changes, and the HR applications team cannot run both.",
                          tags: ["payroll"]), ["hr-portal"]),
            (ReleaseInput(title: "Storage array firmware", version: "SAN 9.2", type: .patch, plannedStart: window(8, 23, 30, 150).0,
                          plannedEnd: window(8, 23, 30, 150).1, environment: "production", owner: "Karim Haddad",
                          description: "Same night as the firewall firmware: the infrastructure team is booked twice.", tags: ["infra"]), ["san-01"]),
        ]
        for (input, items) in clashes {
            let release = try await services.releases.create(input)
            _ = try await services.changes.create(in: release.key.description, ChangeFields(
                title: "\(input.title): deployment", kind: input.type == .patch ? .hardware : .software, risk: .high,
                rollback: "Roll back to the previous version.", items: items))
            _ = try await services.releases.transition(release.key.description, to: .planned)
        }
        return clashes.count
    }
}
