import BasculeCore
import BasculeStore
import Foundation
import Hummingbird

/// The meetings pages and their forms: plan a meeting or a series, keep the agenda, decide on
/// an item, write the minutes, hand out actions, close; and the action items page.
struct MeetingRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer

    func register(on router: Router<Context>) {
        router.get("/meetings", use: list)
        router.post("/meetings", use: create)
        router.post("/meetings/series", use: createSeries)
        router.post("/meetings/series/{id}/end", use: endSeries)
        router.get("/meetings/{key}", use: show)
        router.post("/meetings/{key}", use: update)
        router.post("/meetings/{key}/agenda", use: addToAgenda)
        router.post("/meetings/{key}/agenda/remove", use: removeFromAgenda)
        router.post("/meetings/{key}/decisions", use: decide)
        router.post("/meetings/{key}/minutes", use: minutes)
        router.post("/meetings/{key}/actions", use: handOut)
        router.post("/meetings/{key}/close", use: close)
        router.post("/meetings/{key}/cancel", use: cancel)
        router.get("/actions", use: actions)
        router.post("/actions/{key}/status", use: actionStatus)
    }

    // MARK: - The list

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await listPage(request)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebRoutes<Context>.form(request)
        let words = renderer.words(request)
        return try await renderer.acting(request, page: { try await listPage(request, errors: $0, status: $1) }) {
            let meeting = try await services.meetings.create(try Self.meetingFields(fields, words))
            return WebRoutes<Context>.redirect("/meetings/\(meeting.key)?done=meeting_created")
        }
    }

    @Sendable func createSeries(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebRoutes<Context>.form(request)
        return try await renderer.acting(request, page: { try await listPage(request, errors: $0, status: $1) }) {
            _ = try await services.meetingSeries.create(.init(
                name: fields["name"] ?? "", kind: MeetingKind(rawValue: fields["kind"] ?? "") ?? .cab, weekday: fields["weekday"] ?? "",
                time: fields["time"] ?? "", durationMinutes: Int(fields["durationMinutes"] ?? "") ?? 0, place: fields["place"] ?? "",
                attendees: Self.names(fields["attendees"]), teams: Self.names(fields["teams"])))
            return WebRoutes<Context>.redirect("/meetings?done=series_created")
        }
    }

    @Sendable func endSeries(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        _ = try await WebRoutes<Context>.form(request)
        return try await renderer.acting(request, page: { try await listPage(request, errors: $0, status: $1) }) {
            _ = try await services.meetingSeries.end(id)
            return WebRoutes<Context>.redirect("/meetings?done=series_ended")
        }
    }

    // MARK: - One meeting

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try await meetingPage(request, key: try context.parameters.require("key"))
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let words = renderer.words(request)
        return try await onMeeting(request, context) { key, fields in
            _ = try await services.meetings.update(key, fields: try Self.meetingFields(fields, words), ifRevision: fields["revision"].flatMap { Int($0) })
            return "meeting_updated"
        }
    }

    @Sendable func addToAgenda(_ request: Request, context: Context) async throws -> Response {
        try await onMeeting(request, context) { key, fields in
            _ = try await services.meetings.addToAgenda(key, release: (fields["release"] ?? "").trimmingCharacters(in: .whitespaces),
                                                        minutes: Int(fields["minutes"] ?? ""), note: fields["note"] ?? "")
            return "agenda_added"
        }
    }

    @Sendable func removeFromAgenda(_ request: Request, context: Context) async throws -> Response {
        try await onMeeting(request, context) { key, fields in
            _ = try await services.meetings.removeFromAgenda(key, release: fields["release"] ?? "")
            return "agenda_removed"
        }
    }

    @Sendable func decide(_ request: Request, context: Context) async throws -> Response {
        try await onMeeting(request, context) { key, fields in
            guard let decision = ApprovalDecisionKind(rawValue: fields["decision"] ?? "") else {
                throw ServiceError.invalid([FieldError("decision", "choose approve, approve with conditions or reject")])
            }
            _ = try await services.meetings.decide(key, release: fields["release"] ?? "", decision: decision, comment: fields["comment"] ?? "",
                                                   conditions: fields["conditions"] ?? "")
            return "meeting_decided"
        }
    }

    @Sendable func minutes(_ request: Request, context: Context) async throws -> Response {
        try await onMeeting(request, context, limit: 400_000) { key, fields in
            _ = try await services.meetings.setMinutes(key, minutes: (fields["minutes"] ?? "").replacingOccurrences(of: "\r\n", with: "\n"),
                                                       ifRevision: fields["revision"].flatMap { Int($0) })
            return "minutes_saved"
        }
    }

    @Sendable func handOut(_ request: Request, context: Context) async throws -> Response {
        let words = renderer.words(request)
        return try await onMeeting(request, context) { key, fields in
            let dueText = (fields["dueAt"] ?? "").trimmingCharacters(in: .whitespaces)
            let due = dueText.isEmpty ? nil : words.formatting.parseInput(dueText)
            if !dueText.isEmpty, due == nil { throw ServiceError.invalid([FieldError("dueAt", "is not a date and time")]) }
            let owner = (fields["owner"] ?? "").trimmingCharacters(in: .whitespaces)
            _ = try await services.actions.create(.init(title: fields["title"] ?? "", owner: owner.isEmpty ? nil : owner, dueAt: due, meeting: key))
            return "action_created"
        }
    }

    @Sendable func close(_ request: Request, context: Context) async throws -> Response {
        try await onMeeting(request, context) { key, fields in
            _ = try await services.meetings.close(key, noActionsReason: fields["noActionsReason"])
            return "meeting_closed"
        }
    }

    @Sendable func cancel(_ request: Request, context: Context) async throws -> Response {
        try await onMeeting(request, context) { key, _ in
            _ = try await services.meetings.cancel(key)
            return "meeting_cancelled"
        }
    }

    // MARK: - Actions

    @Sendable func actions(_ request: Request, context: Context) async throws -> Response {
        let words = renderer.words(request)
        let view = ActionsPage.View(rawValue: request.uri.queryParameters.get("view") ?? "") ?? .mine
        do {
            var filter = ActionService.Filter()
            switch view {
            case .mine: filter.mine = true
            case .overdue: filter.overdue = true
            case .open: filter.status = .open
            case .all: break
            }
            let model = ActionsPage.model(try await services.actions.list(filter), view: view, now: Date(), words)
            return renderer.page("actions", title: words.text("actions_title"), model: model, request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    @Sendable func actionStatus(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let fields = try await WebRoutes<Context>.form(request)
        let back = SitePath.local(fields["return"], fallback: "/actions")
        do {
            guard let status = ActionStatus(rawValue: fields["status"] ?? "") else { throw ServiceError.invalid([FieldError("status", "is not an action status")]) }
            _ = try await services.actions.update(key, changes: .init(status: status))
            return WebRoutes<Context>.redirect(back + (back.contains("?") ? "&" : "?") + "done=action_\(status.rawValue)")
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    // MARK: -

    /// Runs a form of the meeting page; a refusal comes back on the page, said above it.
    private func onMeeting(_ request: Request, _ context: Context, limit: Int = 65_536,
                           _ body: (String, [String: String]) async throws -> String) async throws -> Response {
        let key = try context.parameters.require("key")
        let fields = try await WebRoutes<Context>.form(request, limit: limit)
        return try await renderer.acting(request, page: { try await meetingPage(request, key: key, errors: $0, status: $1) }) {
            let done = try await body(key, fields)
            return WebRoutes<Context>.redirect("/meetings/\(SitePath.segment(key))?done=\(done)")
        }
    }

    static func names(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == "," || $0 == "\n" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// What the meeting form says, with times read in the configured zone.
    static func meetingFields(_ fields: [String: String], _ words: Words) throws -> MeetingFields {
        let start = words.formatting.parseInput(fields["start"] ?? ""), end = words.formatting.parseInput(fields["end"] ?? "")
        var problems: [FieldError] = []
        if start == nil { problems.append(FieldError("start", "is required, as a date and time")) }
        if end == nil { problems.append(FieldError("end", "is required, as a date and time")) }
        guard problems.isEmpty, let start, let end else { throw ServiceError.invalid(problems) }
        return MeetingFields(kind: MeetingKind(rawValue: fields["kind"] ?? "") ?? .planning, title: fields["title"] ?? "", start: start, end: end,
                             place: fields["place"] ?? "", attendees: names(fields["attendees"]), teams: names(fields["teams"]))
    }

    private func listPage(_ request: Request, errors: [FieldError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        let parameters = request.uri.queryParameters
        let kind = parameters.get("kind").flatMap(MeetingKind.init(rawValue:))
        let mine = parameters.get("mine") == "on"
        do {
            let meetings = try await services.meetings.list(kind: kind, mine: mine)
            let model = MeetingsPage.model(meetings, series: try await services.meetingSeries.list(), kind: kind, mine: mine, now: Date(),
                                           errors: errors, words)
            return renderer.page("meetings", title: words.text("meetings_title"), model: model, request: request, status: status)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    private func meetingPage(_ request: Request, key: String, errors: [FieldError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        do {
            let detail = try await services.meetings.get(key)
            // Whoever hands out actions may name anyone; the list helps them type it.
            let people = RequestOrigin.current.may(.userRead) ? try await services.identity.users().filter { $0.disabledAt == nil }.map(\.username) : []
            let model = MeetingPage.model(detail, people: people, now: Date(), errors: errors, words)
            return renderer.page("meeting", title: "\(detail.meeting.key) — \(detail.meeting.fields.title)", model: model, request: request, status: status)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
