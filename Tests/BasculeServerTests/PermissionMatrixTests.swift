import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Walks every API route with every role and checks the answer against the permission table:
/// allowed is never 401/403, refused is 403, and without credentials it is 401.
@Suite("Permission matrix")
struct PermissionMatrixTests {
    struct Route: Sendable, CustomTestStringConvertible {
        let method: HTTPRequest.Method
        let path: String
        let body: String?
        /// nil: anyone signed in.
        let permission: Permission?
        var contentType: String? = nil

        var testDescription: String { "\(method) \(path)" }

        var headers: HTTPFields { contentType.map { [.contentType: $0] } ?? [:] }
    }

    static let routes: [Route] = [
        Route(method: .get, path: "/api/v1/releases", body: nil, permission: .releaseRead),
        Route(method: .post, path: "/api/v1/releases", body: Samples.release, permission: .releaseCreate),
        Route(method: .get, path: "/api/v1/releases/REL-1", body: nil, permission: .releaseRead),
        Route(method: .patch, path: "/api/v1/releases/REL-1", body: #"{"title":"Renamed"}"#, permission: .releaseEdit),
        Route(method: .post, path: "/api/v1/releases/REL-1/transitions", body: #"{"to":"planned"}"#, permission: .releaseTransition),
        Route(method: .delete, path: "/api/v1/releases/REL-2", body: nil, permission: .releaseDelete),
        Route(method: .get, path: "/api/v1/environments", body: nil, permission: .environmentRead),
        Route(method: .post, path: "/api/v1/environments", body: #"{"name":"recette","kind":"test"}"#, permission: .environmentManage),
        Route(method: .get, path: "/api/v1/audit", body: nil, permission: .auditRead),
        Route(method: .get, path: "/api/v1/users", body: nil, permission: .userRead),
        Route(method: .post, path: "/api/v1/users", body: #"{"username":"newcomer","roles":["viewer"]}"#, permission: .userManage),
        Route(method: .patch, path: "/api/v1/users/someone", body: #"{"roles":["operator"]}"#, permission: .userManage),
        Route(method: .put, path: "/api/v1/users/someone/password", body: "{}", permission: .userManage),
        Route(method: .get, path: "/api/v1/teams", body: nil, permission: .teamRead),
        Route(method: .post, path: "/api/v1/teams", body: #"{"name":"payments","members":["someone"]}"#, permission: .teamManage),
        Route(method: .put, path: "/api/v1/teams/ops/members", body: #"{"members":["someone"]}"#, permission: .teamManage),
        Route(method: .get, path: "/api/v1/me", body: nil, permission: nil),
        Route(method: .get, path: "/api/v1/tokens", body: nil, permission: .tokenOwn),
        Route(method: .post, path: "/api/v1/tokens", body: #"{"name":"laptop"}"#, permission: .tokenOwn),
        Route(method: .delete, path: "/api/v1/tokens/\(UUID().uuidString)", body: nil, permission: .tokenOwn),
        Route(method: .get, path: "/api/v1/openapi.yaml", body: nil, permission: nil),
        Route(method: .get, path: "/api/v1/releases/REL-1/policy-check?to=approved", body: nil, permission: .releaseRead),
        Route(method: .get, path: "/api/v1/releases/REL-1/risk-score", body: nil, permission: .releaseRead),
        Route(method: .get, path: "/api/v1/releases/REL-1/plan", body: nil, permission: .releaseRead),
        Route(method: .put, path: "/api/v1/releases/REL-1/plan", body: #"{"scopeIn":["billing"]}"#, permission: .planEdit),
        Route(method: .get, path: "/api/v1/releases/REL-1/documents/rollbackPlan", body: nil, permission: .releaseRead),
        Route(method: .put, path: "/api/v1/releases/REL-1/documents/rollbackPlan", body: #"{"content":"Restore the backup."}"#, permission: .planEdit),
        Route(method: .get, path: "/api/v1/releases/REL-1/changes", body: nil, permission: .releaseRead),
        Route(method: .post, path: "/api/v1/releases/REL-1/changes", body: #"{"title":"Schema"}"#, permission: .changeManage),
        Route(method: .get, path: "/api/v1/changes/CHG-1", body: nil, permission: .releaseRead),
        Route(method: .put, path: "/api/v1/changes/CHG-1", body: #"{"title":"Schema v2"}"#, permission: .changeManage),
        Route(method: .delete, path: "/api/v1/changes/CHG-2", body: nil, permission: .changeManage),
        Route(method: .get, path: "/api/v1/releases/REL-1/test-campaigns", body: nil, permission: .releaseRead),
        Route(method: .post, path: "/api/v1/releases/REL-1/test-campaigns", body: #"{"kind":"regression","passed":9,"failed":1,"skipped":0}"#, permission: .testRecord),
        Route(method: .post, path: "/api/v1/releases/REL-1/test-campaigns/junit?kind=functional", body: #"<testsuite><testcase name="a"/></testsuite>"#,
              permission: .testRecord, contentType: "application/xml"),
        Route(method: .get, path: "/api/v1/releases/REL-3/approvals", body: nil, permission: .releaseRead),
        Route(method: .post, path: "/api/v1/releases/REL-3/approvals/decisions", body: #"{"decision":"approve"}"#, permission: .approvalDecide),
        Route(method: .post, path: "/api/v1/releases/REL-3/approvals/request", body: nil, permission: .approvalRequest),
        Route(method: .get, path: "/api/v1/approvals/inbox", body: nil, permission: .approvalDecide),
        Route(method: .get, path: "/api/v1/policy", body: nil, permission: .policyRead),
        Route(method: .put, path: "/api/v1/policy", body: Samples.policy, permission: .policyManage, contentType: "application/yaml"),
        Route(method: .get, path: "/api/v1/policy/versions", body: nil, permission: .policyRead),
        Route(method: .get, path: "/api/v1/cis", body: nil, permission: .inventoryRead),
        Route(method: .post, path: "/api/v1/cis", body: #"{"key":"new-app","name":"New","type":"application","dependsOn":["db-1"]}"#, permission: .inventoryManage),
        Route(method: .get, path: "/api/v1/cis/db-1", body: nil, permission: .inventoryRead),
        Route(method: .put, path: "/api/v1/cis/app-1", body: #"{"key":"app-1","name":"App renamed","type":"application","dependsOn":["db-1"]}"#, permission: .inventoryManage),
        Route(method: .delete, path: "/api/v1/cis/spare", body: nil, permission: .inventoryManage),
        Route(method: .get, path: "/api/v1/cis/db-1/impact", body: nil, permission: .inventoryRead),
        Route(method: .post, path: "/api/v1/inventory/import?dryRun=true", body: "key,name,type\nx-1,X,server\n", permission: .inventoryManage, contentType: "text/csv"),
        Route(method: .get, path: "/api/v1/inventory/export?format=yaml", body: nil, permission: .inventoryRead),
        Route(method: .get, path: "/api/v1/releases/REL-1/impact", body: nil, permission: .releaseRead),
        Route(method: .get, path: "/api/v1/releases/REL-1/conflicts", body: nil, permission: .releaseRead),
        Route(method: .get, path: "/api/v1/releases/REL-1/slots?within=7d", body: nil, permission: .releaseRead),
        Route(method: .get, path: "/api/v1/calendar?from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:00Z", body: nil, permission: .releaseRead),
        Route(method: .post, path: "/api/v1/calendar/feed-token", body: nil, permission: .releaseRead),
        Route(method: .delete, path: "/api/v1/calendar/feed-token", body: nil, permission: .releaseRead),
        Route(method: .get, path: "/api/v1/maintenance-windows", body: nil, permission: .inventoryRead),
        Route(method: .get, path: "/api/v1/releases/REL-1/runbook", body: nil, permission: .releaseRead),
        Route(method: .put, path: "/api/v1/releases/REL-1/runbook", body: #"{"steps":[{"key":"a","title":"A","phase":"cutover","plannedMinutes":5,"kind":"manual"}]}"#, permission: .runbookEdit),
        Route(method: .get, path: "/api/v1/releases/REL-1/runbook/yaml", body: nil, permission: .releaseRead),
        Route(method: .get, path: "/api/v1/runbook-templates", body: nil, permission: .releaseRead),
        Route(method: .put, path: "/api/v1/runbook-templates/standard", body: "variables: [app]\nsteps:\n  - key: a\n    title: Stop {{app}}\n    duration: 5m\n", permission: .runbookEdit, contentType: "application/yaml"),
        Route(method: .get, path: "/api/v1/releases/REL-1/runs", body: nil, permission: .releaseRead),
        Route(method: .post, path: "/api/v1/releases/REL-1/runs", body: #"{"kind":"rehearsal"}"#, permission: .runExecute),
        Route(method: .get, path: "/api/v1/secrets", body: nil, permission: .secretManage),
        Route(method: .put, path: "/api/v1/secrets/erp-db", body: #"{"value":"x"}"#, permission: .secretManage),
        Route(method: .delete, path: "/api/v1/secrets/nothing", body: nil, permission: .secretManage),
        Route(method: .post, path: "/api/v1/agent-tokens", body: #"{"lifetimeHours":2}"#, permission: .agentManage),
        Route(method: .get, path: "/api/v1/agents", body: nil, permission: .agentRead),
        Route(method: .post, path: "/api/v1/agents/nobody/disable", body: nil, permission: .agentManage),
        Route(method: .delete, path: "/api/v1/agents/nobody", body: nil, permission: .agentManage),
        Route(method: .get, path: "/api/v1/runs/\(UUID().uuidString)/attempts", body: nil, permission: .releaseRead),
        Route(method: .get, path: "/api/v1/runs/\(UUID().uuidString)/rolling-updates", body: nil, permission: .releaseRead),
        Route(method: .post, path: "/api/v1/runs/\(UUID().uuidString)/rolling-updates/roll/roll-back", body: #"{"reason":"errors"}"#, permission: .runExecute),
        Route(method: .get, path: "/api/v1/runs/\(UUID().uuidString)/attempts/s1/1/log", body: nil, permission: .releaseRead),
        Route(method: .get, path: "/api/v1/notifications", body: nil, permission: .notificationsOwn),
        Route(method: .post, path: "/api/v1/notifications/read", body: "{}", permission: .notificationsOwn),
        Route(method: .post, path: "/api/v1/notifications/test", body: nil, permission: .notificationsOwn),
        Route(method: .get, path: "/api/v1/notifications/settings", body: nil, permission: .notificationsOwn),
        Route(method: .put, path: "/api/v1/notifications/settings", body: #"{"language":"fr"}"#, permission: .notificationsOwn),
        Route(method: .get, path: "/api/v1/subscriptions", body: nil, permission: .notificationsOwn),
        Route(method: .post, path: "/api/v1/subscriptions", body: #"{"scope":"release","value":"REL-1","channels":["inbox"]}"#, permission: .notificationsOwn),
        Route(method: .delete, path: "/api/v1/subscriptions/\(UUID().uuidString)", body: nil, permission: .notificationsOwn),
        Route(method: .get, path: "/api/v1/releases/REL-1/stakeholders", body: nil, permission: .releaseRead),
        Route(method: .post, path: "/api/v1/releases/REL-1/stakeholders", body: #"{"kind":"address","name":"payroll@example.com"}"#, permission: .releaseEdit),
        Route(method: .delete, path: "/api/v1/releases/REL-1/stakeholders/team/nobody", body: nil, permission: .releaseEdit),
        Route(method: .get, path: "/api/v1/webhooks", body: nil, permission: .webhookManage),
        Route(method: .post, path: "/api/v1/webhooks", body: #"{"name":"chat","url":"http://127.0.0.1:9/hook"}"#, permission: .webhookManage),
        Route(method: .get, path: "/api/v1/webhooks/\(UUID().uuidString)", body: nil, permission: .webhookManage),
        Route(method: .patch, path: "/api/v1/webhooks/\(UUID().uuidString)", body: #"{"enabled":false}"#, permission: .webhookManage),
        Route(method: .delete, path: "/api/v1/webhooks/\(UUID().uuidString)", body: nil, permission: .webhookManage),
        Route(method: .post, path: "/api/v1/webhooks/\(UUID().uuidString)/rotate-secret", body: "{}", permission: .webhookManage),
        Route(method: .get, path: "/api/v1/webhooks/\(UUID().uuidString)/deliveries", body: nil, permission: .webhookManage),
        Route(method: .get, path: "/api/v1/webhooks/\(UUID().uuidString)/deliveries/msg_x", body: nil, permission: .webhookManage),
        Route(method: .post, path: "/api/v1/webhooks/\(UUID().uuidString)/deliveries/msg_x/replay", body: nil, permission: .webhookManage),
        Route(method: .get, path: "/api/v1/status-page", body: nil, permission: .statusManage),
        Route(method: .put, path: "/api/v1/status-page", body: #"{"environments":["production"],"services":[]}"#, permission: .statusManage),
        Route(method: .get, path: "/api/v1/incidents", body: nil, permission: .incidentRead),
        Route(method: .post, path: "/api/v1/incidents", body: #"{"reference":"INC-1","title":"Down","severity":2,"openedAt":"2027-02-01T10:00:00Z","items":["db-1"]}"#, permission: .incidentRecord),
        Route(method: .get, path: "/api/v1/incidents/INC-404", body: nil, permission: .incidentRead),
        Route(method: .put, path: "/api/v1/incidents/INC-404/attributions/REL-1", body: #"{"decision":"rejected"}"#, permission: .incidentAttribute),
        Route(method: .get, path: "/api/v1/releases/REL-1/incidents", body: nil, permission: .incidentRead),
        Route(method: .get, path: "/api/v1/indicators?from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:00Z", body: nil, permission: .incidentRead),
        Route(method: .get, path: "/api/v1/reports/weekly", body: nil, permission: .incidentRead),
        Route(method: .get, path: "/api/v1/incident-sources", body: nil, permission: .incidentSourceManage),
        Route(method: .post, path: "/api/v1/incident-sources", body: #"{"name":"nagios"}"#, permission: .incidentSourceManage),
        Route(method: .get, path: "/api/v1/releases/REL-1/evidence-pack", body: nil, permission: .auditRead),
        Route(method: .get, path: "/api/v1/meetings", body: nil, permission: .meetingRead),
        Route(method: .post, path: "/api/v1/meetings", body: #"{"kind":"cab","title":"CAB","start":"2027-02-24T13:00:00Z","end":"2027-02-24T14:00:00Z"}"#, permission: .meetingManage),
        Route(method: .post, path: "/api/v1/meetings/MTG-404/decisions", body: #"{"release":"REL-3","decision":"approve"}"#, permission: .approvalDecide),
        Route(method: .get, path: "/api/v1/meeting-series", body: nil, permission: .meetingRead),
        Route(method: .post, path: "/api/v1/meeting-series", body: #"{"name":"CAB","weekday":"tue","time":"14:00","durationMinutes":60}"#, permission: .meetingManage),
        Route(method: .get, path: "/api/v1/actions?mine=true", body: nil, permission: .meetingRead),
        Route(method: .post, path: "/api/v1/actions", body: #"{"title":"Check","owner":"someone","dueAt":"2027-02-01T10:00:00Z"}"#, permission: .actionManage),
        Route(method: .get, path: "/api/v1/releases/REL-1/actions", body: nil, permission: .meetingRead),
        Route(method: .get, path: "/api/v1/releases/REL-1/review", body: nil, permission: .meetingRead),
        Route(method: .put, path: "/api/v1/releases/REL-1/review", body: #"{"objectives":[],"lessons":"","documentation":[]}"#, permission: .meetingManage),
        Route(method: .post, path: "/api/v1/releases/REL-1/review/publish", body: nil, permission: .meetingManage),
        Route(method: .post, path: "/api/v1/releases/REL-1/review/feedback-link", body: nil, permission: .meetingManage),
        Route(method: .post, path: "/api/v1/releases/REL-1/review/feedback", body: #"{"rating":4}"#, permission: .meetingRead),
        Route(method: .get, path: "/api/v1/releases/REL-1/recommendations", body: nil, permission: .meetingRead),
        Route(method: .get, path: "/api/v1/releases/REL-1/commits", body: nil, permission: .releaseRead),
        Route(method: .post, path: "/api/v1/releases/REL-1/commits", body: #"{"commits":[{"hash":"abcdef1","message":"feat: x"}]}"#, permission: .planEdit),
        Route(method: .put, path: "/api/v1/releases/REL-1/commits/abcdef1/kind", body: #"{"kind":"fix"}"#, permission: .planEdit),
        Route(method: .get, path: "/api/v1/releases/REL-1/notes", body: nil, permission: .releaseRead),
        Route(method: .post, path: "/api/v1/releases/REL-1/notes/publish", body: "{}", permission: .planEdit),
        Route(method: .get, path: "/api/v1/releases/REL-1/dependencies", body: nil, permission: .releaseRead),
        Route(method: .post, path: "/api/v1/releases/REL-1/dependencies", body: #"{"release":"REL-3"}"#, permission: .releaseEdit),
        Route(method: .delete, path: "/api/v1/releases/REL-1/dependencies/REL-3", body: nil, permission: .releaseEdit),
        Route(method: .get, path: "/api/v1/releases/REL-1/promotion", body: nil, permission: .releaseRead),
        Route(method: .post, path: "/api/v1/releases/REL-1/promotion", body: #"{"environment":"production","outcome":"failed"}"#, permission: .runExecute),
        Route(method: .put, path: "/api/v1/environments/production/mirror", body: #"{"mirrors":""}"#, permission: .environmentManage),
        Route(method: .post, path: "/api/v1/maintenance-windows", body: #"{"name":"Nights","environments":["production"],"recurrence":{"hours":"22:00-04:00","timeZone":"Europe/Paris"}}"#, permission: .inventoryManage),
    ]

    /// A planned-ready draft (REL-1) with two changes, a draft to delete (REL-2), a planned
    /// release awaiting approval (REL-3), a policy, and a user to manage.
    private static func fixture(_ services: BasculeServices) async throws {
        _ = try await services.environments.create(name: "production", kind: .production)
        let start = Date(timeIntervalSince1970: 1_803_000_000)
        _ = try await services.releases.create(ReleaseInput(title: "One", version: "1", type: .minor, plannedStart: start, plannedEnd: start.addingTimeInterval(3600), environment: "production"))
        _ = try await services.releases.create(ReleaseInput(title: "Two", version: "2", type: .minor))
        _ = try await services.identity.createUser(username: "someone", roles: [.viewer], password: TestApp.password)
        _ = try await services.teams.create(name: "ops", members: [])
        _ = try await services.changes.create(in: "REL-1", ChangeFields(title: "First"))
        _ = try await services.changes.create(in: "REL-1", ChangeFields(title: "Second"))
        _ = try await services.policy.replace(with: Samples.policy)
        let wednesday = Date(timeIntervalSince1970: 1_804_104_000)
        _ = try await services.releases.create(ReleaseInput(title: "Three", version: "3", type: .minor, plannedStart: wednesday, plannedEnd: wednesday.addingTimeInterval(7200), environment: "production"))
        _ = try await services.releases.transition("REL-3", to: .planned)
        _ = try await services.approvals.request("REL-3")
        _ = try await services.inventory.create(CIInput(key: "db-1", name: "Database", type: "database"))
        _ = try await services.inventory.create(CIInput(key: "app-1", name: "App", type: "application", dependsOn: ["db-1"]))
        _ = try await services.inventory.create(CIInput(key: "spare", name: "Spare", type: "server"))
    }

    @Test("each role gets what the table grants and 403 for the rest", arguments: TestEngine.available, Role.allCases)
    func roleAgainstTable(engine: TestEngine, role: Role) async throws {
        try await TestApp.with(engine, roles: [role]) { client, services in
            // given
            try await Self.fixture(services)
            for route in Self.routes {
                // when
                let response = try await client.send(route.method, route.path, json: route.body, headers: route.headers)
                // then
                let allowed = route.permission.map { PermissionTable.allows([role], $0) } ?? true
                let code = Int(response.status.code)
                if allowed {
                    #expect(code != 401 && code != 403, "\(role) \(route.method) \(route.path) answered \(code): \(response.text)")
                } else {
                    #expect(code == 403, "\(role) \(route.method) \(route.path) answered \(code), expected 403")
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
        }
    }

    @Test("without credentials every route but the health check answers 401", arguments: TestEngine.available)
    func anonymous(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await Self.fixture(services)
            for route in Self.routes {
                // when
                let response = try await client.raw.send(route.method, route.path, json: route.body, headers: route.headers)
                // then
                #expect(response.status == .unauthorized, "\(route.method) \(route.path) answered \(response.status.code)")
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
            #expect(try await client.raw.send(.get, "/api/v1/health").status == .ok)
            #expect(try await client.raw.send(.get, "/health").status == .ok)
        }
    }

    @Test("a refusal is audited as permission.denied")
    func refusalAudited() async throws {
        try await TestApp.with(.sqlite, roles: [.viewer]) { client, services in
            // when
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            // then
            let events = try await services.audit.list(.init(actor: client.username)).items
            #expect(events.first?.entry.action == .permissionDenied)
            #expect(events.first?.entry.summary == "releaseCreate refused to \(client.username)")
        }
    }

    @Test("docs/PERMISSIONS.md says what the table says")
    func documentationMatches() throws {
        // given
        let doc = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/PERMISSIONS.md"), encoding: .utf8)
        // then
        for permission in Permission.allCases {
            let row = Role.allCases.map { PermissionTable.allows([$0], permission) ? "✓" : " " }.joined(separator: " | ")
            #expect(doc.contains("| `\(permission.rawValue)` | \(row) |"), "the row of \(permission.rawValue) differs")
        }
    }
}
