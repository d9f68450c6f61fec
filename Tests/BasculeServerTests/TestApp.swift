import BasculeServer
import BasculeStore
import BasculeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// The real application on a fresh database of the given engine.
enum TestApp {
    static func with(
        _ engine: TestEngine, timeZone: String = "Europe/Paris",
        _ body: @Sendable @escaping (any TestClientProtocol, BasculeServices) async throws -> Void
    ) async throws {
        try await TestDatabase.with(engine) { store in
            let services = BasculeServices(store: store)
            let configuration = ServerConfiguration(store: store.location, timeZone: TimeZone(identifier: timeZone) ?? .gmt)
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            let app = try await buildApplication(configuration, services: services, logger: logger)
            try await app.test(.router) { client in try await body(client, services) }
        }
    }
}

/// JSON in and out, the way an API client talks.
extension TestClientProtocol {
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { $0 }
    }

    @discardableResult
    func form(_ uri: String, _ fields: [String: String], headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = fields.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(separator: "&")
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { $0 }
    }
}

extension TestResponse {
    var text: String { body.getString(at: body.readerIndex, length: body.readableBytes) ?? "" }

    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw TestAppError.notAnObject(text)
        }
        return object
    }

    /// The fields named in a problem body.
    func problemFields() throws -> [String] {
        (try json()["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
    }
}

enum TestAppError: Error {
    case notAnObject(String)
}

enum Samples {
    static let release = #"{"title":"Billing 4.2","version":"4.2.0","type":"minor"}"#
    static let plannedRelease = #"{"title":"Billing 4.2","version":"4.2.0","type":"minor","plannedStart":"2027-03-05T21:00:00Z","plannedEnd":"2027-03-06T00:00:00Z","environment":"production","owner":"Claire","objectives":["SEPA instant"],"scope":["billing"]}"#
    static let production = #"{"name":"production","kind":"production"}"#
}
