import BasculeCore
import BasculeStore
import Foundation

/// The demo's change advisory board: a weekly series on Tuesdays at 14:00, last week's meeting
/// held and closed (agenda, the approver's decisions, minutes, actions, one of them overdue), and
/// the releases of the coming days awaiting approval, which fill the next meeting's agenda.
enum DemoMeetings {
    static func seed(_ services: BasculeServices, now: Date, calendar: Calendar, decidedInCAB: [String]) async throws {
        let (series, _) = try await services.meetingSeries.create(.init(
            name: "CAB", kind: .cab, weekday: "tue", time: "14:00", durationMinutes: 60, place: "https://meet.example.com/cab",
            attendees: ["approver", "manager", "demo-admin"]))
        let past = try await lastWeeksMeeting(of: series, services, now: now, calendar: calendar)
        guard let manager = try await services.store.withConnection({ try await UserRepository($0).named("manager") }) else { return }
        // The release manager runs the meeting, as they would have.
        try await RequestOrigin.$current.withValue(RequestOrigin(principal: .user(Identity(userID: manager.id, username: manager.username, roles: manager.roles)))) {
            try await hold(past, decidedInCAB: decidedInCAB, services, now: now)
        }
        try await awaitingTheBoard(services, now: now)
    }

    private static func hold(_ past: Meeting, decidedInCAB: [String], _ services: BasculeServices, now: Date) async throws {
        let key = past.key.description
        for release in decidedInCAB {
            _ = try await services.meetings.addToAgenda(key, release: release, minutes: 10, note: "")
        }
        if let approver = try await services.store.withConnection({ try await UserRepository($0).named("approver") }) {
            let origin = RequestOrigin(principal: .user(Identity(userID: approver.id, username: approver.username, roles: approver.roles)))
            try await RequestOrigin.$current.withValue(origin) {
                for release in decidedInCAB {
                    _ = try await services.meetings.decide(key, release: release, decision: .approve, comment: "Rollback plan reviewed.", conditions: "")
                }
            }
        }
        _ = try await services.meetings.setMinutes(key, minutes: """
            ## Attendees
            approver, manager, demo-admin.

            ## Discussed
            - The payroll bonus release is planned on a Friday afternoon: approved on its merits, but the window must move before it can go ahead.
            - The shop catalogue falls in the quarter-end freeze: approved, to be moved after the freeze or waived by an administrator.
            - The intranet news feed passes every rule.

            ## Next time
            CRM consent management comes back once its failing regression tests are fixed.
            """)
        let done = try await services.actions.create(.init(title: "Send the payroll bonus test report to the board", owner: "manager",
                                                           dueAt: past.fields.start.addingTimeInterval(2 * 86_400), meeting: key))
        _ = try await services.actions.update(done.key.description, changes: .init(status: .done))
        _ = try await services.actions.create(.init(title: "Move the Payroll 11.2 window off Friday", owner: "manager", meeting: key))
        _ = try await services.actions.create(.init(title: "Rehearse the shop catalogue rollback in preproduction", owner: "operator",
                                                    dueAt: now.addingTimeInterval(-86_400), meeting: key))
        _ = try await services.meetings.close(key, noActionsReason: nil)
    }

    /// The occurrence of the series a week before its first one ahead, stored as it would have been.
    private static func lastWeeksMeeting(of series: MeetingSeries, _ services: BasculeServices, now: Date, calendar: Calendar) async throws -> Meeting {
        let policy = try await services.store.withConnection { try await PolicyInForce.load(in: $0) }
        let ahead = series.occurrences(in: DateInterval(start: now, duration: 8 * 86_400), clock: policy.clock)
        let start = (ahead.first ?? now).addingTimeInterval(-7 * 86_400)
        return try await services.store.transaction { db in
            let meetings = MeetingRepository(db)
            let meeting = Meeting(key: try await meetings.nextKey(), seriesID: series.id, fields: series.fields(at: start), createdBy: "manager",
                                  createdAt: start.addingTimeInterval(-7 * 86_400))
            try await meetings.insert(meeting)
            return meeting
        }
    }

    /// Asks approval for the planned releases of the next ten days that the policy wants
    /// approved and that have not asked yet: the next meeting's agenda.
    private static func awaitingTheBoard(_ services: BasculeServices, now: Date) async throws {
        let planned = try await services.store.withConnection { db in
            try await ReleaseRepository(db).sorted(ReleaseQuery(statuses: [.planned]), by: .window, descending: false, limit: 100, offset: 0).items
        }
        for release in planned {
            guard let start = release.window?.start, start > now, start < now.addingTimeInterval(10 * 86_400),
                  try await services.approvals.current(of: release.key.description) == nil else { continue }
            // The policy asks no approval of some (a patch, a test environment): they stay off the agenda.
            _ = try? await services.approvals.request(release.key.description)
        }
    }
}
