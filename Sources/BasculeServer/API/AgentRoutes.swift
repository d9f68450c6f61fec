import BasculeCore
import BasculeStore
import Foundation
import HTTPTypes
import Hummingbird

/// The agent protocol (docs/AGENTS.md): agents register with a one-time token, then present
/// their own credential on every call. Only agents speak it, and they speak nothing else.
struct AgentRoutes<Context: RequestContext> {
    let agents: AgentService

    static var prefix: String { "/api/v1/agent/" }

    func register(on router: Router<Context>) {
        let group = router.group("/api/v1/agent")
        group.post("register") { request, context in
            let body: AgentWire.Registration = try await Self.decode(request, context)
            let (agent, credential) = try await agents.register(token: body.token, name: body.name, labels: body.labels, version: body.version, host: body.host)
            return try Self.json(AgentWire.Registered(name: agent.name, credential: credential, heartbeatSeconds: agents.settings.heartbeat), status: .created)
        }
        group.post("poll") { request, context in
            let agent = try await authenticate(request)
            let wait = request.uri.queryParameters.get("wait", as: Double.self)
            let assignment = try await asAgent(agent, request) { try await agents.poll(agent, wait: wait) }
            guard let assignment else { return Response(status: .noContent) }
            return try Self.json(AgentWire.Work(assignment, settings: agents.settings))
        }
        group.put("self") { request, context in
            let agent = try await authenticate(request)
            let body: AgentWire.Description = try await Self.decode(request, context)
            try await asAgent(agent, request) { try await agents.describe(agent, labels: body.labels, version: body.version, host: body.host) }
            return Response(status: .noContent)
        }
        group.post("heartbeat") { request, context in
            let agent = try await authenticate(request)
            let body: AgentWire.Heartbeat = try await Self.decode(request, context)
            let state = try await asAgent(agent, request) { try await agents.heartbeat(agent, attempt: body.attempt) }
            if let task = body.task {
                let taskState = try await asAgent(agent, request) { try await agents.taskHeartbeat(agent, task: task) }
                return try Self.json(AgentWire.HeartbeatAnswer(attemptState: taskState?.rawValue, stop: taskState.map { $0 != .running } ?? true))
            }
            var asked: String?
            if state == .running, let attempt = body.attempt { asked = try await agents.rollbackAsked(attempt: attempt) }
            return try Self.json(AgentWire.HeartbeatAnswer(attemptState: state?.rawValue, stop: state.map { $0 != .running } ?? false,
                                                           rollBack: asked.map { _ in true }, rollBackReason: asked))
        }
        group.post("attempts/{id}/tasks") { request, context in
            let agent = try await authenticate(request)
            let id = try Self.attempt(context)
            let body: AgentWire.TaskRequest = try await Self.decode(request, context)
            guard let action = InstanceTask.Action(rawValue: body.action) else {
                throw ServiceError.badRequest([FieldError("action", "must be stop, start or version")])
            }
            let task = try await asAgent(agent, request) {
                try await agents.handTask(agent, attempt: id, instance: body.instance, action: action, version: body.version, timeout: body.timeoutSeconds)
            }
            return try Self.json(AgentWire.TaskView(task), status: .created)
        }
        group.get("tasks/{id}") { request, context in
            let agent = try await authenticate(request)
            let id = try Self.attempt(context)
            return try Self.json(AgentWire.TaskView(try await asAgent(agent, request) { try await agents.task(agent, id: id) }))
        }
        group.delete("tasks/{id}") { request, context in
            let agent = try await authenticate(request)
            let id = try Self.attempt(context)
            return try Self.json(AgentWire.TaskView(try await asAgent(agent, request) { try await agents.cancelTask(agent, id: id) }))
        }
        group.post("tasks/{id}/result") { request, context in
            let agent = try await authenticate(request)
            let id = try Self.attempt(context)
            let body: AgentWire.TaskResult = try await Self.decode(request, context, limit: 256 * 1024)
            let result = try AgentWire.Result(outcome: body.outcome, exitCode: body.exitCode, summary: body.summary, logSize: 0).attemptResult()
            try await asAgent(agent, request) { try await agents.finishTask(agent, id: id, result: result, output: body.output) }
            return Response(status: .noContent)
        }
        group.put("attempts/{id}/report") { request, context in
            let agent = try await authenticate(request)
            let id = try Self.attempt(context)
            let body: RollingReport = try await Self.decode(request, context, limit: 1024 * 1024)
            try await asAgent(agent, request) { try await agents.saveReport(agent, attempt: id, report: body) }
            return Response(status: .noContent)
        }
        group.put("attempts/{id}/log") { request, context in
            let agent = try await authenticate(request)
            let id = try Self.attempt(context)
            guard let offset = request.uri.queryParameters.get("offset", as: Int64.self) else {
                throw ServiceError.badRequest([FieldError("offset", "is required: the byte offset of the chunk in the attempt's output")])
            }
            let stream = request.uri.queryParameters.get("stream") ?? "stdout"
            let body = try await request.body.collect(upTo: LogCap.chunk)
            let answer = try await asAgent(agent, request) {
                try await agents.appendLog(agent, attempt: id, offset: offset, stream: stream, data: Data(buffer: body))
            }
            switch answer {
            case .acknowledged(let end): return try Self.json(AgentWire.LogAnswer(end: end))
            case .gap(let expected): return Self.gap(expected: expected, path: request.uri.path)
            case .closed: throw ServiceError.conflict("attempt \(id.uuidString.lowercased()) is not running: its output is closed")
            }
        }
        group.post("attempts/{id}/result") { request, context in
            let agent = try await authenticate(request)
            let id = try Self.attempt(context)
            let body: AgentWire.Result = try await Self.decode(request, context)
            let result = try body.attemptResult()
            let attempt = try await asAgent(agent, request) { try await agents.finish(agent, attempt: id, result: result, logSize: body.logSize, interruption: body.interruption) }
            var next: AgentWire.Work?
            var idle = agent
            idle.currentAttempt = nil  // the attempt it held has just ended
            if body.takeNext == true, let assignment = try await asAgent(idle, request, { try await agents.poll(idle, wait: 0) }) {
                next = AgentWire.Work(assignment, settings: agents.settings)
            }
            return try Self.json(AgentWire.ResultAnswer(state: attempt.state.rawValue, outcome: attempt.outcome, next: next))
        }
    }

