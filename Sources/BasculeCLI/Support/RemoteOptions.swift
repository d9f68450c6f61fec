import ArgumentParser
import AsyncHTTPClient
import BasculeAPI
import Foundation
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// One client for the process. A refused connection fails at once instead of being retried
/// until the request's deadline: the person at the terminal wants to know now.
private let cliHTTPClient: HTTPClient = {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool.retryConnectionEstablishment = false
    configuration.timeout.connect = .seconds(5)
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}()

/// How the client commands reach a server: `--server`, then BASCULE_SERVER, then the local default.
struct RemoteOptions: ParsableArguments {
    @Option(help: "Base URL of the Bascule server (or BASCULE_SERVER, or the one `bascule login` saved; default http://127.0.0.1:8080).")
    var server: String?

    @Option(help: "API token (or BASCULE_TOKEN, or the one `bascule login` saved).")
    var token: String?

    @Flag(help: "Print JSON, for scripts, instead of a table.")
    var json = false

    var serverURL: String {
        let value = server ?? ProcessInfo.processInfo.environment["BASCULE_SERVER"] ?? Credentials.load()?.server ?? "http://127.0.0.1:8080"
        return value.hasSuffix("/") ? String(value.dropLast()) : value
    }

    /// The token to send: the saved one only for the server it was saved for.
    var bearerToken: String? {
        if let token, !token.isEmpty { return token }
        if let token = ProcessInfo.processInfo.environment["BASCULE_TOKEN"], !token.isEmpty { return token }
        guard let saved = Credentials.load(), saved.server == serverURL else { return nil }
        return saved.token
    }

    func client(authenticated: Bool = true) throws -> Client {
        guard let base = URL(string: serverURL), let scheme = base.scheme, ["http", "https"].contains(scheme), base.host != nil else {
            throw CLIError.invalidOption("--server must be an http(s) URL such as http://127.0.0.1:8080")
        }
        let middlewares: [any ClientMiddleware] = authenticated ? bearerToken.map { [BearerMiddleware(token: $0)] } ?? [] : []
        return Client(
            serverURL: base.appendingPathComponent("api/v1"), configuration: .bascule,
            transport: AsyncHTTPClientTransport(configuration: .init(client: cliHTTPClient, timeout: .seconds(30))),
            middlewares: middlewares)
    }

    /// A page of the site (the printable report), as the signed-in token sees it.
    func page(_ path: String, language: String = "en") async throws -> String {
        guard let url = URL(string: serverURL + path) else { throw CLIError.invalidOption("--server must be an http(s) URL") }
        var request = HTTPClientRequest(url: url.absoluteString)
        if let token = bearerToken { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.headers.add(name: "Accept-Language", value: language)
        let response: HTTPClientResponse
        do { response = try await cliHTTPClient.execute(request, timeout: .seconds(60)) } catch { throw CLIError.serverUnreachable(serverURL) }
        let body = try await response.body.collect(upTo: 20 * 1024 * 1024)
        guard response.status == .ok else { throw CLIError.refused(status: Int(response.status.code), detail: "the page \(path) was refused", fields: []) }
        return String(buffer: body)
    }

    /// Runs a call, turning transport failures into one readable line.
    func call<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ClientError {
            if error.underlyingError is DecodingError {
                throw CLIError.store("the server's answer could not be read: is \(serverURL) a Bascule server of the same version?")
            }
            throw CLIError.serverUnreachable(serverURL)
        }
    }

    func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

extension CLIError {
    /// The problem the server answered, as one line naming the fields.
    static func refusal(_ problem: Components.Responses.Problem) -> CLIError {
        guard case .applicationProblemJson(let body) = problem.body else { return .unexpectedAnswer(0) }
        var fields = (body.errors ?? []).map { "\($0.field)\($0.line.map { " (line \($0))" } ?? ""): \($0.message)" }
        if let allowed = body.allowedTransitions, !(body.detail ?? "").contains("allowed") {
            fields.append("allowed: " + (allowed.isEmpty ? "none" : allowed.map(\.rawValue).joined(separator: ", ")))
        }
        var detail = body.detail ?? body.title
        if body.status == 401 { detail += " (run `bascule login`, or set BASCULE_TOKEN)" }
        return .refused(status: body.status, detail: detail, fields: fields)
    }
}
