@testable import BasculeCore
@testable import BasculeServer
@testable import BasculeStore
import Foundation
import SnapshotTesting
import Testing

/// The release page's promotion path and dependencies, and its versions tab, rendered whole in
/// both languages and compared with the HTML kept under `__Snapshots__`.
@Suite("Versions page snapshots")
struct VersionPageSnapshotTests {
    private static var record: SnapshotTestingConfiguration.Record { ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1" ? .all : .missing }

    private func check(_ html: String, page: String, _ language: Language, fileID: StaticString = #fileID, filePath: StaticString = #filePath,
                       line: UInt = #line, column: UInt = #column) {
        withSnapshotTesting(record: Self.record) {
            assertSnapshot(of: html, as: .lines, named: language.rawValue, fileID: fileID, file: filePath, testName: page, line: line, column: column)
        }
    }

    static let day: TimeInterval = 86_400
    static func page(_ release: Release, _ words: Words, promotion: PromotionPanel? = nil, dependencies: DependenciesPanel? = nil,
                     versions: VersionsTab? = nil, tab: String) -> ReleasePage.Model {
        ReleasePage.Model(
            release: ReleasePage.header(release, liveRun: nil, words), tabs: ReleasePage.tabs(release.key.description, current: tab, words),
            overview: tab == "overview", refusal: nil, history: [], canReadHistory: false, olderHistoryHref: nil, newestHistoryHref: nil,
            plan: nil, risks: nil, changes: nil, tests: nil, approvals: nil, policy: nil, impact: nil, calendar: nil, runbook: nil,
            people: nil, afterRelease: nil, meetings: nil, promotion: promotion, dependencies: dependencies, versions: versions)
    }

    @Test("the overview shows the promotion path with where the release stands, what blocks the next environment, and dependencies both ways",
          arguments: Language.allCases)
    func promotionAndDependencies(language: Language) async throws {
        // given payroll passed recette, is untested on preprod (refreshed long ago), and requires an API release planned after it
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let now = PageFixtures.now
        let release = PageFixtures.release(21, "HR payroll", status: .approved)
        let api = PageFixtures.release(22, "Payroll API", status: .planned, startInHours: 60)
        let portal = PageFixtures.release(23, "Employee portal", status: .planned, startInHours: 90)
        let environments = [Environment(name: "recette", kind: .test, order: 10, mirrors: "preproduction", refreshedAt: now.addingTimeInterval(-41 * Self.day)),
                            Environment(name: "preproduction", kind: .preproduction, order: 20, mirrors: "production", refreshedAt: now.addingTimeInterval(-9 * Self.day)),
                            Environment(name: "production", kind: .production, order: 30)]
        let deployments = [
            EnvironmentDeployment(release: release.key, environment: "recette", outcome: .failed, at: now.addingTimeInterval(-7 * Self.day), run: nil,
                                  recordedBy: "ops", note: "Schema lock on the staging database."),
            EnvironmentDeployment(release: release.key, environment: "recette", outcome: .deployed, at: now.addingTimeInterval(-6 * Self.day), run: nil, recordedBy: "ops"),
            EnvironmentDeployment(release: release.key, environment: "preproduction", outcome: .deployed, at: now.addingTimeInterval(-Self.day),
                                  run: UUID(uuidString: "0F6C2D1E-0000-4000-8000-000000000001"), recordedBy: "ops"),
        ]
        let campaigns = [TestCampaign(kind: .acceptance, environment: "recette", result: TestResult(passed: 64, failed: 0, skipped: 0), evidence: nil,
                                      source: "manual", recordedBy: "qa", recordedAt: now.addingTimeInterval(-5 * Self.day))]
        let path = PromotionPath(target: "production", environments: environments, deployments: deployments, campaigns: campaigns)
        let dependencies = DependencyService.View(
            release: release, requires: [ReleaseDependency(release: release.key, on: api.key, kind: .requires)],
            requiredBy: [ReleaseDependency(release: portal.key, on: release.key, kind: .with)],
            others: [release.key: release, api.key: api, portal.key: portal],
            problems: [DependencyRules.OrderProblem(dependency: ReleaseDependency(release: release.key, on: api.key, kind: .requires), reason: .plannedBefore)])
        // when
        let model = await RequestOrigin.asSystem {
            Self.page(release, words,
                      promotion: PromotionPanel.model(PromotionService.View(release: release, path: path, rule: PromotionRule(id: "in-turn")), now: now, words),
                      dependencies: DependenciesPanel.model(dependencies, words), tab: "overview")
        }
        let html = renderer.html("release", shell: PageFixtures.shell(words, title: "REL-21"), language: language, model: model)
        // then
        check(html, page: "release-promotion", language)
    }

    @Test("the versions tab puts the commits to sort first, says the version they call for, and shows the notes draft", arguments: Language.allCases)
    func versionsTab(language: Language) async throws {
        // given three commits, one unclassified; the previous release was 2.20.0 and this one says 2.21.0 for a breaking change
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let release = PageFixtures.release(21, "Billing", status: .planned)
        let previous = PageFixtures.release(20, "Billing", status: .deployed)
        let messages = ["feat(export)!: invoices as CSV\n\nBREAKING CHANGE: the PDF export is gone\n\nRefs: CHG-3", "fix: round the totals", "Fix typo in the footer"]
        let stored = messages.enumerated().map { index, message in
            StoredCommit(commit: ReleaseCommit(hash: String(repeating: "abcdef"[String.Index(utf16Offset: index, in: "abcdef")], count: 40), author: "Ana",
                                               email: "ana@example.com", authoredAt: PageFixtures.now.addingTimeInterval(Double(index) * 3600), message: message),
                         position: index + 1, replacedBytes: false, sortedBy: nil)
        }
        let kinds = ReleaseNotesDraft.kinds(of: stored.map(\.commit))
        let draft = ReleaseNotesDraft(commits: stored.map(\.commit), changes: [])
        let notes = VersionService.Notes(release: release, draft: draft,
                                         suggestion: VersionSuggestion(kinds: kinds, previous: SemanticVersion(previous.fields.version), actual: release.fields.version),
                                         previous: previous, commits: stored.count)
        let markdown = draft.markdown(.technical, headings: ReleaseNotesDraft.Headings(notes, words))
        // when
        let model = await RequestOrigin.asSystem {
            Self.page(release, words, versions: VersionsTab.model(
                notes: notes, page: (total: 3, commits: stored, kinds: kinds), unclassified: [stored[2]], offset: 0, audience: .technical,
                language: language, markdown: markdown, errors: [], words), tab: "versions")
        }
        let html = renderer.html("release", shell: PageFixtures.shell(words, title: "REL-21"), language: language, model: model)
        // then
        check(html, page: "release-versions", language)
    }

    @Test("the environments page lists them in promotion order with what each mirrors and how fresh, and the forms that manage them",
          arguments: Language.allCases)
    func environments(language: Language) async throws {
        // given recette refreshed long ago, preproduction lately, production mirroring nothing
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let now = PageFixtures.now
        let environments = [Environment(name: "recette", kind: .test, order: 10, mirrors: "preproduction", refreshedAt: now.addingTimeInterval(-41 * Self.day)),
                            Environment(name: "preproduction", kind: .preproduction, order: 20, mirrors: "production", refreshedAt: now.addingTimeInterval(-9 * Self.day)),
                            Environment(name: "production", kind: .production, order: 30)]
        // when
        let model = await RequestOrigin.asSystem {
            EnvironmentsPage.model(environments, now: now, errors: [FieldError("mirrors", "would make a loop of mirrors: production → preproduction → production")], words)
        }
        let html = renderer.html("environments", shell: PageFixtures.shell(words, title: words.text("environments_title")), language: language, model: model)
        // then
        check(html, page: "environments", language)
    }
}
