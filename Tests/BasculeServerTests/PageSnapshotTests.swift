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
}
