import BasculeCore
import Foundation
import Hummingbird

/// The public status page, its Atom feed and JSON document (no sign-in), and the form that
/// chooses what it publishes.
struct StatusRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer
    let siteURL: String?

    func register(on router: Router<Context>) {
        router.get("/status", use: page)
        router.get("/status.atom", use: atom)
        router.get("/status.json", use: json)
        router.post("/status/settings", use: settings)
    }

    /// `?lang=fr` chooses the language for readers without the cookie (a link in an e-mail).
    private func words(_ request: Request) -> Words {
        guard let language = request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) else { return renderer.words(request) }
        return Words(localizer: renderer.localizer, language: language, formatting: renderer.formatting)
    }

    private func service(_ request: Request) -> String? {
        request.uri.queryParameters.get("service").flatMap { $0.isEmpty ? nil : $0.lowercased() }
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        try await render(request)
    }

    @Sendable func atom(_ request: Request, context: Context) async throws -> Response {
        let words = words(request)
        do {
            let (_, board) = try await services.statusPage.board(service: service(request))
            let site = siteURL ?? "http://\(request.head.authority ?? "127.0.0.1")"
            let xml = StatusFeed.atom(board, service: service(request), siteURL: site, at: Date(), words)
            return Response(status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8", .cacheControl: "max-age=60"],
                            body: .init(byteBuffer: ByteBuffer(string: xml)))
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    @Sendable func json(_ request: Request, context: Context) async throws -> Response {
        let words = words(request)
        do {
            let (publication, board) = try await services.statusPage.board(service: service(request))
            let document = StatusFeed.json(board, publication: publication, at: Date(), words)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(document)
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=60", .accessControlAllowOrigin: "*"],
                            body: .init(byteBuffer: ByteBuffer(data: data)))
        } catch let error as ServiceError {
            return Response(status: .init(code: error.status), headers: [.contentType: "application/problem+json"],
                            body: .init(byteBuffer: ByteBuffer(data: ProblemDocument(error).encoded())))
        }
    }

    @Sendable func settings(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebRoutes<Context>.form(request)
        do {
            _ = try await services.statusPage.publish(environments: NotificationRoutes<Context>.checked(fields, prefix: "environment."),
                                                      services: NotificationRoutes<Context>.checked(fields, prefix: "service."))
            return WebRoutes<Context>.redirect("/status?done=status_published")
        } catch let error as ServiceError where !error.fieldErrors.isEmpty {
            return try await render(request, errors: error.fieldErrors, status: .unprocessableContent)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    private func render(_ request: Request, errors: [FieldError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = words(request)
        do {
            let service = service(request)
            let (publication, board) = try await services.statusPage.board(service: service)
            var settings: StatusPage.Settings?
            if RequestOrigin.current.may(.statusManage) {
                settings = StatusPage.settings(publication, environments: try await services.environments.list(limit: 200).items.map(\.name),
                                               services: try await services.inventory.list(type: .service, limit: 500).items, words)
            }
            let model = StatusPage.model(publication, board, service: service, settings: settings, errors: errors, words)
            return renderer.page("status", title: model.heading, model: model, request: request, status: status)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
