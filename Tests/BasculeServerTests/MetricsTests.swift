import BasculeCore
@testable import BasculeServer
import BasculeTestSupport
import Foundation
import Logging
import Testing

@Suite("Metrics and logs")
struct MetricsTests {
    @Test("/metrics counts requests by route pattern and status, and tells runs, steps and agents by state")
    func exposition() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given a run under way and a few requests
            try await RunbookAPITests.ready(client, services)
            let run = try await services.runs.create(in: "REL-1", kind: .rehearsal)
            try await services.runs.act(run.id.uuidString, .start("backup"))
            try await client.send(.get, "/api/v1/releases/REL-1")
            try await client.send(.get, "/api/v1/releases/REL-404")
            _ = try await RequestOrigin.asSystem { try await AgentFixture.agent(services, "db-1") }
            // when
            let metrics = try await client.send(.get, "/metrics")
            // then
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(metrics.text.contains(#"bascule_http_requests_total{route="/api/v1/releases/{key}",method="GET",status="200"} 1"#))
            #expect(metrics.text.contains(#"bascule_http_requests_total{route="/api/v1/releases/{key}",method="GET",status="404"} 1"#))
            #expect(metrics.text.contains(#"bascule_runs_in_progress{kind="rehearsal"} 1.0"#))
            #expect(metrics.text.contains(#"bascule_run_steps{state="running"} 1.0"#))
            #expect(metrics.text.contains("# HELP bascule_db_connections_in_use "))
            #expect(metrics.text.contains(#"bascule_agents{state="idle"} 1.0"#))
            #expect(metrics.text.contains(#"bascule_agents{state="lost"} 0.0"#))
            #expect(!metrics.text.contains("REL-1"))
        }
    }

    @Test("/metrics asks for credentials, and for a user who may read the audit trail")
    func guarded() async throws {
        try await TestApp.with(.sqlite, roles: [.viewer]) { client, _ in
            // when
            let anonymous = try await client.raw.send(.get, "/metrics")
            let viewer = try await client.send(.get, "/metrics")
            // then
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.contentType] == "application/problem+json")
            #expect(viewer.status == .forbidden)
        }
    }

    @Test("a JSON log line carries the request id under its own name and escapes what it must")
    func jsonLine() throws {
        // given
        let event = LogEvent(level: .warning, message: "a \"quoted\"\nline", metadata: ["hb.request.id": "abc123", "path": "/x"],
                             source: "test", file: #fileID, function: #function, line: #line)
        // when
        let line = JSONLogHandler.line(event, label: "bascule", metadata: [:], at: Date(timeIntervalSince1970: 1_800_000_000))
        // then
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["request_id"] == "abc123")
        #expect(object["message"] == "a \"quoted\"\nline")
        #expect(object["level"] == "warning")
        #expect(object["time"] == "2027-01-15T08:00:00.000Z")
        #expect(!line.contains("\n"))
    }
}
