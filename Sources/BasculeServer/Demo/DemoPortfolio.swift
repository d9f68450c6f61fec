import BasculeCore
import BasculeStore
import Foundation

/// A realistic sample portfolio for `bascule serve --demo`: four environments and a dozen
/// releases of several applications, spread over the coming weeks and through the lifecycle.
public enum DemoPortfolio {
    public enum Outcome: Sendable, Equatable {
        /// `history`: the past releases of the generated year (docs/AFTER_RELEASE.md#demo).
        case seeded(releases: Int, environments: Int, history: Int)
        /// The database already held data; nothing was changed.
        case skipped
    }

    /// One user per role; each password is the username followed by `-bascule-demo`
    /// (listed in the README: demo only).
    public static let demoUsers: [(String, Role, String)] = [
        ("demo-admin", .admin, "Demo administrator"), ("manager", .releaseManager, "Claire Martin"),
        ("approver", .approver, "Nathalie Moreau"), ("operator", .operator, "Karim Haddad"),
        ("contributor", .contributor, "Léa Girard"), ("viewer", .viewer, "Marc Dubois"),
    ]

    /// Acts as the system: the demo is start-up work, whoever calls it.
    /// `server`: the address the demo's HTTP check asks (Bascule's own `/health`).
    public static func seed(_ services: BasculeServices, now: Date = Date(), timeZone: TimeZone, server: String = "http://127.0.0.1:8080") async throws -> Outcome {
        try await RequestOrigin.asSystem { try await seedAsSystem(services, now: now, timeZone: timeZone, server: server) }
    }

