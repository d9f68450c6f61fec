@testable import BasculeCore
@testable import BasculeServer
import BasculeStore
import Foundation
import SnapshotTesting
import Testing

/// The weekly report, the incidents list and one incident, whole, in both languages.
@Suite("After-release page snapshots")
struct AfterReleasePageSnapshotTests {
    private static var record: SnapshotTestingConfiguration.Record { ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1" ? .all : .missing }

    private func check(_ html: String, page: String, _ language: Language, fileID: StaticString = #fileID, filePath: StaticString = #filePath,
                       line: UInt = #line, column: UInt = #column) {
        withSnapshotTesting(record: Self.record) {
            assertSnapshot(of: html, as: .lines, named: language.rawValue, fileID: fileID, file: filePath, testName: page, line: line, column: column)
        }
    }

    static let zone = TimeZone(identifier: "Europe/Paris") ?? .gmt
    static let week = ReportPeriod.weekly.interval(containing: PageFixtures.now.addingTimeInterval(-7 * 86_400), timeZone: zone)

    static func deployment(_ release: Int, _ result: CutoverOutcome.Result, hours: Double, production: Bool = true) -> Deployment {
        let end = week.start.addingTimeInterval(hours * 3600)
        return Deployment(release: "REL-\(release)", run: UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", release))!, environment: production ? "production" : "recette",
                          production: production, type: release == 7 ? .emergency : .minor, tags: ["payroll"], result: result,
                          planned: DateInterval(start: end.addingTimeInterval(-7200), end: end.addingTimeInterval(600)), startedAt: end.addingTimeInterval(-3000), endedAt: end,
                          plannedDowntime: 1500, actualDowntime: result == .deployed ? 1380 : 2400)
    }

    static func report() throws -> PeriodReport {
        let deployments = [deployment(5, .deployed, hours: 30), deployment(6, .rolledBack, hours: 54), deployment(7, .deployed, hours: 78, production: false)]
        let incident = try Incident(reference: "INC0041001", title: "Payslips missing", severity: 2, openedAt: week.start.addingTimeInterval(40 * 3600),
                                    resolvedAt: week.start.addingTimeInterval(43 * 3600), items: ["hr-portal"])
        var history: [IndicatorSet] = []
        for offset in -7...0 {
            let span = ReportPeriod.weekly.interval(containing: week.start.addingTimeInterval(1), offset: offset, timeZone: zone)
            history.append(offset == -3 ? IndicatorSet(period: span, deployments: [], changes: [], incidents: [], confirmed: [:])
                : IndicatorSet(period: span, deployments: offset == 0 ? deployments : [deployment(5, .deployed, hours: 30)],
                               changes: [IndicatorSet.ChangeLead(change: "CHG-9", release: "REL-5", createdAt: week.start.addingTimeInterval(-5 * 86_400))],
                               incidents: offset == 0 ? [incident] : [], confirmed: offset == 0 ? ["REL-5": [("INC0041001", incident.openedAt)]] : [:]))
        }
        let conflict = Conflict(kind: .sameItem, other: ReleaseKey(number: 9), otherTitle: "HR portal 6.0", items: [], period: nil,
                                explanation: LocalizedText(en: "REL-9 (HR portal 6.0) modifies hr-portal at the same time", fr: "REL-9 (HR portal 6.0) modifie hr-portal au même moment"))
        return PeriodReport(
            period: .weekly, interval: week, next: ReportPeriod.weekly.interval(containing: week.start.addingTimeInterval(1), offset: 1, timeZone: zone), timeZone: zone,
            filter: IndicatorFilter(), generatedAt: PageFixtures.now,
            cutovers: deployments.map { PeriodReport.Cutover($0, title: "Payroll 4.\($0.release.dropFirst(4))") },
            upcoming: [PeriodReport.Upcoming(release: "REL-8", title: "Payroll 4.9", status: .approved, environment: "production",
                                             start: PageFixtures.now.addingTimeInterval(86_400), end: PageFixtures.now.addingTimeInterval(90_000), conflicts: [conflict])],
            freezes: [PeriodReport.Freeze(title: "Monthly payroll run", start: PageFixtures.now.addingTimeInterval(2 * 86_400), end: PageFixtures.now.addingTimeInterval(3 * 86_400))],
            overdue: [PeriodReport.OverdueMilestone(release: "REL-8", title: "Payroll 4.9", milestone: "Training done", due: PageFixtures.now.addingTimeInterval(-86_400))],
            incidents: [PeriodReport.IncidentLine(reference: "INC0041001", title: "Payslips missing", severity: 2, openedAt: incident.openedAt, resolvedAt: incident.resolvedAt,
                                                  causes: [.init(release: "REL-5", state: "confirmed", confidence: 0.44, path: ["payroll-db", "payroll-api", "hr-portal"])])],
            history: history)
    }

    @Test("the weekly report shows both tables of indicators with their fractions, the trend charts, the cutovers, what comes next and the incidents", arguments: Language.allCases)
    func weeklyReport(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        // when
        let model = ReportsPage.model(try Self.report(), environments: ["production", "recette"], now: PageFixtures.now, words)
        let html = renderer.html("reports", shell: PageFixtures.shell(words, title: model.title), language: language, model: model)
        // then
        check(html, page: "report-weekly", language)
    }

    @Test("an incident shows its confirmed cause with the dependency path, and the forms to decide and to resolve", arguments: Language.allCases)
    func incident(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let incident = try Incident(reference: "INC0041001", title: "Payslips missing", severity: 2, openedAt: PageFixtures.now.addingTimeInterval(-7200),
                                    items: ["hr-portal"], link: "https://itsm.example.com/INC0041001")
        let detail = IncidentService.Detail(
            stored: StoredIncident(id: UUID(uuidString: "11111111-2222-3333-4444-555555555555")!, source: "webhook:nagios", incident: incident),
            attributions: [
                StoredAttribution(release: "REL-5", incident: "INC0041001", incidentTitle: "Payslips missing", severity: 2, openedAt: incident.openedAt, resolvedAt: nil,
                                  state: .confirmed, path: ["payroll-db", "payroll-api", "hr-portal"], sinceDeployment: 5 * 3600, confidence: 0.4,
                                  decidedBy: "claire", decidedAt: PageFixtures.now),
                StoredAttribution(release: "REL-4", incident: "INC0041001", incidentTitle: "Payslips missing", severity: 2, openedAt: incident.openedAt, resolvedAt: nil,
                                  state: .candidate, path: ["ldap", "hr-portal"], sinceDeployment: 3 * 86_400, confidence: 0.49, decidedBy: nil, decidedAt: nil),
            ])
        // when
        let model = await RequestOrigin.asSystem { IncidentPage.model(detail, attributionDays: 7, words) }
        let html = renderer.html("incident", shell: PageFixtures.shell(words, title: "INC0041001"), language: language, model: model)
        // then
        check(html, page: "incident", language)
    }

    @Test("the incidents list shows each one's time to restore or that it is still open, and the forms to record and import", arguments: Language.allCases)
    func incidents(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let open = try Incident(reference: "INC0041002", title: "Checkout slow", severity: 3, openedAt: PageFixtures.now.addingTimeInterval(-3600), items: ["shop-front"])
        let closed = try Incident(reference: "INC0041001", title: "Payslips missing", severity: 1, openedAt: PageFixtures.now.addingTimeInterval(-86_400),
                                  resolvedAt: PageFixtures.now.addingTimeInterval(-80_000), items: ["hr-portal", "payroll-api"])
        let page = (items: [StoredIncident(id: UUID(), source: "api", incident: open), StoredIncident(id: UUID(), source: "csv", incident: closed)], total: 2)
        // when
        var model = await RequestOrigin.asSystem { IncidentsPage.model(page, query: IncidentQuery(open: nil), offset: 0, words) }
        model = IncidentsPage.Model(incidents: model.incidents, total: model.total, filters: model.filters, severities: model.severities, item: model.item,
                                    mayRecord: model.mayRecord, now: "2027-03-05T10:00", errors: model.errors, imported: model.imported, refused: model.refused,
                                    previous: model.previous, next: model.next, csvExample: model.csvExample)
        let html = renderer.html("incidents", shell: PageFixtures.shell(words, title: words.text("incidents_title")), language: language, model: model)
        // then
        check(html, page: "incidents", language)
    }
}
