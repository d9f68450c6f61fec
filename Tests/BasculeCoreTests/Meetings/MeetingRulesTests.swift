@testable import BasculeCore
import Foundation
import Testing

@Suite("Meetings: series, agenda, closing, actions")
struct MeetingRulesTests {
    let paris = PolicyClock(timeZone: TimeZone(identifier: "Europe/Paris")!)

    func release(_ number: Int, startsIn days: Double) -> Release {
        let start = Fixtures.t0.addingTimeInterval(days * 86_400)
        return Release(key: ReleaseKey(number: number),
                       fields: ReleaseFields(title: "R\(number)", version: "1.0.0", type: .minor, window: PlannedWindow(start: start, end: start.addingTimeInterval(3600)),
                                             environment: "production"),
                       status: .planned, createdAt: Fixtures.t0)
    }

    func candidate(_ release: Release, failing: Int = 0, conflicts: Int = 0) -> CABAgenda.Candidate {
        let dossier = ReleaseDossier(release: release, plan: ReleasePlan(readiness: []), now: Fixtures.t0)
        let outcome = RuleOutcome(rule: "no-friday", kind: "allowedDays", verdict: .fail, explanation: LocalizedText(en: "Friday", fr: "vendredi"))
        let conflict = Conflict(kind: .freeze, explanation: LocalizedText(en: "freeze", fr: "gel"))
        return CABAgenda.Candidate(release: release, risk: RiskScore(dossier: dossier, policyFailures: []),
                                   failing: Array(repeating: outcome, count: failing), conflicts: Array(repeating: conflict, count: conflicts))
    }

    @Test("a weekly series stays at 14:00 local time across the autumn clock change")
    func seriesAcrossClockChange() throws {
        // given: Tuesdays at 14:00 in Paris, from mid-October 2026 (summer time ends on 25 October)
        let start = try #require(paris.instant(year: 2026, month: 10, day: 12, minutes: 0))
        let series = MeetingSeries(name: "CAB", kind: .cab, weekday: .tue, minuteOfDay: 14 * 60, durationMinutes: 60, startsAt: start,
                                   createdBy: "manager", createdAt: start)
        // when
        let starts = series.occurrences(in: DateInterval(start: start, duration: 28 * 86_400), clock: paris)
        // then
        #expect(starts.count == 4)
        #expect(starts.map { paris.stamp($0) } == ["2026-10-13 14:00", "2026-10-20 14:00", "2026-10-27 14:00", "2026-11-03 14:00"])
        #expect(starts[2].timeIntervalSince(starts[1]) == 7 * 86_400 + 3600)
    }

