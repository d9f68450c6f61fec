import BasculeCore
import Foundation

/// An RFC 9457 problem, as the API and the web error pages send it.
struct ProblemDocument: Codable, Sendable {
    struct Field: Codable, Sendable {
        let field: String
        let message: String
        let line: Int?
    }

    var type = "about:blank"
    let title: String
    let status: Int
    let detail: String?
    var instance: String?
    let errors: [Field]?
    let allowedTransitions: [String]?

    init(status: Int, detail: String?, errors: [FieldError] = [], allowedTransitions: [ReleaseStatus] = []) {
        self.status = status
        self.title = Self.title(for: status)
        self.detail = detail
        self.errors = errors.isEmpty ? nil : errors.map { Field(field: $0.field, message: $0.message, line: $0.line) }
        self.allowedTransitions = allowedTransitions.isEmpty ? nil : allowedTransitions.map(\.rawValue)
    }

    init(_ error: ServiceError) {
        var allowed: [ReleaseStatus] = []
        if case .conflict(_, let list) = error { allowed = list }
        self.init(status: error.status, detail: error.description, errors: error.fieldErrors, allowedTransitions: allowed)
    }

    static let contentType = "application/problem+json"

    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data(#"{"status":500,"title":"Internal Server Error","type":"about:blank"}"#.utf8)
    }

    static func title(for status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 409: return "Conflict"
        case 412: return "Precondition Failed"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Content"
        case 503: return "Service Unavailable"
        default: return status >= 500 ? "Internal Server Error" : "Error"
        }
    }
}
