import BasculeCore
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

/// The real application on a fresh database of the given engine, with a signed-in user of
/// the given roles whose token the client sends.
enum TestApp {
    static func with(
        _ engine: TestEngine, timeZone: String = "Europe/Paris", roles: Set<Role> = [.admin], sending: Bool = false,
        _ body: @Sendable @escaping (SignedInClient, BasculeServices) async throws -> Void
    ) async throws {
        // Set-up and the services a test calls directly act as the system; requests sent
        // through the client act as whoever their credentials say, as in service.
        try await TestDatabase.with(engine) { store in try await RequestOrigin.asSystem {
            let services = BasculeServices(store: store, passwordCost: 4, vault: TestApp.vault)
            let username = roles.sorted().map(\.rawValue).joined(separator: "-").lowercased()
            _ = try await services.identity.createUser(username: username, roles: roles, password: TestApp.password)
            let (_, token) = try await services.identity.createToken(name: "tests", for: username)
            var configuration = ServerConfiguration(timeZone: TimeZone(identifier: timeZone) ?? .gmt)
            configuration.sendsNotifications = sending
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let app = try await buildApplication(configuration, services: services, logger: logger)
            try await app.test(.router) { client in
                try await body(SignedInClient(raw: client, token: token, username: username), services)
            }
        } }
    }

    static let password = "correct horse battery staple"
    /// Secrets and webhook keyrings are sealed under this key in tests.
    static let vault = SecretVault(key: SecretVault.key(base64: Data(repeating: 7, count: 32).base64EncodedString()))
}

/// A client that sends the token of the signed-in test user; `raw` sends nothing.
struct SignedInClient: Sendable {
    let raw: any TestClientProtocol
    let token: String
    let username: String

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if headers[.authorization] == nil { headers[.authorization] = "Bearer \(token)" }
        return try await raw.send(method, uri, json: json, headers: headers)
    }

    @discardableResult
    func form(_ uri: String, _ fields: [String: String], headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if headers[.authorization] == nil { headers[.authorization] = "Bearer \(token)" }
        return try await raw.form(uri, fields, headers: headers)
    }
}

/// JSON in and out, the way an API client talks.
extension TestClientProtocol {
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
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

    func jsonArray() throws -> [Any] {
        guard let array = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else { throw TestAppError.notAnObject(text) }
        return array
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
    static let plannedRelease = #"{"title":"Billing 4.2","version":"4.2.0","type":"minor","plannedStart":"2027-03-05T21:00:00Z","plannedEnd":"2027-03-06T00:00:00Z","environment":"production","owner":"Claire","tags":["billing"]}"#
    static let production = #"{"name":"production","kind":"production"}"#
    /// No production release on Friday, and two approvers for production.
    static let policy = """
        timeZone: Europe/Paris
        rules:
          - id: no-friday
            kind: allowedDays
            environment: production
            days: [mon, tue, wed, thu]
          - id: cab
            kind: approvals
            when: {environments: [production]}
            roles: [approver]
            count: 2
        """
    /// Wednesday 2027-03-03 21:00–23:00 in Paris.
    static let wednesdayRelease = #"{"title":"Payroll 3.1","version":"3.1.0","type":"minor","plannedStart":"2027-03-03T20:00:00Z","plannedEnd":"2027-03-03T22:00:00Z","environment":"production"}"#
}
