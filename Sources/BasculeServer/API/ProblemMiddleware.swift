import BasculeAPI
import BasculeCore
import BasculeStore
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
        // Bodies are small JSON documents: keep a copy so that a failure deep in decoding can
        // still be traced to the field that holds the bad value.
        var copy: Data?
        if let body {
            let limit = BodyLimits.forOperation(operationID)
            do {
                copy = try await Data(collecting: body, upTo: limit)
            } catch {
                return Self.respond(ProblemDocument(status: 413, detail: "the request body is larger than \(BodyLimits.describe(limit))"), request)
            }
            // The text rule, before any decoding or validation reads the body.
            if let copy, let refusal = Self.textRefusal(copy, contentType: request.headerFields[.contentType]) {
                return Self.respond(ProblemDocument(ServiceError.badRequest([refusal])), request)
            }
        }
        do {
            return try await next(request, copy.map { HTTPBody($0) }, metadata)
        } catch let error as ServerError {
            var (response, body) = Self.respond(problem(for: error, request: request, body: copy, operationID: operationID), request)
            if let refusal = error.underlyingError as? ServiceError { response.headerFields.append(contentsOf: refusal.headers) }
            return (response, body)
        }
    }

    private static func textRefusal(_ body: Data, contentType: String?) -> FieldError? {
        let type = contentType?.lowercased() ?? ""
        if type.contains("json") || type.isEmpty { return InputText.jsonRefusal(body) }
        if type.hasPrefix("application/x-www-form-urlencoded") { return InputText.formRefusal(String(decoding: body, as: UTF8.self)[...]) }
        return InputText.documentRefusal(body, field: "body")
    }

    private static func respond(_ problem: ProblemDocument, _ request: HTTPRequest) -> (HTTPResponse, HTTPBody?) {
        var problem = problem
        problem.instance = request.path.map { String($0.prefix { $0 != "?" }) }
        var headers = HTTPFields()
        headers[.contentType] = ProblemDocument.contentType
        return (HTTPResponse(status: .init(code: problem.status), headerFields: headers), HTTPBody(problem.encoded()))
    }

    private func problem(for error: ServerError, request: HTTPRequest, body: Data?, operationID: String) -> ProblemDocument {
        switch error.underlyingError {
        case let refusal as ServiceError:
            return ProblemDocument(refusal)
        case let decoding as DecodingError:
            logger.debug("undecodable request", metadata: ["cause": "\(error.causeDescription)", "error": "\(decoding)"])
            let field = request.method == .get
                ? QueryFailure.fieldError(query: request.path.flatMap { URLComponents(string: $0)?.queryItems } ?? [])
                : nil
            return ProblemDocument(
                status: 400, detail: "the request could not be read",
                errors: [field ?? DecodingFailure.fieldError(decoding, body: body)])
        case StoreError.busy:
            logger.warning("no database connection came free in time", metadata: ["operation": "\(operationID)"])
            return ProblemDocument(status: 503, detail: StoreError.busy.description)
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
    static func fieldError(_ error: DecodingError, body: Data? = nil) -> FieldError {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty && context.debugDescription.hasPrefix(FlexibleDateTranscoder.failure):
            // Dates are decoded without their path: find the field that holds the bad text.
            let text = String(context.debugDescription.dropFirst(FlexibleDateTranscoder.failure.count))
            let field = body.flatMap { JSONPath.find(text, in: $0) } ?? "body"
            return FieldError(field, "must be an RFC 3339 date-time, for example 2027-03-05T22:00:00Z")
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

/// Finds where a string value sits in a JSON document, as a field path.
enum JSONPath {
    static func find(_ value: String, in data: Data) -> String? {
        guard let root = try? JSONSerialization.jsonObject(with: data) else { return nil }
        return search(value, root, path: "")
    }

    private static func search(_ value: String, _ node: Any, path: String) -> String? {
        switch node {
        case let text as String:
            return text == value ? path : nil
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                if let found = search(value, object[key] as Any, path: path.isEmpty ? key : path + "." + key) { return found }
            }
            return nil
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = search(value, element, path: path + "[\(index)]") { return found }
            }
            return nil
        default:
            return nil
        }
    }
}
