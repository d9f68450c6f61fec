import HTTPTypes
import Hummingbird
import OpenAPIRuntime

/// Registers the API's operations on the router, as swift-openapi-hummingbird does, with two
/// shortcuts that made up most of an API read's cost over a bare route (measured: /api/v1/health
/// answered at 60 % of /health's rate): a GET, HEAD or DELETE without a body hands the operation
/// no body to collect, and an answer of known length is sent as one buffer rather than streamed.
/// Answers of unknown length (Server-Sent Events) are streamed as they come.
struct RouterTransport<Context: RequestContext>: ServerTransport {
    let router: Router<Context>
    /// Operations (`"GET /api/v1/releases/{key}"`) that a route of their own answers instead.
    var answeredElsewhere: Set<String> = []

    /// Above this, an answer is streamed even when its length is known.
    static var bufferedLimit: Int { 4 << 20 }

    func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String
    ) throws {
        guard !answeredElsewhere.contains("\(method.rawValue) \(path)") else { return }
        router.on(RouterPath(path), method: method) { request, context in
            let length = request.headers[.contentLength].flatMap(Int.init)
            let bodiless = [.get, .head, .delete].contains(request.method) && (length ?? 0) == 0 && request.headers[.transferEncoding] == nil
            let body: HTTPBody? = bodiless ? nil : HTTPBody(
                request.body.map { [UInt8](buffer: $0) }, length: length.map { .known(Int64($0)) } ?? .unknown, iterationBehavior: .single)
            let parameters = [String: Substring](context.parameters.map { (String($0.0), $0.1) }) { first, _ in first }
            let (response, responseBody) = try await handler(request.head, body, ServerRequestMetadata(pathParameters: parameters))
            guard let responseBody else { return Response(status: response.status, headers: response.headerFields, body: .init()) }
            if case .known(let size) = responseBody.length, size <= Self.bufferedLimit {
                let bytes = try await [UInt8](collecting: responseBody, upTo: Int(size))
                return Response(status: response.status, headers: response.headerFields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
            let buffers = responseBody.map { ByteBuffer(bytes: $0) }
            return Response(status: response.status, headers: response.headerFields, body: .init(asyncSequence: buffers))
        }
    }
}
