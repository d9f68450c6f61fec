import BasculeAPI
import BasculeCore
@testable import BasculeServer
import Foundation
import Testing

@Suite("The release read's own encoder")
struct ReleaseJSONTests {
    /// What the generated layer writes: Foundation's encoder with the API's date transcoder.
    private func generated(_ release: Components.Schemas.Release) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try FlexibleDateTranscoder().encode(date))
        }
        return try encoder.encode(release)
    }

    @Test("it writes what the generated encoder writes, for releases with and without their optional fields")
    func sameAsGenerated() throws {
        // given
        let t0 = Date(timeIntervalSince1970: 1_800_000_000.125)
        let full = Release(
            key: ReleaseKey(number: 7),
            fields: ReleaseFields(title: "Paie «11» / \"urgent\"\n", version: "11.1.0", type: .major,
                                  window: PlannedWindow(start: t0, end: t0.addingTimeInterval(3600)), environment: "production",
                                  owner: "Léa", description: "**gras** \\ é \u{1F680}", tags: ["a/b", "c\"d", "été"]),
            status: .planned, createdAt: t0)
        let bare = Release(key: ReleaseKey(number: 8), fields: ReleaseFields(title: "Bare", version: "1", type: .minor, window: nil,
                                                                             environment: nil, owner: nil, description: "", tags: []),
                           status: .draft, createdAt: Date(timeIntervalSince1970: 1_800_000_000))
        for release in [full, bare] {
            let schema = Components.Schemas.Release(release)
            // when
            let ours = try JSONSerialization.jsonObject(with: Data(ReleaseJSON.encode(schema).utf8)) as? NSDictionary
            let theirs = try JSONSerialization.jsonObject(with: try generated(schema)) as? NSDictionary
            // then
            #expect(ours != nil)
            #expect(ours == theirs)
        }
    }

    @Test("GET /api/v1/releases/{key} answers with the release, its ETag, and a problem for an unknown key")
    func route() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            // when
            let found = try await client.send(.get, "/api/v1/releases/REL-1")
            let missing = try await client.send(.get, "/api/v1/releases/REL-99")
            // then
            #expect(found.status == .ok)
            #expect(found.headers[.eTag] == "\"1\"")
            #expect(try found.json()["title"] as? String == "Billing 4.2")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "application/problem+json")
        }
    }
}
