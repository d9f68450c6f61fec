@testable import BasculeCore
@testable import BasculeServer
import BasculeStore
import Foundation
import SnapshotTesting
import Testing

/// A CAB meeting with its agenda, the meetings list and the action items, whole, in both languages.
@Suite("Meeting page snapshots")
struct MeetingPageSnapshotTests {
    private static var record: SnapshotTestingConfiguration.Record { ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1" ? .all : .missing }

    private func check(_ html: String, page: String, _ language: Language, fileID: StaticString = #fileID, filePath: StaticString = #filePath,
                       line: UInt = #line, column: UInt = #column) {
        withSnapshotTesting(record: Self.record) {
            assertSnapshot(of: html, as: .lines, named: language.rawValue, fileID: fileID, file: filePath, testName: page, line: line, column: column)
        }
    }

    static let seriesID = UUID(uuidString: "00000000-0000-4000-8000-00000000cab1")!

    static func cab(status: MeetingStatus = .open) -> Meeting {
        let start = PageFixtures.now.addingTimeInterval(3 * 3600)
        let fields = MeetingFields(kind: .cab, title: "CAB", start: start, end: start.addingTimeInterval(3600), place: "https://meet.example.com/cab",
                                   attendees: ["approver", "claire"], teams: ["dba"])
        return Meeting(id: UUID(uuidString: "00000000-0000-4000-8000-000000000003")!, key: MeetingKey(number: 3), seriesID: seriesID, fields: fields,
                       agenda: [AgendaItem(release: ReleaseKey(number: 8), minutes: 10, note: "Asked by the payroll team")],
                       minutes: "## Discussed\n- Payroll 4.8 moves after the freeze.",
                       decisions: [MeetingDecision(release: ReleaseKey(number: 8), approver: "approver", decision: .approveWithConditions, comment: "After the freeze",
                                                   conditions: "Backup checked", at: PageFixtures.now)],
                       status: status, createdBy: "claire", createdAt: PageFixtures.now.addingTimeInterval(-86_400))
    }

    static func detail() -> MeetingService.Detail {
        let meeting = cab()
        let proposed = PageFixtures.release(9, "HR portal", status: .planned, startInHours: 50)
        let dossier = ReleaseDossier(release: proposed, plan: ReleasePlan(readiness: []), now: PageFixtures.now)
        let failing = RuleOutcome(rule: "no-friday", kind: "allowedDays", verdict: .fail,
                                  explanation: LocalizedText(en: "Friday is not allowed", fr: "le vendredi n'est pas permis"))
        let conflict = Conflict(kind: .teamBooked, other: ReleaseKey(number: 5), otherTitle: "HR payroll",
                                explanation: LocalizedText(en: "the team hr-apps is booked on REL-5", fr: "l'équipe hr-apps est déjà prise par REL-5"))
        let change = Change(key: ChangeKey(number: 10), releaseKey: proposed.key, fields: ChangeFields(title: "Self-service payslips", risk: .high),
                            requestedBy: "claire", createdAt: PageFixtures.now)
        let round = ApprovalRound(id: UUID(uuidString: "00000000-0000-4000-8000-0000000000a1")!, requestedBy: "claire", requestedAt: PageFixtures.now,
                                  requirements: [ApprovalRequirement(rule: "cab", roles: [.approver], count: 2)])
        let agenda = [
            AgendaLine(item: meeting.agenda[0], release: PageFixtures.release(8, "Payroll", status: .planned), proposed: false,
                       assessment: CABAgenda.Candidate(release: PageFixtures.release(8, "Payroll", status: .planned),
                                                       risk: RiskScore(dossier: ReleaseDossier(release: PageFixtures.release(8, "Payroll", status: .planned),
                                                                                               plan: ReleasePlan(readiness: []), now: PageFixtures.now), policyFailures: []),
                                                       failing: [], conflicts: []),
                       round: round),
            AgendaLine(item: AgendaItem(release: proposed.key, minutes: 20), release: proposed, proposed: true,
                       assessment: CABAgenda.Candidate(release: proposed, risk: RiskScore(dossier: dossier, policyFailures: [failing]), failing: [failing],
                                                       conflicts: [conflict], proposedChanges: [change]),
                       round: round),
        ]
        let action = ActionItem(key: ActionKey(number: 4), title: "Check the backup", owner: "olivier", dueAt: PageFixtures.now.addingTimeInterval(-3600),
                                meeting: meeting.key, createdBy: "claire", createdAt: PageFixtures.now.addingTimeInterval(-86_400))
        let series = MeetingSeries(id: seriesID, name: "CAB", kind: .cab, weekday: .tue, minuteOfDay: 14 * 60, durationMinutes: 60, startsAt: PageFixtures.now,
                                   createdBy: "claire", createdAt: PageFixtures.now)
        var next = cab()
        next = Meeting(id: UUID(), key: MeetingKey(number: 4), seriesID: seriesID, fields: MeetingFields(kind: .cab, title: "CAB",
                       start: meeting.fields.start.addingTimeInterval(7 * 86_400), end: meeting.fields.end.addingTimeInterval(7 * 86_400)),
                       createdBy: "claire", createdAt: PageFixtures.now)
        return MeetingService.Detail(meeting: meeting, agenda: agenda, actions: [action], series: series, next: next, mayDecide: true)
    }

    @Test("a CAB shows each agenda line with its risk, failing rules, conflicts and changes, the decision forms, the minutes and an overdue action", arguments: Language.allCases)
    func meeting(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        // when
        let model = await RequestOrigin.asSystem { MeetingPage.model(Self.detail(), people: ["approver", "claire", "olivier"], now: PageFixtures.now, words) }
        let html = renderer.html("meeting", shell: PageFixtures.shell(words, title: "MTG-3 — CAB"), language: language, model: model)
        // then
        check(html, page: "meeting", language)
    }

    @Test("the meetings list shows those coming, those past, the weekly series and the forms to plan", arguments: Language.allCases)
    func meetings(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let past = Meeting(key: MeetingKey(number: 2), seriesID: Self.seriesID,
                           fields: MeetingFields(kind: .cab, title: "CAB", start: PageFixtures.now.addingTimeInterval(-7 * 86_400),
                                                 end: PageFixtures.now.addingTimeInterval(-7 * 86_400 + 3600)),
                           agenda: [AgendaItem(release: ReleaseKey(number: 7), minutes: 10)], status: .closed, createdBy: "claire", createdAt: PageFixtures.now)
        let series = MeetingSeries(id: Self.seriesID, name: "CAB", kind: .cab, weekday: .tue, minuteOfDay: 14 * 60, durationMinutes: 60,
                                   attendees: ["approver", "claire"], startsAt: PageFixtures.now, createdBy: "claire", createdAt: PageFixtures.now)
        // when
        let model = await RequestOrigin.asSystem { MeetingsPage.model([past, Self.cab()], series: [series], kind: nil, mine: false, now: PageFixtures.now, words) }
        let html = renderer.html("meetings", shell: PageFixtures.shell(words, title: words.text("meetings_title")), language: language, model: model)
        // then
        check(html, page: "meetings", language)
    }

    @Test("the action items list marks the overdue ones and links each to its meeting or release", arguments: Language.allCases)
    func actions(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let actions = [
            ActionItem(key: ActionKey(number: 4), title: "Check the backup", owner: "olivier", dueAt: PageFixtures.now.addingTimeInterval(-3600),
                       meeting: MeetingKey(number: 3), createdBy: "claire", createdAt: PageFixtures.now),
            ActionItem(key: ActionKey(number: 5), title: "Update the user manual", owner: "claire", dueAt: PageFixtures.now.addingTimeInterval(86_400), status: .done,
                       release: ReleaseKey(number: 8), createdBy: "claire", createdAt: PageFixtures.now, closedAt: PageFixtures.now),
        ]
        // when
        let model = await RequestOrigin.asSystem { ActionsPage.model(actions, view: .all, now: PageFixtures.now, words) }
        let html = renderer.html("actions", shell: PageFixtures.shell(words, title: words.text("actions_title")), language: language, model: model)
        // then
        check(html, page: "actions", language)
    }

    static func reviewDetail(status: Review.Status) -> ReviewService.Detail {
        let release = PageFixtures.release(5, "Billing", status: .deployed, startInHours: -30)
        let start = release.window!.start
        let facts = ReviewFacts(
            planned: .init(start: start, end: release.window!.end), live: .init(start: start.addingTimeInterval(600), end: start.addingTimeInterval(5 * 3600)),
            rehearsals: [.init(start: start.addingTimeInterval(-7 * 86_400), end: start.addingTimeInterval(-7 * 86_400 + 3 * 3600))],
            plannedDowntime: 1800, actualDowntime: 2700,
            deviations: [.init(step: "M04", title: "Migrate ledger", planned: 3600, actual: 6000)],
            rollbacks: [.init(kind: .rehearsal, number: 1)],
            overrides: [.init(target: "ready", rules: ["lead-time"], reason: "Regulatory deadline", actor: "claire", at: start.addingTimeInterval(-86_400))],
            incidents: [.init(reference: "INC0041001", title: "Invoices late", severity: 2, confirmed: true)])
        var review = Review(release: release.key, outcome: .deployed, openedAt: start.addingTimeInterval(5 * 3600),
                            objectives: [.init(statement: "Invoices on time", successCriterion: "All sent by 06:00", assessment: .partly, evidence: "Sent at 07:10")],
                            lessons: "- Rehearse on production volumes.", documentation: [.init(title: "User manual", done: true)], closure: .successfulWithIssues)
        if status == .published { review = try! review.publishing(facts: facts, by: "claire", at: PageFixtures.now) }
        let feedback = [ReviewFeedback(author: nil, name: "Accounts", rating: 3, comment: "Late invoices", at: PageFixtures.now)]
        let action = ActionItem(key: ActionKey(number: 6), title: "Load test the batch", owner: "olivier", dueAt: PageFixtures.now.addingTimeInterval(86_400),
                                review: release.key, createdBy: "claire", createdAt: PageFixtures.now)
        return ReviewService.Detail(release: release, review: review, facts: facts, feedback: feedback, actions: [action])
    }

    @Test("a draft review shows the facts of the cutover against its plan and the form to assess, write and publish", arguments: Language.allCases)
    func draftReview(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        // when
        let model = await RequestOrigin.asSystem { ReviewPage.model(Self.reviewDetail(status: .draft), now: PageFixtures.now, words) }
        let html = renderer.html("review", shell: PageFixtures.shell(words, title: "REL-5"), language: language, model: model)
        // then
        check(html, page: "review-draft", language)
    }

    @Test("a published review reads without forms", arguments: Language.allCases)
    func publishedReview(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        // when
        let model = await RequestOrigin.asSystem { ReviewPage.model(Self.reviewDetail(status: .published), now: PageFixtures.now, words) }
        let html = renderer.html("review", shell: PageFixtures.shell(words, title: "REL-5"), language: language, model: model)
        // then
        check(html, page: "review-published", language)
    }

    @Test("the feedback page an end user reaches through the link asks for a rating and a comment", arguments: Language.allCases)
    func feedbackPage(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        // when
        let model = FeedbackPage.model(PageFixtures.release(5, "Billing", status: .deployed), token: "fbk_token", words)
        let html = renderer.html("feedback", shell: PageFixtures.shell(words, title: "Billing"), language: language, model: model)
        // then
        check(html, page: "feedback", language)
    }
}