    private func authenticate(_ request: Request) async throws -> Agent {
        let parts = (request.headers[.authorization] ?? "").split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw ServiceError.unauthorized("an agent sends `Authorization: Bearer <agent credential>`")
        }
        return try await agents.authenticate(String(parts[1]))
    }

    private func asAgent<R: Sendable>(_ agent: Agent, _ request: Request, _ body: () async throws -> R) async throws -> R {
        var origin = RequestOrigin.current
        origin.principal = .agent(agent.name)
        return try await RequestOrigin.$current.withValue(origin, operation: body)
    }

    private static func attempt(_ context: Context) throws -> UUID {
        let text = try context.parameters.require("id")
        guard let id = UUID(uuidString: text) else { throw ServiceError.notFound("attempt \(text)") }
        return id
    }

    private static func decode<T: Decodable>(_ request: Request, _ context: Context, limit: Int = 64 * 1024) async throws -> T {
        let body = try await request.body.collect(upTo: limit)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch {
            throw ServiceError.badRequest([FieldError("body", "is not the JSON this call takes (docs/AGENTS.md)")])
        }
    }

    private static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(value))))
    }

    /// 409 with the offset the server expects, in the problem body and a header.
    private static func gap(expected: Int64, path: String) -> Response {
        let detail = "the chunk starts after the end of the log: send from offset \(expected)"
        let body = #"{"detail":"\#(detail)","expectedOffset":\#(expected),"instance":"\#(path)","status":409,"title":"Conflict","type":"about:blank"}"#
        return Response(status: .conflict, headers: [.contentType: ProblemDocument.contentType, expectedOffsetHeader: String(expected)],
                        body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static var expectedOffsetHeader: HTTPField.Name { HTTPField.Name("Bascule-Expected-Offset")! }
}