    @Test("a series refuses a day, a time or a duration that is not one, naming each field")
    func seriesBadInput() {
        // when
        let error = #expect(throws: CoreError.self) {
            try MeetingSeries.validated(name: "CAB", kind: .cab, weekday: "someday", time: "25:00", durationMinutes: 0, place: "", attendees: [],
                                        teams: [], startsAt: Fixtures.t0, createdBy: "m", createdAt: Fixtures.t0)
        }
        // then
        guard case .invalid(let problems) = error else { Issue.record("not invalid"); return }
        #expect(problems.map(\.field) == ["weekday", "time", "durationMinutes"])
    }

    @Test("the agenda keeps what cannot wait for the next meeting, earliest window first, and leaves out what has no window")
    func agendaOrder() {
        // given
        var undated = release(4, startsIn: 1)
        undated.fields.window = nil
        let candidates = [candidate(release(1, startsIn: 6)), candidate(release(2, startsIn: 2)), candidate(release(3, startsIn: 9)), candidate(undated)]
        // when
        let agenda = CABAgenda.build(candidates, before: Fixtures.t0.addingTimeInterval(7 * 86_400))
        // then
        #expect(agenda.map(\.candidate.release.key.number) == [2, 1])
    }

    @Test("the board decides on a round still short of its quorum, not on one that reached it")
    func awaitingTheBoard() throws {
        // given
        let release = release(1, startsIn: 2)
        let round = ApprovalRound(requestedBy: "claire", requestedAt: Fixtures.t0, requirements: [ApprovalRequirement(rule: "cab", roles: [.approver], count: 1)])
        let approved = try round.deciding(ApprovalDecision(approver: "ana", roles: [.approver], decision: .approve, comment: "", at: Fixtures.t0), changeRequesters: [:])
        // then
        #expect(CABAgenda.awaitsTheBoard(round, on: release))
        #expect(!CABAgenda.awaitsTheBoard(approved, on: release))
    }

    @Test("a release on track gets 5 minutes, 5 more when a rule fails or the calendar shows a conflict")
    func agendaMinutes() {
        // when
        let calm = CABAgenda.minutes(for: candidate(release(1, startsIn: 1)))
        let failing = CABAgenda.minutes(for: candidate(release(1, startsIn: 1), failing: 1))
        let clashing = CABAgenda.minutes(for: candidate(release(1, startsIn: 1), conflicts: 2))
        // then
        #expect([calm, failing, clashing] == [Int]([5, 10, 10]))
    }

    @Test("a meeting closes with actions, or with a statement that none was needed, and not twice")
    func closing() throws {
        // given
        let fields = MeetingFields(kind: .cab, title: "CAB", start: Fixtures.t0, end: Fixtures.t0.addingTimeInterval(3600))
        let meeting = Meeting(key: MeetingKey(number: 1), fields: fields, createdBy: "manager", createdAt: Fixtures.t0)
        // when
        let bare = #expect(throws: CoreError.self) { try meeting.closing(actions: 0, noActionsReason: "  ", by: "manager", at: Fixtures.t0) }
        let withActions = try meeting.closing(actions: 2, noActionsReason: nil, by: "manager", at: Fixtures.t0)
        let saidNone = try meeting.closing(actions: 0, noActionsReason: "Nothing came up", by: "manager", at: Fixtures.t0)
        // then
        #expect(bare?.description.contains("noActionsReason") == true)
        #expect(withActions.status == .closed)
        #expect(saidNone.noActionsReason == "Nothing came up")
        #expect(throws: CoreError.self) { try withActions.closing(actions: 2, noActionsReason: nil, by: "manager", at: Fixtures.t0) }
    }

    @Test("an attendee counts in person or through a team")
    func attendance() {
        // given
        let fields = MeetingFields(kind: .cab, title: "CAB", start: Fixtures.t0, end: Fixtures.t0.addingTimeInterval(3600), attendees: ["ana"], teams: ["dba"])
        let meeting = Meeting(key: MeetingKey(number: 1), fields: fields, createdBy: "manager", createdAt: Fixtures.t0)
        // then
        #expect(meeting.attends("Ana", teamsOf: []))
        #expect(meeting.attends("bob", teamsOf: ["dba"]))
        #expect(!meeting.attends("bob", teamsOf: ["network"]))
    }

    @Test("an action needs an owner and a due date, and is overdue only while open past it")
    func actions() throws {
        // when
        let missing = #expect(throws: CoreError.self) { try ActionItem.checked(title: "Do it", owner: " ", dueAt: nil) }
        let checked = try ActionItem.checked(title: " Do it ", owner: "Ana", dueAt: Fixtures.t0)
        let action = ActionItem(key: ActionKey(number: 1), title: checked.title, owner: checked.owner, dueAt: checked.dueAt, createdBy: "m", createdAt: Fixtures.t0)
        // then
        guard case .invalid(let problems) = missing else { Issue.record("not invalid"); return }
        #expect(problems.map(\.field) == ["owner", "dueAt"])
        #expect(checked.owner == "ana" && checked.title == "Do it")
        #expect(action.isOverdue(at: Fixtures.t0.addingTimeInterval(1)))
        #expect(!action.moved(to: .done, at: Fixtures.t0).isOverdue(at: Fixtures.t0.addingTimeInterval(1)))
    }
}
