@testable import BasculeCore
@testable import BasculeServer
import Foundation
import SnapshotTesting
import Testing

/// Whole pages rendered from their models and compared with the HTML kept under
/// `__Snapshots__`, in both languages: a label missing from a template or a table changes the
/// HTML and fails here. After a deliberate change, run with `SNAPSHOT_RECORD=1` and review the diff.
@Suite("Page snapshots")
struct PageSnapshotTests {
    private static var record: SnapshotTestingConfiguration.Record { ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1" ? .all : .missing }

    private func check(_ html: String, page: String, _ language: Language, fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
        withSnapshotTesting(record: Self.record) {
            assertSnapshot(of: html, as: .lines, named: language.rawValue, fileID: fileID, file: filePath, testName: page, line: line, column: column)
        }
    }

    @Test("the home page shows runs, approvals, refusals to come, this week, mine and overdue milestones", arguments: Language.allCases)
    func home(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let erp = PageFixtures.release(19, "ERP 2.0: general ledger migration", status: .inProgress, type: .major, startInHours: -2)
        let portal = PageFixtures.release(21, "Customer portal", status: .planned, startInHours: 50)
        var facts = HomePage.Facts()
        facts.user = "claire"
        facts.runs = [(PageFixtures.liveRun(of: erp), erp.title)]
        facts.week = [portal]
        facts.mine = [erp, portal]
        facts.approvals = [(portal, ApprovalRound(requestedBy: "claire", requestedAt: PageFixtures.now.addingTimeInterval(-3600),
                                                  requirements: [ApprovalRequirement(rule: "cab", roles: [.approver], count: 2)]))]
        facts.blocked = [(portal, PageFixtures.failingCheck(to: .approved))]
        facts.overdue = [(portal, Milestone(name: "Training done", due: PageFixtures.now.addingTimeInterval(-86_400)))]
        facts.canCreate = true
        // when
        let html = renderer.html("home", shell: PageFixtures.shell(words, title: words.text("home_title")), language: language,
                                 model: HomePage.model(facts, words))
        // then
        check(html, page: "home", language)
    }

    @Test("the releases list shows filters, sortable columns, risk and pages", arguments: Language.allCases)
    func releases(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        var filters = ReleaseFilters()
        filters.statuses = [.planned, .approved]
        filters.tag = "erp"
        filters.sort = .title
        filters.page = 2
        let rows = [PageFixtures.release(21, "Customer portal", status: .planned, tags: ["erp", "web"]),
                    PageFixtures.release(22, String(repeating: "Unbroken", count: 25), status: .approved, type: .patch, startInHours: nil, owner: nil)]
        let facts = ReleasesPage.Facts(
            filters: filters, errors: [FieldError("risk", "bogus")], releases: rows, total: 120,
            scores: [rows[0].key: RiskScore(dossier: ReleaseDossier(release: rows[0], now: PageFixtures.now), policyFailures: PageFixtures.failingCheck(to: .approved).failures)],
            environments: ["production", "staging"], scanLimited: false, canCreate: true)
        // when
        let html = renderer.html("releases", shell: PageFixtures.shell(words, title: words.text("releases_title")), language: language,
                                 model: ReleasesPage.model(facts, words))
        // then
        check(html, page: "releases", language)
    }

    @Test("a release refused at a gate says each reason once with what fixes it, and offers the override", arguments: Language.allCases)
    func releaseRefused(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let release = PageFixtures.release(21, "Customer portal", status: .planned, tags: ["web"])
        let failing = PageFixtures.failingCheck(to: .approved)
        // when
        let model = await RequestOrigin.asSystem {
            ReleasePage.Model(
                release: ReleasePage.header(release, liveRun: nil, words), tabs: ReleasePage.tabs("REL-21", current: "overview", words), overview: true,
                refusal: ReleasePage.Refusal(summary: words.text("refusal_gate", ["status": words.label(ReleaseStatus.approved)]),
                                             reasons: GateReason.all(check: failing, release: release, words),
                                             override: ReleasePage.Override(to: "approved", revision: 1), suggested: nil),
                history: [], canReadHistory: true, olderHistoryHref: "/releases/REL-21?history=abc#history", newestHistoryHref: nil,
                plan: nil, risks: nil, changes: nil, tests: nil, approvals: nil, policy: nil, impact: nil, calendar: nil, runbook: nil,
                people: StakeholdersPanel.model(release, stakeholders: [
                    Stakeholder(release: "REL-21", party: .team("support"), addedBy: "alice", addedAt: PageFixtures.now),
                    Stakeholder(release: "REL-21", party: .address("clients@example.com", language: "fr"), addedBy: "alice", addedAt: PageFixtures.now),
                ], following: nil, words),
                afterRelease: nil, meetings: nil, promotion: nil, dependencies: nil, versions: nil)
        }
        let html = renderer.html("release", shell: PageFixtures.shell(words, title: "REL-21"), language: language, model: model)
        // then
        check(html, page: "release-refused", language)
    }

    @Test("the plan editor shows every section as rows with blank ones to add and errors on their row", arguments: Language.allCases)
    func planEditor(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let release = PageFixtures.release(21, "Customer portal", status: .planned)
        var plan = ReleasePlan()
        plan.risks = [Risk(title: "Invoices sent twice", probability: 2, impact: 5)]
        plan.milestones = [Milestone(name: "Go-live", due: PageFixtures.now)]
        var form = PlanForm(plan, formatting: renderer.formatting)
        form.fields["risk.0.probability"] = "9"
        // when
        let model = PlanEditPage.model(release: release, form: form, revision: 3, errors: [FieldError("risks[0].probability", "must be from 1 to 5")], words)
        let html = renderer.html("plan-edit", shell: PageFixtures.shell(words, title: "plan"), language: language, model: model)
        // then
        check(html, page: "plan-editor", language)
    }

    @Test("a change form refused keeps what was typed and puts each error beside its field", arguments: Language.allCases)
    func changeForm(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let release = PageFixtures.release(21, "Customer portal", status: .planned)
        // when
        let model = ChangeFormPage.model(release: release, changeKey: "CHG-4", values: ["title": "", "risk": "high", "items": "erp-app", "revision": "2"],
                                         errors: [FieldError("title", "is required")], canDelete: true, words)
        let html = renderer.html("change-form", shell: PageFixtures.shell(words, title: "change"), language: language, model: model)
        // then
        check(html, page: "change-form", language)
    }
}
