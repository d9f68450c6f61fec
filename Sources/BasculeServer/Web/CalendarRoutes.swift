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
        let facts = CalendarPage.Facts(
            entries: entries, anchor: anchor, week: week, start: start, end: end, title: title, environment: environment, team: team, item: item,
            environments: try await services.environments.all().map(\.name), feedPath: feedPath, now: Date())
        let words = Words(localizer: localizer, language: language, formatting: formatting)
        return renderer.page("calendar", title: localizer.text("calendar_title", language), model: CalendarPage.model(facts, words), request: request)
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

    static func dayText(_ date: Date, _ calendar: Calendar) -> String { CalendarPage.dayText(date, calendar) }
}
