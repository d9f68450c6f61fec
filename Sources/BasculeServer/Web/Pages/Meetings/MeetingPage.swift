import BasculeCore
import Foundation

/// One meeting: what, when and who; the agenda with what the board weighs for each release
/// and the decision forms of attending approvers; the minutes; the actions; closing it.
enum MeetingPage {
    struct AgendaRow: Sendable {
        let position: String
        let release: ReleaseLine
        let minutes: String
        let note: String?
        let proposed: Bool
        let risk: String?
        let riskClass: String
        let failing: [String]
        let conflicts: [String]
        let changes: [String]
        let approvals: String
        let decided: [String]
        let removable: Bool
    }

    struct ActionRow: Sendable {
        let key: String
        let title: String
        let owner: String
        let due: String
        let status: String
        let overdue: Bool
        let open: Bool
        let mayClose: Bool
    }

    struct Model: Sendable {
        let key: String
        let action: String
        let title: String
        let kind: String
        let status: String
        let when: String
        let place: String?
        let placeIsLink: Bool
        let attendees: String
        let series: String?
        let next: ReleaseLinkText?
        let agenda: [AgendaRow]
        let agendaTime: String
        let agendaHint: String?
        let decisions: [String]
        let minutesHTML: String?
        let minutes: String
        let actions: [ActionRow]
        let noActionsReason: String?
        let closedBy: String?
        let mayManage: Bool
        let mayHandOut: Bool
        let mayDecide: Bool
        let mayCancel: Bool
        let decisionKinds: [Choice]
        let people: [String]
        let due: String
        let errors: [String]
        /// What the form to change the meeting shows.
        let edit: Edit
    }

    struct Edit: Sendable {
        let kinds: [Choice]
        let title: String
        let start: String
        let end: String
        let place: String
        let attendees: String
        let teams: String
        let revision: Int
    }

    struct ReleaseLinkText: Sendable {
        let href: String
        let label: String
    }

    static func model(_ detail: MeetingService.Detail, people: [String], now: Date, errors: [FieldError] = [], _ words: Words) -> Model {
        let meeting = detail.meeting
        let origin = RequestOrigin.current
        let total = detail.agenda.reduce(0) { $0 + $1.item.minutes }
        let length = Int(meeting.fields.end.timeIntervalSince(meeting.fields.start) / 60)
        let me: String? = { if case .user(let identity) = origin.principal { return identity.username } else { return nil } }()
        return Model(
            key: meeting.key.description, action: "/meetings/\(meeting.key)", title: meeting.fields.title, kind: words.label(meeting.fields.kind),
            status: words.label(meeting.status),
            when: words.window(meeting.fields.start, meeting.fields.end), place: meeting.fields.place.isEmpty ? nil : meeting.fields.place,
            placeIsLink: meeting.fields.place.hasPrefix("https://") || meeting.fields.place.hasPrefix("http://"),
            attendees: (meeting.fields.attendees + meeting.fields.teams.map { words.text("meeting_team", ["name": $0]) }).joined(separator: ", "),
            series: detail.series.map { series in
                words.text("meeting_of_series", ["name": series.name,
                                                 "every": words.text("meetings_every", ["day": series.weekday.name.text(for: words.language.rawValue), "time": series.time])])
            },
            next: detail.next.map { ReleaseLinkText(href: "/meetings/\($0.key)", label: words.text("meeting_next", ["when": words.date($0.fields.start)])) },
            agenda: detail.agenda.enumerated().map { index, line in row(line, position: index + 1, meeting: meeting, words) },
            agendaTime: words.text("meeting_agenda_time", ["planned": words.duration(TimeInterval(total * 60)), "length": words.duration(TimeInterval(length * 60))]),
            agendaHint: meeting.fields.kind == .cab && meeting.isOpen ? words.text("meeting_agenda_hint") : nil,
            decisions: meeting.decisions.map { decision in
                var text = words.text("meeting_decision_line", ["release": decision.release.description, "decision": words.text("meeting_decided_\(decision.decision.rawValue)"),
                                                                "who": decision.approver, "at": words.date(decision.at)])
                if !decision.comment.isEmpty { text += " — " + decision.comment }
                if !decision.conditions.isEmpty { text += " (" + words.text("meeting_conditions", ["conditions": decision.conditions]) + ")" }
                return text
            },
            minutesHTML: meeting.minutes.isEmpty ? nil : MarkdownRenderer.html(meeting.minutes), minutes: meeting.minutes,
            actions: detail.actions.map { action in
                ActionRow(key: action.key.description, title: action.title, owner: action.owner, due: words.date(action.dueAt),
                          status: words.label(action.status), overdue: action.isOverdue(at: now), open: action.status == .open,
                          mayClose: origin.may(.actionManage) || action.owner == me)
            },
            noActionsReason: meeting.noActionsReason, closedBy: meeting.closedBy.map { by in
                words.text("meeting_closed_by", ["who": by, "at": meeting.closedAt.map(words.date) ?? ""])
            },
            mayManage: meeting.isOpen && origin.may(.meetingManage), mayHandOut: meeting.status != .cancelled && origin.may(.actionManage),
            mayDecide: detail.mayDecide, mayCancel: meeting.isOpen && meeting.decisions.isEmpty && origin.may(.meetingManage),
            decisionKinds: ApprovalDecisionKind.allCases.map { Choice(value: $0.rawValue, label: words.label($0), selected: $0 == .approve) },
            people: people, due: words.formatting.inputValue(detail.next?.fields.start ?? meeting.fields.start.addingTimeInterval(7 * 86_400)),
            errors: errors.map(words.error),
            edit: Edit(kinds: MeetingKind.allCases.map { Choice(value: $0.rawValue, label: words.label($0), selected: $0 == meeting.fields.kind) },
                       title: meeting.fields.title, start: words.formatting.inputValue(meeting.fields.start), end: words.formatting.inputValue(meeting.fields.end),
                       place: meeting.fields.place, attendees: meeting.fields.attendees.joined(separator: ", "), teams: meeting.fields.teams.joined(separator: ", "),
                       revision: meeting.revision))
    }

