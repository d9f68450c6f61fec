import BasculeAPI
import BasculeCore
import Foundation
import OpenAPIRuntime

extension APIHandler {
    func listMeetings(_ input: Operations.ListMeetings.Input) async throws -> Operations.ListMeetings.Output {
        let query = input.query
        var period: DateInterval?
        if query.from != nil || query.to != nil {
            let from = query.from ?? Date().addingTimeInterval(-28 * 86_400), to = query.to ?? from.addingTimeInterval(MeetingSeries.horizon)
            guard to > from, to.timeIntervalSince(from) <= 400 * 86_400 else {
                throw ServiceError.invalid([FieldError("to", "must be after from, at most 400 days later")])
            }
            period = DateInterval(start: from, end: to)
        }
        let meetings = try await meetings.list(period: period, kind: query.kind.flatMap { MeetingKind(rawValue: $0.rawValue) }, mine: query.mine ?? false,
                                               release: query.release)
        return .ok(.init(body: .json(meetings.map(Components.Schemas.MeetingSummary.init))))
    }

    func createMeeting(_ input: Operations.CreateMeeting.Input) async throws -> Operations.CreateMeeting.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let created = try await meetings.create(Self.fields(body))
        return .created(.init(body: .json(.init(try await meetings.get(created.key.description)))))
    }

    func getMeeting(_ input: Operations.GetMeeting.Input) async throws -> Operations.GetMeeting.Output {
        .ok(.init(body: .json(.init(try await meetings.get(input.path.key)))))
    }

    func updateMeeting(_ input: Operations.UpdateMeeting.Input) async throws -> Operations.UpdateMeeting.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let updated = try await meetings.update(input.path.key, fields: Self.fields(body))
        return .ok(.init(body: .json(.init(try await meetings.get(updated.key.description)))))
    }

    func setMeetingMinutes(_ input: Operations.SetMeetingMinutes.Input) async throws -> Operations.SetMeetingMinutes.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let updated = try await meetings.setMinutes(input.path.key, minutes: body.minutes)
        return .ok(.init(body: .json(.init(try await meetings.get(updated.key.description)))))
    }

    func addAgendaItem(_ input: Operations.AddAgendaItem.Input) async throws -> Operations.AddAgendaItem.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let updated = try await meetings.addToAgenda(input.path.key, release: body.release, minutes: body.minutes, note: body.note ?? "")
        return .created(.init(body: .json(.init(try await meetings.get(updated.key.description)))))
    }

    func removeAgendaItem(_ input: Operations.RemoveAgendaItem.Input) async throws -> Operations.RemoveAgendaItem.Output {
        let updated = try await meetings.removeFromAgenda(input.path.key, release: input.path.release)
        return .ok(.init(body: .json(.init(try await meetings.get(updated.key.description)))))
    }

    func decideInMeeting(_ input: Operations.DecideInMeeting.Input) async throws -> Operations.DecideInMeeting.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let decided = try await meetings.decide(input.path.key, release: body.release, decision: mapped(body.decision, or: .approve),
                                                comment: body.comment ?? "", conditions: body.conditions ?? "")
        return .created(.init(body: .json(.init(try await meetings.get(decided.meeting.key.description)))))
    }

    func closeMeeting(_ input: Operations.CloseMeeting.Input) async throws -> Operations.CloseMeeting.Output {
        var reason: String?
        if case .json(let body) = input.body { reason = body.noActionsReason }
        let closed = try await meetings.close(input.path.key, noActionsReason: reason)
        return .ok(.init(body: .json(.init(try await meetings.get(closed.key.description)))))
    }

    func cancelMeeting(_ input: Operations.CancelMeeting.Input) async throws -> Operations.CancelMeeting.Output {
        let cancelled = try await meetings.cancel(input.path.key)
        return .ok(.init(body: .json(.init(try await meetings.get(cancelled.key.description)))))
    }

    func listMeetingSeries(_ input: Operations.ListMeetingSeries.Input) async throws -> Operations.ListMeetingSeries.Output {
        .ok(.init(body: .json(try await meetingSeries.list().map(Components.Schemas.MeetingSeriesView.init))))
    }

    func createMeetingSeries(_ input: Operations.CreateMeetingSeries.Input) async throws -> Operations.CreateMeetingSeries.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let created = try await meetingSeries.create(.init(
            name: body.name, kind: body.kind.flatMap { MeetingKind(rawValue: $0.rawValue) } ?? .cab, weekday: body.weekday, time: body.time,
            durationMinutes: body.durationMinutes, place: body.place ?? "", attendees: body.attendees ?? [], teams: body.teams ?? [], startsAt: body.startsAt))
        return .created(.init(body: .json(.init(series: .init(created.series), meetings: created.meetings.map(Components.Schemas.MeetingSummary.init)))))
    }

    func endMeetingSeries(_ input: Operations.EndMeetingSeries.Input) async throws -> Operations.EndMeetingSeries.Output {
        .ok(.init(body: .json(.init(try await meetingSeries.end(input.path.id)))))
    }

    func listActions(_ input: Operations.ListActions.Input) async throws -> Operations.ListActions.Output {
        let query = input.query
        let filter = ActionService.Filter(mine: query.mine ?? false, owner: query.owner, status: query.status.flatMap { ActionStatus(rawValue: $0.rawValue) },
                                          overdue: query.overdue ?? false, meeting: query.meeting, release: query.release)
        let now = Date()
        return .ok(.init(body: .json(try await actions.list(filter).map { .init($0, at: now) })))
    }

    func createAction(_ input: Operations.CreateAction.Input) async throws -> Operations.CreateAction.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let action = try await actions.create(.init(title: body.title, owner: body.owner, dueAt: body.dueAt, meeting: body.meeting, release: body.release,
                                                    review: body.review))
        return .created(.init(body: .json(.init(action, at: Date()))))
    }

    func getAction(_ input: Operations.GetAction.Input) async throws -> Operations.GetAction.Output {
        .ok(.init(body: .json(.init(try await actions.get(input.path.key), at: Date()))))
    }

    func updateAction(_ input: Operations.UpdateAction.Input) async throws -> Operations.UpdateAction.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let action = try await actions.update(input.path.key, changes: .init(title: body.title, owner: body.owner, dueAt: body.dueAt,
                                                                              status: body.status.flatMap { ActionStatus(rawValue: $0.rawValue) }))
        return .ok(.init(body: .json(.init(action, at: Date()))))
    }

    func listReleaseActions(_ input: Operations.ListReleaseActions.Input) async throws -> Operations.ListReleaseActions.Output {
        _ = try await releases.get(input.path.key)
        let now = Date()
        return .ok(.init(body: .json(try await actions.list(.init(release: input.path.key)).map { .init($0, at: now) })))
    }

    static func fields(_ body: Components.Schemas.MeetingInput) -> MeetingFields {
        MeetingFields(kind: MeetingKind(rawValue: body.kind.rawValue) ?? .planning, title: body.title, start: body.start, end: body.end,
                      place: body.place ?? "", attendees: body.attendees ?? [], teams: body.teams ?? [])
    }
}
