import AsyncHTTPClient
import BasculeCore
import BasculeServer
import Foundation
import NIOCore
import NIOHTTP1

/// What the agent could not do with the server: kept apart from a refused answer so that a
/// lost connection is retried and a refusal is not.
public enum AgentError: Error, CustomStringConvertible, Equatable {
    /// The server could not be reached, or answered 5xx: try again later.
    case unreachable(String)
    /// The server refused (4xx): its problem's detail.
    case refused(status: Int, detail: String, expectedOffset: Int64?)
    case invalidSetup(String)

    public var description: String {
        switch self {
        case .unreachable(let why): return "server unreachable: \(why)"
        case .refused(let status, let detail, _): return "refused (\(status)): \(detail)"
        case .invalidSetup(let why): return why
        }
    }
}

/// The agent's side of the protocol (docs/AGENTS.md), over outbound HTTP only.
public struct AgentClient: Sendable {
    let base: String
    let credential: String?
    let http: HTTPClient

    public init(server: String, credential: String?, http: HTTPClient) {
        self.base = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.credential = credential
        self.http = http
    }

    func with(credential: String) -> AgentClient { AgentClient(server: base, credential: credential, http: http) }

    public func register(_ registration: AgentWire.Registration) async throws -> AgentWire.Registered {
        try decode(try await send(.POST, "register", json: registration, timeout: 30))
    }

    /// Waits up to `wait` seconds for a step; nil when none came.
    func poll(wait: TimeInterval) async throws -> AgentWire.Work? {
        let answer = try await send(.POST, "poll?wait=\(Int(wait))", body: ByteBuffer(), timeout: wait + 15)
        return answer.status == .noContent ? nil : try decode(answer)
    }

    func describe(_ description: AgentWire.Description) async throws {
        _ = try await send(.PUT, "self", json: description, timeout: 10)
    }

    func heartbeat(_ beat: AgentWire.Heartbeat) async throws -> AgentWire.HeartbeatAnswer {
        try decode(try await send(.POST, "heartbeat", json: beat, timeout: 10))
    }

    func log(attempt: UUID, offset: Int64, stream: String, data: ByteBuffer) async throws -> Int64 {
        let answer: AgentWire.LogAnswer = try decode(try await send(.PUT, "attempts/\(attempt.uuidString.lowercased())/log?offset=\(offset)&stream=\(stream)",
                                                                      body: data, timeout: 30))
        return answer.end
    }

    func result(attempt: UUID, _ result: AgentWire.Result) async throws -> AgentWire.ResultAnswer {
        try decode(try await send(.POST, "attempts/\(attempt.uuidString.lowercased())/result", json: result, timeout: 30))
    }

    /// A rolling update's report so far (`PUT attempts/{id}/report`).
    func report(attempt: UUID, _ report: RollingReport) async throws {
        _ = try await send(.PUT, "attempts/\(attempt.uuidString.lowercased())/report", json: report, timeout: 10)
    }

    func handTask(attempt: UUID, _ request: AgentWire.TaskRequest) async throws -> AgentWire.TaskView {
        try decode(try await send(.POST, "attempts/\(attempt.uuidString.lowercased())/tasks", json: request, timeout: 10))
    }

    func task(_ id: UUID) async throws -> AgentWire.TaskView {
        try decode(try await send(.GET, "tasks/\(id.uuidString.lowercased())", body: ByteBuffer(), timeout: 10))
    }

    func cancelTask(_ id: UUID) async throws -> AgentWire.TaskView {
        try decode(try await send(.DELETE, "tasks/\(id.uuidString.lowercased())", body: ByteBuffer(), timeout: 10))
    }

    func taskResult(_ id: UUID, _ result: AgentWire.TaskResult) async throws {
        _ = try await send(.POST, "tasks/\(id.uuidString.lowercased())/result", json: result, timeout: 30)
    }

    struct Answer {
        let status: HTTPResponseStatus
        let body: ByteBuffer
    }

    private func send<T: Encodable>(_ method: HTTPMethod, _ path: String, json: T, timeout: TimeInterval) async throws -> Answer {
        try await send(method, path, body: ByteBuffer(data: try JSONEncoder().encode(json)), timeout: timeout)
    }

    private func send(_ method: HTTPMethod, _ path: String, body: ByteBuffer, timeout: TimeInterval) async throws -> Answer {
        var request = HTTPClientRequest(url: "\(base)/api/v1/agent/\(path)")
        request.method = method
        request.headers.add(name: "Content-Type", value: path.contains("/log?") ? "application/octet-stream" : "application/json")
        if let credential { request.headers.add(name: "Authorization", value: "Bearer \(credential)") }
        request.body = .bytes(body)
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            bytes = try await response.body.collect(upTo: 4 * 1024 * 1024)
        } catch {
            throw AgentError.unreachable(String(describing: error))
        }
        switch response.status.code {
        case 200..<300: return Answer(status: response.status, body: bytes)
        case 500...: throw AgentError.unreachable("HTTP \(response.status.code)")
        default:
            let problem = try? JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any]
            let expected = (problem?["expectedOffset"] as? NSNumber)?.int64Value
            throw AgentError.refused(status: Int(response.status.code), detail: problem?["detail"] as? String ?? "HTTP \(response.status.code)", expectedOffset: expected)
        }
    }

    private func decode<T: Decodable>(_ answer: Answer) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(buffer: answer.body)) } catch {
            throw AgentError.refused(status: Int(answer.status.code), detail: "the server's answer could not be read: is it a Bascule server of the same version?", expectedOffset: nil)
        }
    }
}
