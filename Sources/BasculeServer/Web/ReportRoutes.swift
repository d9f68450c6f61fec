import BasculeCore
import Foundation
import Hummingbird

/// The reports page (daily, weekly, monthly; printable), and the records behind each indicator.
struct ReportRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer

    func register(on router: Router<Context>) {
        router.get("/reports", use: report)
        router.get("/reports/explain", use: explain)
    }

    static func filter(_ request: Request) -> IndicatorFilter {
        let parameters = request.uri.queryParameters
        let environment: String? = parameters.get("environment"), tag: String? = parameters.get("tag")
        let item: String? = parameters.get("item"), team: String? = parameters.get("team")
        return IndicatorFilter(environment: environment, tag: tag, item: item, team: team)
    }

    @Sendable func report(_ request: Request, context: Context) async throws -> Response {
        let words = renderer.words(request)
        let parameters = request.uri.queryParameters
        let period: ReportPeriod
        do {
            period = try ReportPeriod(parsing: parameters.get("period") ?? "weekly")
        } catch {
            return renderer.errorPage(words.text("report_bad_period"), request: request, status: .notFound)
        }
        do {
            let at = parameters.get("at").flatMap { words.formatting.parseInput($0 + "T12:00") }
            let report = try await services.reports.report(period, at: at, filter: Self.filter(request))
            let environments = try await services.environments.all().map(\.name)
            let wordsInZone = Words(localizer: words.localizer, language: words.language, formatting: WebFormatting(timeZone: report.timeZone))
            let model = ReportsPage.model(report, environments: environments, now: Date(), wordsInZone)
            let template = parameters.get("print") == "1" ? "report-print" : "reports"
            return renderer.page(template, title: model.title, model: model, request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    @Sendable func explain(_ request: Request, context: Context) async throws -> Response {
        let words = renderer.words(request)
        let parameters = request.uri.queryParameters
        guard let key = parameters.get("key").flatMap(IndicatorSet.Key.init(rawValue:)),
              let from = parameters.get("from").flatMap({ try? Date($0, strategy: .iso8601) }),
              let to = parameters.get("to").flatMap({ try? Date($0, strategy: .iso8601) }) else {
            return renderer.errorPage(words.text("report_explain_bad"), request: request, status: .badRequest)
        }
        do {
            let filter = Self.filter(request)
            let set = try await services.reports.indicators(over: DateInterval(start: from, end: max(from, to)), filter: filter)
            guard let model = IndicatorExplainPage.model(set, key: key, filter: filter, words) else {
                return renderer.errorPage(words.text("report_explain_bad"), request: request, status: .notFound)
            }
            return renderer.page("indicator-explain", title: model.title, model: model, request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
