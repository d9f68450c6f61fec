import Foundation
import Hummingbird
import Mustache

/// Renders a page inside the shell (header, navigation, language switch). Templates are
/// loaded once at start; they only show what the page models hold.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let localizer: Localizer
    let formatting: WebFormatting

    var timeZone: TimeZone { formatting.timeZone }

    static func load(timeZone: TimeZone) async throws -> PageRenderer {
        guard let folder = Bundle.module.url(forResource: "templates", withExtension: nil, subdirectory: "Resources") else {
            throw ServiceError.unavailable("the page templates are missing from the bundle")
        }
        return PageRenderer(library: try await MustacheLibrary(directory: folder.path), localizer: try Localizer(), formatting: WebFormatting(timeZone: timeZone))
    }

    func words(_ request: Request) -> Words { Words(localizer: localizer, language: Language.of(request), formatting: formatting) }

    /// The page's HTML from its typed model: what the snapshot tests compare.
    func html<Model: Sendable>(_ template: String, shell: PageShell, language: Language, model: Model) -> String {
        let context = PageContext(t: localizer.table(language), shell: shell, page: model)
        return library.render(context, withTemplate: template) ?? "<!DOCTYPE html><title>Bascule</title><p>The page could not be rendered.</p>"
    }

    /// A typed page as the answer to a request.
    func page<Model: Sendable>(_ template: String, title: String, model: Model, request: Request, status: HTTPResponse.Status = .ok) -> Response {
        let words = words(request)
        let html = html(template, shell: PageShell(request: request, title: title, words: words), language: words.language, model: model)
        return Self.response(html, language: words.language, status: status)
    }

    func errorPage(_ message: String, request: Request, status: HTTPResponse.Status) -> Response {
        let words = words(request)
        return page("error", title: words.text("error_title"), model: ErrorPage.Model(message: message), request: request, status: status)
    }

    private static func response(_ html: String, language: Language, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentLanguage] = language.rawValue
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
