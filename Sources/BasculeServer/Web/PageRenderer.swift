import Foundation
import Hummingbird
import Mustache

/// Renders a page inside the shell (header, navigation, language switch). Templates are
/// loaded once at start; they only show what the page models hold.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let localizer: Localizer
    let timeZone: TimeZone

    static func load(timeZone: TimeZone) async throws -> PageRenderer {
        guard let folder = Bundle.module.url(forResource: "templates", withExtension: nil, subdirectory: "Resources") else {
            throw ServiceError.unavailable("the page templates are missing from the bundle")
        }
        return PageRenderer(library: try await MustacheLibrary(directory: folder.path), localizer: try Localizer(), timeZone: timeZone)
    }

    /// The sections of the product; those not built yet are shown greyed so the shape is visible.
    private static let sections: [(key: String, href: String, built: Bool)] = [
        ("nav_releases", "/releases", true), ("nav_calendar", "/calendar", true), ("nav_inventory", "/inventory", false),
        ("nav_runbooks", "/runbooks", false), ("nav_approvals", "/approvals", true), ("nav_reports", "/reports", false),
    ]

    func render(_ template: String, title: String, page: Any, request: Request, status: HTTPResponse.Status = .ok) -> Response {
        let language = Language.of(request)
        let path = request.uri.path
        let returnTo = request.uri.description.hasPrefix("/") ? request.uri.description : "/releases"
        let origin = RequestOrigin.current
        var user: String?
        var roles = ""
        if case .user(let identity) = origin.principal {
            user = identity.username
            roles = identity.roles.sorted().map(\.rawValue).joined(separator: ", ")
        }
        let shell: [String: Any] = [
            "user": present(user),
            "roles": roles,
            "csrf": origin.csrfToken ?? "",
            "lang": language.rawValue,
            "otherLang": language.other.rawValue,
            "title": title,
            "timeZone": timeZone.identifier,
            "version": BasculeVersion.current,
            "switchLanguageHref": "/language/\(language.other.rawValue)?return=" + (returnTo.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"),
            "nav": Self.sections.map { section -> [String: Any] in
                ["label": localizer.text(section.key, language), "href": section.href,
                 "current": path.hasPrefix(section.href), "soon": !section.built]
            },
        ]
        let context: [String: Any] = ["t": localizer.table(language), "shell": shell, "page": page]
        let html = library.render(context, withTemplate: template) ?? "<!DOCTYPE html><title>Bascule</title><p>The page could not be rendered.</p>"
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentLanguage] = language.rawValue
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func errorPage(_ message: String, request: Request, status: HTTPResponse.Status) -> Response {
        let language = Language.of(request)
        return render("error", title: localizer.text("error_title", language), page: ["message": message], request: request, status: status)
    }
}