    private static func seedAsSystem(_ services: BasculeServices, now: Date, timeZone: TimeZone, server: String) async throws -> Outcome {
        let existing = try await services.environments.all()
        let releaseCount = try await services.store.withConnection { try await ReleaseRepository($0).count() }
        guard existing.isEmpty, releaseCount == 0 else { return .skipped }

        for (username, role, display) in demoUsers {
            if try await services.store.withConnection({ try await UserRepository($0).named(username) }) == nil {
                _ = try await services.identity.createUser(
                    username: username, displayName: display, email: "\(username)@bascule.example", roles: [role], password: "\(username)-bascule-demo")
            }
        }
        for (name, kind) in [("development", EnvironmentKind.development), ("recette", .test), ("preproduction", .preproduction), ("production", .production)] {
            _ = try await services.environments.create(name: name, kind: kind)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: now)
        /// A window `days` from today starting at `hour` local time, lasting `hours`.
        func window(_ days: Int, _ hour: Int, _ hours: Int) -> (Date, Date) {
            let day = calendar.date(byAdding: .day, value: days, to: today) ?? today
            let start = calendar.date(bySettingHour: hour, minute: 0, second: 0, of: day) ?? day
            return (start, start.addingTimeInterval(Double(hours) * 3600))
        }

        let samples: [((ReleaseInput, [String]), [ReleaseStatus])] = [
            (input("Billing 4.2: SEPA instant payments", "4.2.0", .minor, window(-20, 22, 3), "production", "Claire Martin",
                   "Adds SEPA Instant Credit Transfer to the billing engine.",
                   ["Instant transfers settled in under 10 s", "No increase of the batch window"], ["billing-engine", "payments-gateway"]),
             [.planned, .approved, .ready, .inProgress, .deployed, .closed]),
            (input("Customer portal 3.0", "3.0.0", .major, window(-6, 21, 4), "production", "Julien Bernard",
                   "New customer portal with single sign-on. **Downtime expected**: 45 minutes.",
                   ["Login success rate above 99.5%", "Page load under 2 s at p95"], ["customer-portal", "identity-provider", "cdn"]),
             [.planned, .approved, .ready, .inProgress, .deployed]),
            (input("Payments API hotfix: duplicate refunds", "2.8.4", .emergency, window(-2, 13, 1), "production", "Sophie Laurent",
                   "Stops refunds from being issued twice when the acquirer times out.", ["No duplicate refund in 7 days"], ["payments-api"]),
             [.planned, .ready, .inProgress, .rolledBack]),
            (input("Data warehouse nightly load rewrite", "2024.11", .minor, window(3, 1, 5), "production", "Thomas Petit",
                   "Moves the nightly load from the old ETL to the new pipeline.", ["Load finished before 06:00"], ["data-warehouse", "etl"]),
             [.planned, .approved, .ready]),
            (input("HR payroll 11.1", "11.1.0", .minor, window(5, 20, 3), "production", "Nathalie Moreau",
                   "Year-end tax rules.", ["December payroll computed correctly"], ["payroll"]),
             [.planned, .approved]),
            (input("Network core: firewall firmware", "FW 7.4.3", .patch, window(8, 23, 2), "production", "Karim Haddad",
                   "Security firmware on both data-centre firewalls, one at a time.", ["No session lost during failover"], ["fw-dc1", "fw-dc2"]),
             [.planned]),
            (input("Mobile app backend 5.3", "5.3.0-rc.2", .minor, window(10, 22, 2), "preproduction", "Léa Girard",
                   "Push notifications v2.", ["Notification delivery above 98%"], ["mobile-backend"]),
             [.planned]),
            (input("Customer portal 3.1", "3.1.0", .minor, window(14, 21, 2), "recette", "Julien Bernard",
                   "Follow-up fixes of 3.0.", [], ["customer-portal"]),
             [.planned]),
            (input("Billing 4.3: e-invoicing", "4.3.0", .minor, window(24, 22, 3), "production", "Claire Martin",
                   "E-invoicing mandate, first wave.", ["Invoices accepted by the public platform"], ["billing-engine"]),
             []),
            (input("Intranet redesign", "2.0.0", .major, nil, nil, "Marc Dubois", "Early draft; scope still open.", [], []),
             []),
            (input("Legacy CRM decommissioning", "n/a", .major, window(40, 8, 10), "production", "Isabelle Roux",
                   "Data migrated to the new CRM; the old one is switched off.", ["No user left on the old CRM"], ["crm-legacy"]),
             [.cancelled]),
            (input("Search service 1.9", "1.9.0", .minor, window(-12, 22, 2), "production", "Léa Girard",
                   "Index rebuild with the new analyser.", ["Search relevance score up 5%"], ["search"]),
             [.planned, .approved, .ready, .inProgress, .failed]),
        ]
        var keys: [String: String] = [:]
        for ((input, objectives), path) in samples {
            let release = try await services.releases.create(input)
            keys[input.title] = release.key.description
            if !objectives.isEmpty {
                _ = try await services.plans.replacePlan(of: release.key.description, with: ReleasePlan(objectives: objectives.map { Objective(statement: $0) }))
            }
            for status in path {
                _ = try await services.releases.transition(release.key.description, to: status)
            }
        }
        // The portal's follow-up shows e-invoices, so it requires Billing 4.3, yet it is planned ten
        // days before it: the calendar flags the wrong order.
        if let portal = keys["Customer portal 3.1"], let billing = keys["Billing 4.3: e-invoicing"] {
            _ = try await services.dependencies.add(portal, on: billing, kind: .requires)
        }
        try await DemoPromotion.seed(services, now: now, keys: keys)
        try await DemoVersions.seed(services, now: now, keys: keys)
        // The policy comes after the history above, which predates it; then the releases that show its gates.
        try await DemoInventory.seedInventory(services)
        let (gated, decidedInCAB) = try await DemoPolicy.seed(services, today: today, calendar: calendar)
        let clashing = try await DemoInventory.seedReleases(services, today: today, calendar: calendar)
        let cutover = try await DemoRunbook.seed(services, now: now, server: server)
        // Last, so that the releases above keep their keys (REL-19 is the cutover under way).
        let cutovers = try await DemoCutoverHistory.seed(services, now: now)
        let rolling = try await DemoRollingUpdate.seed(services, now: now)
        let history = try await DemoHistory.seed(services, now: now)
        let underWay = try await services.store.withConnection { db in
            try await ReleaseRepository(db).sorted(ReleaseQuery(statuses: [.inProgress]), by: .window, descending: false, limit: 1, offset: 0).items.first
        }
        try await DemoMeetings.seed(services, now: now, calendar: calendar, decidedInCAB: decidedInCAB)
        try await DemoReviews.seed(services, now: now)
        try await DemoNotifications.seed(services, cutover: underWay?.key.description)
        return .seeded(releases: samples.count + cutovers + gated + clashing + cutover + rolling, environments: 4, history: history)
    }

    private static func input(
        _ title: String, _ version: String, _ type: ReleaseType, _ window: (Date, Date)?, _ environment: String?, _ owner: String,
        _ description: String, _ objectives: [String], _ tags: [String]
    ) -> (ReleaseInput, [String]) {
        (ReleaseInput(
            title: title, version: version, type: type, plannedStart: window?.0, plannedEnd: window?.1, environment: environment,
            owner: owner, description: description, tags: tags), objectives)
    }
}
