import BasculeAPI
import BasculeCore
import Foundation
import HTTPTypes
import Hummingbird

/// Where a monitoring or ITSM tool sends incidents (docs/AFTER_RELEASE.md): a generic JSON body,
/// authenticated by the source's own token, never a person's. The same reference sent again
/// updates the incident (a resolution, a new severity): tools resend, and nothing is duplicated.
struct InboundIncidentRoutes<Context: RequestContext> {
    let incidents: IncidentService

    static var prefix: String { "/api/v1/inbound/" }

    /// The body: `reference`, `title`, `severity` (1–4), `openedAt`, and optionally
    /// `resolvedAt`, `items` and `link`; times in RFC 3339.
    struct Body: Decodable {
        let reference: String
        let title: String
        let severity: Int
        let openedAt: Date
        let resolvedAt: Date?
        let items: [String]?
        let link: String?
    }

    func register(on router: Router<Context>) {
        router.post("/api/v1/inbound/incidents") { request, context in
            let parts = (request.headers[.authorization] ?? "").split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw ServiceError.unauthorized("an incident source sends `Authorization: Bearer <its token>`")
            }
            let buffer = try await request.body.collect(upTo: 256 * 1024)
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .custom { decoder in
                let text = try decoder.singleValueContainer().decode(String.self)
                if let date = try? Date(text, strategy: .iso8601) { return date }
                if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(text) is not an RFC 3339 time"))
            }
            let body: Body
            do {
                body = try decoder.decode(Body.self, from: Data(buffer: buffer))
            } catch {
                // Checked before the body is judged: a stranger learns nothing of what is expected.
                _ = try await incidents.checkSource(token: String(parts[1]))
                throw ServiceError.badRequest([FieldError("body", "must be JSON with reference, title, severity (1–4), openedAt and optionally resolvedAt, items, link: \(Self.reason(error))")])
            }
            let (detail, created) = try await incidents.receive(
                .init(reference: body.reference, title: body.title, severity: body.severity, openedAt: body.openedAt, resolvedAt: body.resolvedAt,
                      items: body.items ?? [], link: body.link), token: String(parts[1]))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            return Response(status: created ? .created : .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(Components.Schemas.IncidentDetail(detail)))))
        }
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "\(key.stringValue) is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: "it could not be read"
        }
    }
}
