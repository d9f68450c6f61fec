import BasculeAPI
import BasculeCore
import Foundation

extension Components.Schemas.MeetingSummary {
    init(_ meeting: Meeting) {
        let f = meeting.fields
        self.init(key: meeting.key.description, kind: mapped(f.kind, or: .planning), title: f.title, start: f.start, end: f.end, place: f.place,
                  attendees: f.attendees, teams: f.teams, status: mapped(meeting.status, or: .open), series: meeting.seriesID?.uuidString.lowercased(),
                  agenda: meeting.agenda.count, revision: meeting.revision)
    }
}

extension Components.Schemas.MeetingDetail {
    init(_ detail: MeetingService.Detail) {
        let meeting = detail.meeting
        self.init(meeting: .init(meeting), minutes: meeting.minutes, noActionsReason: meeting.noActionsReason, closedAt: meeting.closedAt,
                  closedBy: meeting.closedBy, agenda: detail.agenda.map(Components.Schemas.AgendaLine.init),
                  decisions: meeting.decisions.map(Components.Schemas.MeetingDecision.init), actions: detail.actions.map { .init($0, at: Date()) },
                  nextMeeting: detail.next?.key.description, nextStart: detail.next?.fields.start, mayDecide: detail.mayDecide)
    }
}

extension Components.Schemas.AgendaLine {
    init(_ line: AgendaLine) {
        let release = line.release
        let assessment = line.assessment
        self.init(release: release.key.description, title: release.fields.title, version: release.fields.version, status: .init(release.status),
                  plannedStart: release.window?.start, plannedEnd: release.window?.end, minutes: line.item.minutes, note: line.item.note,
                  proposed: line.proposed, riskScore: assessment?.risk.score, riskStatus: assessment.map { mapped($0.risk.status, or: .onTrack) },
                  failing: (assessment?.failing ?? []).map {
                      .init(rule: $0.rule, kind: $0.kind, verdict: mapped($0.verdict, or: .notApplicable), explanation: .init($0.explanation))
                  },
                  conflicts: (assessment?.conflicts ?? []).map(Components.Schemas.Conflict.init),
                  proposedChanges: (assessment?.proposedChanges ?? []).map { .init(key: $0.key.description, title: $0.fields.title, risk: $0.fields.risk.rawValue) },
                  round: line.round.map(Components.Schemas.ApprovalRound.init))
    }
}

extension Components.Schemas.MeetingDecision {
    init(_ decision: BasculeCore.MeetingDecision) {
        self.init(release: decision.release.description, approver: decision.approver, decision: mapped(decision.decision, or: .approve),
                  comment: decision.comment, conditions: decision.conditions, at: decision.at)
    }
}

extension Components.Schemas.MeetingSeriesView {
    init(_ series: MeetingSeries) {
        self.init(id: series.id.uuidString.lowercased(), name: series.name, kind: mapped(series.kind, or: .cab), weekday: series.weekday.rawValue,
                  time: series.time, durationMinutes: series.durationMinutes, place: series.place, attendees: series.attendees, teams: series.teams,
                  startsAt: series.startsAt, createdBy: series.createdBy, endedAt: series.endedAt)
    }
}

extension Components.Schemas.ActionView {
    init(_ action: ActionItem, at now: Date) {
        self.init(key: action.key.description, title: action.title, owner: action.owner, dueAt: action.dueAt, status: mapped(action.status, or: .open),
                  overdue: action.isOverdue(at: now), meeting: action.meeting?.description, release: action.release?.description,
                  review: action.review?.description, createdBy: action.createdBy, createdAt: action.createdAt, closedAt: action.closedAt,
                  revision: action.revision)
    }
}