    static func row(_ line: AgendaLine, position: Int, meeting: Meeting, _ words: Words) -> AgendaRow {
        let assessment = line.assessment
        let round = line.round
        let approvals: String
        if let round, round.status == .open {
            let needed = round.requirements.reduce(0) { $0 + $1.count }
            let given = Set(round.requirements.flatMap { round.approvers(for: $0) }).count
            approvals = round.isApproved ? words.text("meeting_round_approved")
                : !round.rejections.isEmpty ? words.text("meeting_round_rejected", ["who": round.rejections.map(\.approver).joined(separator: ", ")])
                : words.text("meeting_round_progress", ["given": words.number(given), "needed": words.number(needed)])
        } else {
            approvals = words.text("meeting_round_none")
        }
        return AgendaRow(
            position: words.number(position), release: ReleaseLine(line.release, words), minutes: words.duration(TimeInterval(line.item.minutes * 60)),
            note: line.item.note.isEmpty ? nil : line.item.note, proposed: line.proposed,
            risk: assessment.map { words.text("meeting_risk", ["score": words.number($0.risk.score), "status": words.label($0.risk.status)]) },
            riskClass: assessment?.risk.status.rawValue ?? "",
            failing: assessment?.failing.map { "\($0.rule): " + $0.explanation.text(for: words.language.rawValue) } ?? [],
            // A failing conflicts rule already names them.
            conflicts: assessment.map { assessed in
                assessed.failing.contains { $0.kind == "conflicts" } ? [] : assessed.conflicts.map { $0.explanation.text(for: words.language.rawValue) }
            } ?? [],
            changes: assessment?.proposedChanges.map { "\($0.key) \($0.fields.title) (\(words.label($0.fields.risk)))" } ?? [],
            approvals: approvals,
            decided: meeting.decisions.filter { $0.release == line.item.release }.map {
                words.text("meeting_decided_by", ["who": $0.approver, "decision": words.text("meeting_decided_\($0.decision.rawValue)")])
            },
            removable: meeting.isOpen && !line.proposed && !meeting.decisions.contains { $0.release == line.item.release })
    }
}
