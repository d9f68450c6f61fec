import BasculeAPI
import BasculeCore
import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime

/// Turns every error of an API operation into an RFC 9457 problem. Handlers only return
/// success; refusals travel as `ServiceError`, decoding failures become a 400 naming the field,
/// and anything unexpected is logged and answered with a bare 500 that leaks nothing.
struct ProblemMiddleware: ServerMiddleware {
    let logger: Logger

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch let error as ServerError {
            var problem = problem(for: error, request: request, operationID: operationID)
            problem.instance = request.path.map { String($0.prefix { $0 != "?" }) }
            var headers = HTTPFields()
            headers[.contentType] = ProblemDocument.contentType
            return (HTTPResponse(status: .init(code: problem.status), headerFields: headers), HTTPBody(problem.encoded()))
        }
    }

    private func problem(for error: ServerError, request: HTTPRequest, operationID: String) -> ProblemDocument {
        switch error.underlyingError {
        case let refusal as ServiceError:
            return ProblemDocument(refusal)
        case let decoding as DecodingError:
            logger.debug("undecodable request", metadata: ["cause": "\(error.causeDescription)", "error": "\(decoding)"])
            let field = request.method == .get
                ? QueryFailure.fieldError(query: request.path.flatMap { URLComponents(string: $0)?.queryItems } ?? [])
                : nil
            return ProblemDocument(status: 400, detail: "the request could not be read", errors: [field ?? DecodingFailure.fieldError(decoding)])
        default:
            if error.httpStatus.code >= 400, error.httpStatus.code < 500 {
                return ProblemDocument(status: error.httpStatus.code, detail: error.causeDescription)
            }
            logger.error("unexpected failure", metadata: ["operation": "\(operationID)", "error": "\(String(reflecting: error.underlyingError))"])
            return ProblemDocument(status: 500, detail: "an unexpected error occurred; it has been logged")
        }
    }
}

/// Reads a `DecodingError` as "which field, what is wrong with it".
enum DecodingFailure {
    static func fieldError(_ error: DecodingError) -> FieldError {
        switch error {
        case .keyNotFound(let key, let context):
            return FieldError(path(context.codingPath + [key]), "is required")
        case .valueNotFound(_, let context):
            return FieldError(path(context.codingPath), "must not be null")
        case .typeMismatch(let type, let context):
            return FieldError(path(context.codingPath), "must be \(describe(type))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return FieldError("body", "is not valid JSON")
            }
            return FieldError(path(context.codingPath), message(context))
        @unknown default:
            return FieldError("body", "could not be read")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text.isEmpty ? "body" : text
    }

    private static func message(_ context: DecodingError.Context) -> String {
        let field = context.codingPath.last?.stringValue ?? ""
        let description = context.debugDescription
        if description.contains("date") || description.contains("RFC 3339") || description.contains("ISO") {
            return "must be an RFC 3339 date-time, for example 2027-03-05T22:00:00Z"
        }
        let allowed: [String]? = switch field {
        case "to", "status": ReleaseStatus.allCases.map(\.rawValue)
        case "type": ReleaseType.allCases.map(\.rawValue)
        case "kind": EnvironmentKind.allCases.map(\.rawValue)
        default: nil
        }
        if let allowed { return "must be one of: " + allowed.joined(separator: ", ") }
        return "has an invalid value"
    }

    private static func describe(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.contains("Int") || name.contains("Double") { return "a number" }
        if name.contains("Bool") { return "true or false" }
        if name.contains("Array") { return "an array" }
        if name.contains("Dictionary") || name.contains("Schemas") { return "an object" }
        if name.contains("Date") { return "an RFC 3339 date-time" }
        return "a string"
    }
}

/// Query parameters fail to decode without their name in the error, so the parameters of the
/// contract are checked again here to name the one at fault.
enum QueryFailure {
    static func fieldError(query: [URLQueryItem]) -> FieldError? {
        for item in query {
            let values = (item.value ?? "").split(separator: ",").map { String($0) }
            switch item.name {
            case "limit" where Int(item.value ?? "") == nil:
                return FieldError("limit", "must be a whole number between 1 and 200")
            case "status" where values.contains { ReleaseStatus(rawValue: $0) == nil }:
                return FieldError("status", "must be one of: " + ReleaseStatus.allCases.map(\.rawValue).joined(separator: ", "))
            case "from", "to":
                if (try? FlexibleDateTranscoder().decode(item.value ?? "")) == nil {
                    return FieldError(item.name, "must be an RFC 3339 date-time, for example 2027-03-05T22:00:00Z")
                }
            default:
                continue
            }
        }
        return nil
    }
}
