import BasculeCore
import Foundation
import HTTPTypes
import Hummingbird

/// The release calendar's month and week views, its subscription token, and the iCalendar
/// feed itself, which calendar clients fetch with the token in the URL and no session.
struct CalendarRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer
    let formatting: WebFormatting

    func register(on router: Router<Context>) {
        router.get("/calendar", use: page)
        router.post("/calendar/feed-token", use: feedToken)
        router.get("/calendar.ics", use: feed)
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        try await render(request, feedPath: nil)
    }

    @Sendable func feedToken(_ request: Request, context: Context) async throws -> Response {
        _ = try await WebRoutes<Context>.form(request)
        do {
            let token = try await services.calendar.createFeedToken()
            return try await render(request, feedPath: "/calendar.ics?token=\(token)")
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    @Sendable func feed(_ request: Request, context: Context) async throws -> Response {
        let parameters = request.uri.queryParameters
        let host = request.head.authority ?? "localhost"
        let scheme = request.headers[.init("X-Forwarded-Proto")!] ?? "http"
        do {
            let text = try await services.calendar.feed(token: parameters.get("token") ?? "", releaseURL: "\(scheme)://\(host)/releases/",
                                                        environment: parameters.get("environment").flatMap { $0.isEmpty ? nil : $0 })
            return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8", .cacheControl: "private, max-age=300"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        } catch let error as ServiceError {
            return Response(status: .init(code: error.status), headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: error.description + "\n")))
        }
    }

    private func render(_ request: Request, feedPath: String?) async throws -> Response {
        let language = Language.of(request)
        let localizer = renderer.localizer
        let parameters = request.uri.queryParameters
        let week = parameters.get("view") == "week"
        let calendar = formatting.calendar
        let anchor = parameters.get("date").flatMap { formatting.parseInput($0 + "T12:00") } ?? Date()
        let (start, end, title) = Self.period(around: anchor, week: week, calendar: calendar, language: language)
        let environment = parameters.get("environment").flatMap { $0.isEmpty ? nil : $0 }
        let team = parameters.get("team").flatMap { $0.isEmpty ? nil : $0 }
        let item = parameters.get("ci").flatMap { $0.isEmpty ? nil : $0 }
        let entries: [CalendarEntry]
        do {
            entries = try await services.calendar.entries(try CalendarQuery.validated(from: start, to: end, environment: environment, item: item, team: team)).entries
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        } catch let error as CoreError {
            return renderer.errorPage(error.description, request: request, status: .unprocessableContent)
        }
        let time = Date.FormatStyle(date: .omitted, time: .shortened, locale: language.locale, calendar: calendar, timeZone: formatting.timeZone)
        let dayNumber = Date.FormatStyle(locale: language.locale, calendar: calendar, timeZone: formatting.timeZone).day()
        let month = calendar.component(.month, from: anchor)
        var days: [[String: Any]] = []
        var day = start
        while day < end {
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            let span = DateInterval(start: day, end: next)
            let freezes = entries.filter { $0.kind == .freeze && $0.end > span.start && $0.start < span.end }
            let shown = entries.filter { $0.kind != .freeze && span.contains($0.start) && $0.start < next }
            days.append([
                "number": day.formatted(dayNumber), "outside": !week && calendar.component(.month, from: day) != month,
                "today": calendar.isDateInToday(day), "frozen": !freezes.isEmpty,
                "freezeTitle": freezes.map(\.title).joined(separator: ", "),
                "entries": shown.map { entry -> [String: Any] in
                    [
                        "kind": entry.kind.rawValue, "title": entry.title, "time": entry.start.formatted(time),
                        "until": present(entry.end > entry.start ? entry.end.formatted(time) : nil),
                        "href": present(entry.release.map { "/releases/\($0)?tab=calendar" }),
                        "status": entry.status?.rawValue ?? "", "conflicted": !entry.conflicts.isEmpty,
                        "conflictTitle": entry.conflicts.map { $0.explanation.text(for: language.rawValue) }.joined(separator: " · "),
                    ]
                },
            ])
            day = next
        }
        let weeks = stride(from: 0, to: days.count, by: 7).map { ["days": Array(days[$0..<min($0 + 7, days.count)])] }
        let tabs = ReleaseTabs(services: services, words: Words(localizer: localizer, language: language, formatting: formatting))
        let conflicted = entries.filter { $0.kind == .release && !$0.conflicts.isEmpty }
        let step = week ? 7 : 0
        func shifted(_ direction: Int) -> String {
            let target = step > 0 ? calendar.date(byAdding: .day, value: direction * 7, to: anchor) : calendar.date(byAdding: .month, value: direction, to: anchor)
            var query = "view=\(week ? "week" : "month")&date=\(Self.dayText(target ?? anchor, calendar))"
            if let environment { query += "&environment=\(environment.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            if let team { query += "&team=\(team.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            if let item { query += "&ci=\(item.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            return "/calendar?" + query
        }
        let model: [String: Any] = [
            "title": title, "week": week, "month": !week, "date": Self.dayText(anchor, calendar),
            "weekdays": (0..<7).map { offset in
                (calendar.date(byAdding: .day, value: offset, to: start) ?? start)
                    .formatted(Date.FormatStyle(locale: language.locale, calendar: calendar, timeZone: formatting.timeZone).weekday(.abbreviated))
            },
            "weeks": weeks, "previous": shifted(-1), "next": shifted(1),
            "environment": environment ?? "", "team": team ?? "", "ci": item ?? "",
            "environments": try await services.environments.all().map { ["name": $0.name, "selected": $0.name == environment] },
            "conflicted": conflicted.map { entry -> [String: Any] in
                ["title": entry.title, "href": "/releases/\(entry.release?.description ?? "")?tab=calendar",
                 "when": formatting.displayWindow(entry.start, entry.end, language),
                 "conflicts": entry.conflicts.map { tabs.conflictLine($0) }]
            },
            "hasConflicts": !conflicted.isEmpty,
            "zone": formatting.zoneName,
            "feedPath": present(feedPath),
        ]
        return renderer.render("calendar", title: localizer.text("calendar_title", language), page: model, request: request)
    }

    /// The days shown: whole weeks from Monday, covering the month or the week of `anchor`.
    static func period(around anchor: Date, week: Bool, calendar: Calendar, language: Language) -> (Date, Date, String) {
        var monday = calendar
        monday.firstWeekday = 2
        if week {
            let start = monday.dateInterval(of: .weekOfYear, for: anchor)?.start ?? calendar.startOfDay(for: anchor)
            let end = calendar.date(byAdding: .day, value: 7, to: start) ?? start
            let style = Date.FormatStyle(date: .abbreviated, time: .omitted, locale: language.locale, calendar: calendar, timeZone: calendar.timeZone)
            return (start, end, "\(start.formatted(style)) – \((calendar.date(byAdding: .day, value: 6, to: start) ?? start).formatted(style))")
        }
        let first = calendar.dateInterval(of: .month, for: anchor) ?? DateInterval(start: anchor, duration: 86_400)
        let start = monday.dateInterval(of: .weekOfYear, for: first.start)?.start ?? first.start
        let lastDay = calendar.date(byAdding: .day, value: -1, to: first.end) ?? first.end
        let end = (monday.dateInterval(of: .weekOfYear, for: lastDay)?.end) ?? first.end
        let title = first.start.formatted(Date.FormatStyle(locale: language.locale, calendar: calendar, timeZone: calendar.timeZone).month(.wide).year())
        return (start, end, title)
    }

    static func dayText(_ date: Date, _ calendar: Calendar) -> String {
        let p = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", p.year ?? 0, p.month ?? 0, p.day ?? 0)
    }
}
