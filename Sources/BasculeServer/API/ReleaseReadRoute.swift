import BasculeAPI
import BasculeCore
import Hummingbird

/// `GET /api/v1/releases/{key}`, the API's most frequent read, answered outside the generated
/// layer: the same `Components.Schemas.Release` value, written by `ReleaseJSON` instead of
/// Foundation's encoder, which was the largest single cost of the read (measured: 8.6 % of the
/// server's time). A test holds the two encodings equal for every release of the demo, and
/// schemathesis checks the answer against the document like any other.
struct ReleaseReadRoute<Context: RequestContext> {
    static var operation: String { "GET /api/v1/releases/{key}" }

    let releases: ReleaseService

    func register(on router: Router<Context>) {
        router.get("/api/v1/releases/{key}") { _, context in
            let key = try context.parameters.require("key")
            let release = try await releases.get(key)
            let body = ReleaseJSON.encode(Components.Schemas.Release(release))
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8", .eTag: ETag.make(release.revision)],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }
}

/// The `Release` schema as JSON, keys sorted and absent values left out, as the generated
/// encoder writes it.
enum ReleaseJSON {
    static func encode(_ release: Components.Schemas.Release) -> String {
        var json = JSONText()
        json.open()
        json.key("allowedTransitions")
        json.openList()
        for status in release.allowedTransitions { json.item(status.rawValue) }
        json.closeList()
        json.field("createdAt", RFC3339.string(release.createdAt, milliseconds: .whenPresent))
        json.field("description", release.description)
        if let environment = release.environment { json.field("environment", environment) }
        json.field("key", release.key)
        if let owner = release.owner { json.field("owner", owner) }
        if let end = release.plannedEnd { json.field("plannedEnd", RFC3339.string(end, milliseconds: .whenPresent)) }
        if let start = release.plannedStart { json.field("plannedStart", RFC3339.string(start, milliseconds: .whenPresent)) }
        json.field("revision", release.revision)
        json.field("status", release.status.rawValue)
        json.key("tags")
        json.openList()
        for tag in release.tags { json.item(tag) }
        json.closeList()
        json.field("title", release.title)
        json.field("type", release._type.rawValue)
        json.field("updatedAt", RFC3339.string(release.updatedAt, milliseconds: .whenPresent))
        json.field("version", release.version)
        json.close()
        return json.text
    }
}
