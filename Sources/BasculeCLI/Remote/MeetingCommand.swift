import ArgumentParser
import BasculeAPI
import Foundation
import OpenAPIRuntime

struct MeetingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "meeting", abstract: "Meetings: the CAB's agenda, decisions, minutes and actions.",
                                                    subcommands: [List.self, Show.self, Decide.self, Close.self, Series.self])

    static func print(_ detail: Components.Schemas.MeetingDetail) {
        let iso = ISO8601DateFormatter()
        let meeting = detail.meeting
        Swift.print("\(meeting.key)  \(meeting.kind.rawValue)  \(meeting.title)  \(iso.string(from: meeting.start)) → \(iso.string(from: meeting.end))  \(meeting.status.rawValue)")
        if !meeting.place.isEmpty { Swift.print("place: \(meeting.place)") }
        Swift.print("attendees: \((meeting.attendees + meeting.teams.map { "team " + $0 }).joined(separator: ", "))")
        if detail.agenda.isEmpty { Swift.print("agenda: empty") } else {
            Swift.print(TextTable.render(["RELEASE", "WINDOW", "RISK", "FAILING", "CONFLICTS", "APPROVED", "MIN", "TITLE"], detail.agenda.map { line in
                [line.release, line.plannedStart.map(iso.string) ?? "-", line.riskScore.map { "\($0) \(line.riskStatus?.rawValue ?? "")" } ?? "-",
                 line.failing.map(\.rule).joined(separator: ","), "\(line.conflicts.count)", line.round.map { $0.approved ? "yes" : "no" } ?? "-",
                 "\(line.minutes)", line.title + (line.proposed ? " (proposed)" : "")]
            }))
        }
        for decision in detail.decisions {
            Swift.print("decided: \(decision.release) \(decision.decision.rawValue) by \(decision.approver)\(decision.comment.isEmpty ? "" : " — \(decision.comment)")")
        }
        for action in detail.actions {
            Swift.print("action: \(action.key) \(action.status.rawValue)\(action.overdue ? " OVERDUE" : "") \(action.owner) due \(iso.string(from: action.dueAt)) — \(action.title)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Meetings from four weeks back to eight ahead.")
        @OptionGroup var remote: RemoteOptions
        @Flag(help: "Only those you attend (in person or with a team).") var mine = false
        @Option(help: "planning, cab, goNoGo, review or followUp.") var kind: String?
        @Option(help: "Only those with this release on their agenda.") var release: String?

        func run() async throws {
            var kindValue: Components.Schemas.MeetingKind?
            if let kind {
                guard let parsed = Components.Schemas.MeetingKind(rawValue: kind) else { throw CLIError.invalidOption("--kind is planning, cab, goNoGo, review or followUp") }
                kindValue = parsed
            }
            let client = try remote.client()
            switch try await remote.call({ try await client.listMeetings(query: .init(kind: kindValue, mine: mine ? true : nil, release: release)) }) {
            case .ok(let ok):
                let meetings = try ok.body.json
                if remote.json { return try remote.printJSON(meetings) }
                let iso = ISO8601DateFormatter()
                Swift.print(TextTable.render(["MEETING", "START", "KIND", "STATUS", "TITLE"], meetings.map {
                    [$0.key, iso.string(from: $0.start), $0.kind.rawValue, $0.status.rawValue, $0.title]
                }))
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .unprocessableContent(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A meeting: its agenda with risks and approvals, decisions and actions.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "MTG-3") var key: String

        func run() async throws {
            let client = try remote.client()
            switch try await remote.call({ try await client.getMeeting(path: .init(key: key)) }) {
            case .ok(let ok):
                let detail = try ok.body.json
                if remote.json { return try remote.printJSON(detail) }
                MeetingCommand.print(detail)
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Decide on an agenda item as an attending approver: it is your approval of the release.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "MTG-3") var key: String
        @Argument(help: "REL-12") var release: String
        @Argument(help: "approve, reject or approveWithConditions.") var decision: String
        @Option(help: "Why (required to reject or to set conditions).") var comment: String = ""
        @Option(help: "The conditions, to approve with conditions.") var conditions: String = ""

        func run() async throws {
            guard let kind = Components.Schemas.MeetingDecisionInput.DecisionPayload(rawValue: decision) else {
                throw CLIError.invalidOption("the decision is approve, reject or approveWithConditions")
            }
            let client = try remote.client()
            let body = Components.Schemas.MeetingDecisionInput(release: release, decision: kind, comment: comment, conditions: conditions)
            switch try await remote.call({ try await client.decideInMeeting(path: .init(key: key), body: .json(body)) }) {
            case .created(let created):
                let detail = try created.body.json
                if remote.json { return try remote.printJSON(detail) }
                MeetingCommand.print(detail)
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem), .conflict(let problem),
                 .unprocessableContent(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a meeting: it needs an action, or --no-actions saying why none was needed.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "MTG-3") var key: String
        @Option(name: .customLong("no-actions"), help: "Why no action was needed.") var reason: String?

        func run() async throws {
            let client = try remote.client()
            switch try await remote.call({ try await client.closeMeeting(path: .init(key: key), body: .json(.init(noActionsReason: reason))) }) {
            case .ok(let ok):
                let detail = try ok.body.json
                if remote.json { return try remote.printJSON(detail) }
                MeetingCommand.print(detail)
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem), .conflict(let problem),
                 .unprocessableContent(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Series: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a weekly series (a CAB every Tuesday at 14:00 in the policy's time zone).")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "Its name, such as CAB.") var name: String
        @Option(help: "mon … sun, or the day in English.") var weekday: String
        @Option(help: "Local time, HH:MM.") var time: String
        @Option(help: "Minutes.") var duration: Int = 60
        @Option(help: "planning, cab, goNoGo, review or followUp.") var kind: String = "cab"
        @Option(help: "A room or the link of the call.") var place: String = ""
        @Option(name: .customLong("attendee"), help: "A username (repeat it).") var attendees: [String] = []
        @Option(name: .customLong("team"), help: "A team (repeat it).") var teams: [String] = []

        func run() async throws {
            guard let kindValue = Components.Schemas.MeetingKind(rawValue: kind) else { throw CLIError.invalidOption("--kind is planning, cab, goNoGo, review or followUp") }
            let client = try remote.client()
            let body = Components.Schemas.MeetingSeriesInput(name: name, kind: kindValue, weekday: weekday, time: time, durationMinutes: duration, place: place,
                                                             attendees: attendees, teams: teams)
            switch try await remote.call({ try await client.createMeetingSeries(body: .json(body)) }) {
            case .created(let created):
                let result = try created.body.json
                if remote.json { return try remote.printJSON(result) }
                let iso = ISO8601DateFormatter()
                Swift.print("series \(result.series.id): \(result.series.name) every \(result.series.weekday) at \(result.series.time)")
                for meeting in result.meetings { Swift.print("  \(meeting.key) \(iso.string(from: meeting.start))") }
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .unprocessableContent(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}

struct ActionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "action", abstract: "Action items handed out in meetings, on releases and in reviews.",
                                                    subcommands: [List.self, Add.self, Done.self, Reopen.self])

    static func table(_ actions: [Components.Schemas.ActionView]) -> String {
        let iso = ISO8601DateFormatter()
        return TextTable.render(["ACTION", "STATUS", "OWNER", "DUE", "FROM", "TITLE"], actions.map {
            [$0.key, $0.status.rawValue + ($0.overdue ? " OVERDUE" : ""), $0.owner, iso.string(from: $0.dueAt),
             [$0.meeting, $0.release, $0.review.map { "review " + $0 }].compactMap { $0 }.joined(separator: " "), $0.title]
        })
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Action items, open ones first by due date.")
        @OptionGroup var remote: RemoteOptions
        @Flag(help: "Yours.") var mine = false
        @Flag(help: "Open and past due.") var overdue = false
        @Flag(help: "Open ones only.") var open = false
        @Option(help: "Owned by this user.") var owner: String?
        @Option(help: "Handed out in this meeting.") var meeting: String?
        @Option(help: "Handed out on this release or in its review.") var release: String?

        func run() async throws {
            let client = try remote.client()
            let query = Operations.ListActions.Input.Query(mine: mine ? true : nil, owner: owner, status: open ? .open : nil, overdue: overdue ? true : nil,
                                                           meeting: meeting, release: release)
            switch try await remote.call({ try await client.listActions(query: query) }) {
            case .ok(let ok):
                let actions = try ok.body.json
                if remote.json { return try remote.printJSON(actions) }
                Swift.print(ActionCommand.table(actions))
                let late = actions.filter(\.overdue).count
                Swift.print("\(actions.count) action(s)\(late > 0 ? ", \(late) overdue" : "")")
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .unprocessableContent(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hand out an action: an owner and a due date (by default the next meeting of the meeting's series).")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "What is to be done.") var title: String
        @Option(help: "Who does it.") var owner: String
        @Option(help: "When it is due (RFC 3339).") var due: String?
        @Option(help: "The meeting it comes from, MTG-3.") var meeting: String?
        @Option(help: "The release it is about, REL-12.") var release: String?

        func run() async throws {
            let dueAt = try due.map { try DateArgument.parse($0, option: "--due") }
            let client = try remote.client()
            let body = Components.Schemas.ActionInput(title: title, owner: owner, dueAt: dueAt, meeting: meeting, release: release)
            switch try await remote.call({ try await client.createAction(body: .json(body)) }) {
            case .created(let created):
                let action = try created.body.json
                if remote.json { return try remote.printJSON(action) }
                Swift.print(ActionCommand.table([action]))
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem), .unprocessableContent(let problem):
                throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Done: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark an action done (its owner, or whoever manages actions).")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "ACT-4") var key: String

        func run() async throws { try await ActionCommand.move(key, to: .done, remote) }
    }

    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a done or cancelled action again.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "ACT-4") var key: String

        func run() async throws { try await ActionCommand.move(key, to: .open, remote) }
    }

    static func move(_ key: String, to status: Components.Schemas.ActionStatus, _ remote: RemoteOptions) async throws {
        let client = try remote.client()
        switch try await remote.call({ try await client.updateAction(path: .init(key: key), body: .json(.init(status: status))) }) {
        case .ok(let ok):
            let action = try ok.body.json
            if remote.json { return try remote.printJSON(action) }
            Swift.print(ActionCommand.table([action]))
        case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem), .preconditionFailed(let problem),
             .unprocessableContent(let problem): throw CLIError.refusal(problem)
        case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
        }
    }
}
