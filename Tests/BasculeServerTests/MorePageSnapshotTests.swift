@testable import BasculeCore
@testable import BasculeServer
import BasculeStore
import Foundation
import SnapshotTesting
import Testing

/// The rest of the pages, rendered from fixed models and compared whole in both languages.
@Suite("More page snapshots")
struct MorePageSnapshotTests {
    private static var record: SnapshotTestingConfiguration.Record { ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1" ? .all : .missing }

    private func check(_ html: String, page: String, _ language: Language, fileID: StaticString = #fileID, filePath: StaticString = #filePath,
                       line: UInt = #line, column: UInt = #column) {
        withSnapshotTesting(record: Self.record) {
            assertSnapshot(of: html, as: .lines, named: language.rawValue, fileID: fileID, file: filePath, testName: page, line: line, column: column)
        }
    }

    private func render<Model: Sendable>(_ template: String, _ language: Language, _ build: (Words) async throws -> Model) async throws -> String {
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let model = try await RequestOrigin.asSystem { try await build(words) }
        return renderer.html(template, shell: PageFixtures.shell(words, title: template), language: language, model: model)
    }

    @Test("the live page of a run with a failed step: red forecast, blocked successors, retry offered", arguments: Language.allCases)
    func runWithFailure(language: Language) async throws {
        let html = try await render("run", language) { words in
            let release = PageFixtures.release(19, "ERP 2.0", status: .inProgress, type: .major, startInHours: -2)
            var run = PageFixtures.liveRun(of: release)
            _ = try run.apply(.fail("C02", comment: "disk full"), by: "olivier", at: PageFixtures.now.addingTimeInterval(-600))
            let forecast = run.forecast(plannedStart: release.window!.start, rehearsals: RehearsalHistory(durations: [:]), now: PageFixtures.now, draws: 200)
            let view = RunService.View(run: run, release: release, forecast: forecast, rehearsals: 1, plannedStart: release.window!.start)
            return RunPage.model(view, now: PageFixtures.now, words)
        }
        check(html, page: "run-failed", language)
    }

    @Test("the agents page: states, labels, what each runs, and a registration token shown once", arguments: Language.allCases)
    func agents(language: Language) async throws {
        let html = try await render("agents", language) { words in
            let now = PageFixtures.now
            let agents = [
                Agent(name: "db-1", labels: ["os": "linux", "role": "db"], version: "0.2.0", host: "erp-db-01", registeredAt: now.addingTimeInterval(-86_400),
                      lastSeenAt: now.addingTimeInterval(-1), currentAttempt: "8d3e0c2a-0000-4000-8000-000000000001/P05#1"),
                Agent(name: "web-1", labels: ["os": "linux", "role": "web"], version: "0.2.0", host: "erp-web-01", registeredAt: now.addingTimeInterval(-86_400),
                      lastSeenAt: now.addingTimeInterval(-1)),
                Agent(name: "old-1", labels: [:], version: "0.1.0", host: "legacy", registeredAt: now.addingTimeInterval(-9 * 86_400),
                      lastSeenAt: now.addingTimeInterval(-3600)),
                Agent(name: "spare", labels: ["os": "linux"], version: "0.2.0", host: "spare-01", registeredAt: now.addingTimeInterval(-86_400),
                      lastSeenAt: now.addingTimeInterval(-2), disabledAt: now.addingTimeInterval(-600)),
            ]
            return AgentsPage.model(agents, settings: AgentSettings(), now: now, serverURL: "http://bascule.example:8080",
                                    newToken: ("bar_EXAMPLE-TOKEN", now.addingTimeInterval(86_400)), words)
        }
        check(html, page: "agents", language)
    }

    @Test("an automated step on the live page: where it runs, its attempt and its output; a step no agent can take says so", arguments: Language.allCases)
    func runWithAgents(language: Language) async throws {
        let html = try await render("run", language) { words in
            let release = PageFixtures.release(30, "ERP 2.1", status: .inProgress, type: .minor, startInHours: -1)
            let yaml = """
                steps:
                  - {key: backup, title: Back up, duration: 10m, kind: command, runsOn: "role=db", command: {run: [pg_dump, erp]}}
                  - {key: health, title: Health check, duration: 2m, kind: httpCheck, runsOn: {agent: web-9}, httpCheck: {url: "https://erp.example/health"}}
                """
            var run = Run(id: UUID(uuidString: "8D3E0C2A-0000-4000-8000-000000000002")!, releaseKey: release.key, kind: .live,
                          runbook: try RunbookDocument.parse(yaml).runbook, at: PageFixtures.now.addingTimeInterval(-900))
            _ = try run.apply(.start("backup"), by: "agent:db-1", at: PageFixtures.now.addingTimeInterval(-600))
            let forecast = run.forecast(plannedStart: release.window!.start, rehearsals: RehearsalHistory(durations: [:]), now: PageFixtures.now, draws: 200)
            let view = RunService.View(run: run, release: release, forecast: forecast, rehearsals: 0, plannedStart: release.window!.start)
            var facts = RunAutomationFacts()
            let attempt = StepAttempt(id: UUID(uuidString: "8D3E0C2A-0000-4000-8000-000000000003")!, runID: run.id, step: "backup", number: 1, agent: "db-1",
                                      startedAt: PageFixtures.now.addingTimeInterval(-600), heartbeatAt: PageFixtures.now, logSize: 42)
            facts.latest["backup"] = attempt
            facts.tails["backup"] = (0, "dumping ledger\ndumping balances <ok>\n")
            facts.agents = [Agent(name: "db-1", labels: ["role": "db"], version: "0.2.0", host: "erp-db-01", registeredAt: PageFixtures.now, lastSeenAt: PageFixtures.now)]
            return RunPage.model(view, now: PageFixtures.now, words, automation: facts)
        }
        check(html, page: "run-agents", language)
    }

    @Test("a rolling update on the live page: its phase, the probe's figures and timeline, its instances and batches, the rollback by hand", arguments: Language.allCases)
    func runWithRollingUpdate(language: Language) async throws {
        let html = try await render("run", language) { words in
            let release = PageFixtures.release(31, "Shop 2.4", status: .inProgress, type: .minor, startInHours: -1)
            let yaml = """
                steps:
                  - key: roll
                    title: Roll the shop to 2.4.0
                    duration: 10m
                    kind: rollingUpdate
                    runsOn: {agent: lb-1}
                    rollingUpdate:
                      service: shop
                      version: "2.4.0"
                      instances: [web-1, web-2, web-3]
                      stop: "systemctl stop shop"
                      start: "systemctl start shop"
                      versionCommand: "cat /opt/shop/VERSION"
                      healthCheck: {url: "http://{{address}}/health"}
                      probe: {url: "https://shop.example/"}
                """
            var run = Run(id: UUID(uuidString: "8D3E0C2A-0000-4000-8000-000000000004")!, releaseKey: release.key, kind: .live,
                          runbook: try RunbookDocument.parse(yaml).runbook, at: PageFixtures.now.addingTimeInterval(-900))
            _ = try run.apply(.start("roll"), by: "agent:lb-1", at: PageFixtures.now.addingTimeInterval(-20))
            let forecast = run.forecast(plannedStart: release.window!.start, rehearsals: RehearsalHistory(durations: [:]), now: PageFixtures.now, draws: 200)
            let view = RunService.View(run: run, release: release, forecast: forecast, rehearsals: 1, plannedStart: release.window!.start)
            var facts = RunAutomationFacts()
            let attempt = StepAttempt(id: UUID(uuidString: "8D3E0C2A-0000-4000-8000-000000000005")!, runID: run.id, step: "roll", number: 1, agent: "lb-1",
                                      startedAt: PageFixtures.now.addingTimeInterval(-20), heartbeatAt: PageFixtures.now, logSize: 0)
            facts.latest["roll"] = attempt
            var report = RollingReport(service: "shop", version: "2.4.0", instances: [
                RollingReport.Instance(name: "web-1", from: "2.3.1", version: "2.4.0", state: .healthy, batch: 1),
                RollingReport.Instance(name: "web-2", from: "2.3.1", version: "2.3.1", state: .draining, batch: 2),
                RollingReport.Instance(name: "web-3", from: "2.3.1", version: "2.3.1", state: .waiting),
            ], phase: .rolling)
            let samples = (0..<400).map { index in
                ProbeSample(sentAt: Double(index) * 0.05, status: (100..<104).contains(index) ? 503 : 200, latency: 0.004)
            }
            report.probe = RollingReport.probe(url: "https://shop.example/", rate: 20, samples: samples, until: 20, rule: ProbeRule())
            report.batches = [RollingReport.Batch(number: 1, instances: ["web-1"], start: 0.4, end: 12.5, interruption: report.probe.map(\.figures)),
                              RollingReport.Batch(number: 2, instances: ["web-2"], start: 12.5)]
            report.elapsed = 20
            facts.rolling["roll"] = StoredRollingReport(attempt: attempt.id, step: "roll", report: report, updatedAt: PageFixtures.now, rollbackAskedBy: nil)
            facts.agents = [Agent(name: "lb-1", labels: ["role": "lb"], version: "0.2.0", host: "lb-01", registeredAt: PageFixtures.now, lastSeenAt: PageFixtures.now)]
            return RunPage.model(view, now: PageFixtures.now, words, automation: facts)
        }
        check(html, page: "run-rolling", language)
    }

    @Test("an inventory item with what depends on it", arguments: Language.allCases)
    func inventoryItem(language: Language) async throws {
        let html = try await render("inventory-item", language) { words in
            let key = CIKey("erp-db")!
            let item = ConfigurationItem(key: key, fields: CIFields(name: "ERP database", type: .database, ownerTeam: "dba", criticality: 1,
                                                                    environments: ["production"], tags: ["erp"], dependsOn: [CIKey("pg-cluster")!]),
                                         createdAt: PageFixtures.now)
            let node = DependencyGraph.Node(key: key, name: "ERP database", type: .database, criticality: 1, ownerTeam: "dba")
            let app = DependencyGraph.Node(key: CIKey("erp-app")!, name: "ERP application", type: .application, criticality: 1, ownerTeam: "finance-apps")
            let impacted = [ImpactedItem(node: app, depth: 1, path: [key, app.key])]
            let cluster = DependencyGraph.Node(key: CIKey("pg-cluster")!, name: "PostgreSQL cluster", type: .database, criticality: 1, ownerTeam: "dba")
            return InventoryPages.item(item, node: node, impacted: impacted, dependencies: [cluster], canManage: true, words)
        }
        check(html, page: "inventory-item", language)
    }

    @Test("the policy page with its rules and freezes, and a refused document in its editor", arguments: Language.allCases)
    func policy(language: Language) async throws {
        let html = try await render("policy", language) { words in
            let document = DemoPolicy.document(freezeFrom: "2027-03-20T00:00", freezeTo: "2027-03-25T00:00")
            let policy = try PolicyDocument.parse(document, version: 2)
            let stored = PolicyVersion(version: 2, document: document, author: "claire", at: PageFixtures.now)
            let facts = PolicyPage.Facts(shown: stored, policy: policy, latest: 2, versions: [stored], windows: [], typed: "rules: [", errors: [
                FieldError("rules", "expected a list", line: 1)], canEdit: true)
            return PolicyPage.model(facts, words)
        }
        check(html, page: "policy", language)
    }

    @Test("users and teams as an administrator sees them, a password shown once", arguments: Language.allCases)
    func people(language: Language) async throws {
        let html = try await render("people", language) { words in
            let users = [User(username: "claire", displayName: "Claire Martin", email: "claire@example.com", roles: [.releaseManager], createdAt: PageFixtures.now),
                         User(username: "olivier", displayName: "Olivier", email: "", roles: [.operator], disabledAt: PageFixtures.now, createdAt: PageFixtures.now)]
            return PeoplePage.model(users: users, teams: [Team(name: "dba", members: ["olivier"])], canManageUsers: true, canManageTeams: true,
                                    password: (user: "olivier", secret: "generated-secret"), errors: [], words)
        }
        check(html, page: "people", language)
    }

    @Test("a document with its versions, reading an earlier one", arguments: Language.allCases)
    func document(language: Language) async throws {
        let html = try await render("document", language) { words in
            let release = PageFixtures.release(21, "Customer portal", status: .planned)
            let v1 = DocumentVersion(kind: .rollbackPlan, version: 1, content: "1. Restore <tenant> dump.", author: "claire", at: PageFixtures.now.addingTimeInterval(-86_400))
            let v2 = DocumentVersion(kind: .rollbackPlan, version: 2, content: "1. Restore the dump.\n2. Redeploy.", author: "claire", at: PageFixtures.now)
            return DocumentPage.model(DocumentPage.Facts(release: release, kind: .rollbackPlan, shown: v1, history: [v2, v1], canEdit: true), words)
        }
        check(html, page: "document", language)
    }

    @Test("a calendar week with a cutover, a freeze and a conflict", arguments: Language.allCases)
    func calendar(language: Language) async throws {
        let html = try await render("calendar", language) { words in
            let calendar = words.formatting.calendar
            let start = calendar.date(from: DateComponents(year: 2027, month: 3, day: 1))!
            let end = calendar.date(byAdding: .day, value: 7, to: start)!
            let conflict = Conflict(kind: .teamBooked, other: ReleaseKey(number: 5),
                                    explanation: LocalizedText(en: "the team dba is booked on REL-5", fr: "l’équipe dba est prise par REL-5"))
            let entries = [
                CalendarEntry(uid: "a", kind: .release, title: "REL-21 Customer portal", start: PageFixtures.now, end: PageFixtures.now.addingTimeInterval(3600),
                              environment: "production", release: ReleaseKey(number: 21), status: .planned, items: [], detail: "", conflicts: [conflict]),
                CalendarEntry(uid: "b", kind: .freeze, title: "Quarter-end closing", start: start, end: start.addingTimeInterval(86_400), environment: nil,
                              release: nil, status: nil, items: [], detail: "", conflicts: []),
            ]
            let facts = CalendarPage.Facts(entries: entries, anchor: PageFixtures.now, week: true, start: start, end: end, title: "1 – 7 March 2027",
                                           environment: nil, team: nil, item: nil, environments: ["production"], feedPath: nil, now: PageFixtures.now)
            return CalendarPage.model(facts, words)
        }
        check(html, page: "calendar-week", language)
    }

    @Test("the runbook step editor with a cycle refused", arguments: Language.allCases)
    func runbookEditor(language: Language) async throws {
        let html = try await render("runbook-edit", language) { words in
            let release = PageFixtures.release(21, "Customer portal", status: .planned)
            var drafts: [Int: RunbookEditPage.Draft] = [:]
            drafts[0] = RunbookEditPage.Draft(key: "a", title: "Stop", minutes: "5", after: ["b"])
            drafts[1] = RunbookEditPage.Draft(key: "b", title: "Start", minutes: "5", after: ["a"])
            return RunbookEditPage.model(release: release, drafts: drafts, revision: 2, errors: [FieldError("steps", "the steps a → b → a form a cycle")], words)
        }
        check(html, page: "runbook-editor", language)
    }

    @Test("the approvals under way, read-only", arguments: Language.allCases)
    func approvals(language: Language) async throws {
        let html = try await render("approvals", language) { words in
            let release = PageFixtures.release(21, "Customer portal", status: .planned)
            let round = ApprovalRound(requestedBy: "claire", requestedAt: PageFixtures.now, requirements: [ApprovalRequirement(rule: "cab", roles: [.approver], count: 1)])
            return ApprovalsPage.model([(release, round)], canDecide: false, words)
        }
        check(html, page: "approvals", language)
    }

    @Test("the inventory list, an item's form refused, and an import report", arguments: Language.allCases)
    func inventorySmallPages(language: Language) async throws {
        let item = ConfigurationItem(key: CIKey("erp-db")!, fields: CIFields(name: "ERP database", type: .database, ownerTeam: "dba", criticality: 1),
                                     createdAt: PageFixtures.now)
        let list = try await render("inventory", language) { words in
            InventoryPages.list(items: [item], q: "erp", type: .database, team: "", tag: "", next: "erp-db", after: nil, canManage: true, words)
        }
        let form = try await render("inventory-form", language) { words in
            InventoryPages.form(key: nil, values: ["key": "Bad Key", "name": "", "type": "database"],
                                errors: [FieldError("name", "is required"), FieldError("dependsOn", "names nowhere, which is not an item")], canDelete: false, words)
        }
        let report = try await render("inventory-import", language) { words in
            var plan = InventoryImportPlan()
            plan.created = [(CIKey("ledger")!, CIFields(name: "Ledger", type: .application))]
            plan.rejected = [InventoryImportPlan.Rejection(line: 3, key: "x y", errors: [FieldError("key", "is required")])]
            return InventoryPages.importPage(report: InventoryImportReport(plan: plan, applied: false, dryRun: true), errors: [], words)
        }
        check(list, page: "inventory-list", language)
        check(form, page: "inventory-form", language)
        check(report, page: "inventory-import", language)
    }

    @Test("recording a test campaign, refused with what was typed", arguments: Language.allCases)
    func testsForm(language: Language) async throws {
        let html = try await render("tests-record", language) { words in
            TestRecordPage.model(release: PageFixtures.release(21, "Customer portal", status: .planned), environments: ["production"],
                                 values: ["kind": "regression", "passed": "-3", "failing": "Ledger.testClose"], errors: [FieldError("passed", "must not be negative")], words)
        }
        check(html, page: "tests-record", language)
    }

    @Test("the runbook template library and one template", arguments: Language.allCases)
    func runbookLibrary(language: Language) async throws {
        let template = RunbookTemplate(name: "erp-standard", variables: ["application"], runbook: Runbook(steps: [
            RunbookStep(key: "P01", title: "Announce the cutover to {{application}} users", plannedDuration: 300, kind: .communication),
            RunbookStep(key: "C01", title: "Stop {{application}}", plannedDuration: 600, predecessors: ["P01"], downtime: true),
        ]))
        let library = try await render("runbooks", language) { words in RunbooksPage.model([template], words) }
        let one = try await render("runbook-template", language) { words in
            RunbooksPage.template(template, releases: [PageFixtures.release(21, "Customer portal", status: .planned)], values: [:], errors: [], canApply: true, words)
        }
        check(library, page: "runbook-library", language)
        check(one, page: "runbook-template", language)
    }

    @Test("the sign-in page refused, and the error page", arguments: Language.allCases)
    func signInAndError(language: Language) async throws {
        let signIn = try await render("login", language) { words in
            SignInPage(csrf: "TOKEN", next: "/home", username: "claire", error: words.text("login_bad"))
        }
        let error = try await render("error", language) { _ in ErrorPage.Model(message: "release REL-99 not found") }
        check(signIn, page: "sign-in", language)
        check(error, page: "error", language)
    }
}
