import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The plan editor and the documents' pages.
@Suite("Plan editor pages")
struct PlanEditorPagesTests {
    private static func planned(_ services: BasculeServices) async throws -> String {
        _ = try await services.environments.create(name: "production", kind: .production)
        let start = Date().addingTimeInterval(20 * 86_400)
        let release = try await services.releases.create(ReleaseInput(title: "Billing", version: "4.3", type: .minor, plannedStart: start,
                                                                      plannedEnd: start.addingTimeInterval(3600), environment: "production"))
        return release.key.description
    }

    @Test("adding a risk in a blank row, ticking a readiness item and removing another saves the plan and says so", arguments: TestEngine.available)
    func savePlan(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let key = try await Self.planned(services)
            let editor = try await client.send(.get, "/releases/\(key)/plan/edit").text
            let (plan, revision) = try await services.plans.plan(of: key)
            var fields = ["revision": String(revision), "risk.0.title": "Invoices sent twice", "risk.0.probability": "2", "risk.0.impact": "5",
                          "risk.0.status": "open", "risk.0.mitigation": "Idempotent sender", "readiness.0.done": "on", "readiness.1.remove": "on"]
            for (i, item) in plan.readiness.enumerated() { fields["readiness.\(i).title"] = item.title }
            // when
            let saved = try await client.form("/releases/\(key)/plan", fields)
            let after = try await services.plans.plan(of: key).plan
            let page = try await client.send(.get, saved.headers[.location] ?? "/").text
            // then
            #expect(editor.contains(#"name="risk.0.title""#) && editor.contains(#"name="readiness.0.done""#))
            #expect(saved.status == .seeOther)
            #expect(after.risks.map(\.title) == ["Invoices sent twice"])
            #expect(after.risks.first?.score == 10)
            #expect(after.readiness.count == plan.readiness.count - 1)
            #expect(after.readiness.first?.done == true)
            #expect(page.contains("Plan saved."))
        }
    }

    @Test("a probability out of range comes back in French on its row, with what was typed kept, and nothing is saved")
    func refusedInPlace() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let key = try await Self.planned(services)
            let (_, revision) = try await services.plans.plan(of: key)
            // when
            let refused = try await client.form("/releases/\(key)/plan", ["revision": String(revision), "risk.0.title": "Mauvaise surprise",
                                                                          "risk.0.probability": "9", "risk.0.impact": "3"],
                                                headers: [.cookie: "bascule_lang=fr"])
            // then
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("Probabilité (ligne 1)\u{00A0}: doit être compris entre 1 et 5"))
            #expect(refused.text.contains(#"value="Mauvaise surprise""#))
            #expect(refused.text.contains(#"value="9""#))
            #expect(try await services.plans.plan(of: key).plan.risks.isEmpty)
        }
    }

    @Test("a plan saved by someone else in between is refused, and what was typed is kept")
    func staleRevision() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let key = try await Self.planned(services)
            let (plan, revision) = try await services.plans.plan(of: key)
            _ = try await services.plans.replacePlan(of: key, with: plan)
            // when
            let refused = try await client.form("/releases/\(key)/plan", ["revision": String(revision), "objective.0.statement": "Close the month"])
            // then
            #expect(refused.status == .preconditionFailed)
            #expect(refused.text.contains("Someone saved this in the meantime"))
            #expect(refused.text.contains(#"value="Close the month""#))
        }
    }

    @Test("the rollback plan is written on its page; each save is a version, and an earlier one can be read again")
    func documentVersions() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let key = try await Self.planned(services)
            // when
            let first = try await client.form("/releases/\(key)/documents/rollbackPlan", ["content": "1. Restore the dump.", "expectedVersion": "0"])
            let second = try await client.form("/releases/\(key)/documents/rollbackPlan", ["content": "1. Restore the dump.\n2. Redeploy 4.2.", "expectedVersion": "1"])
            let stale = try await client.form("/releases/\(key)/documents/rollbackPlan", ["content": "Mine", "expectedVersion": "1"])
            let older = try await client.send(.get, "/releases/\(key)/documents/rollbackPlan?version=1").text
            let missing = try await client.send(.get, "/releases/\(key)/documents/minutes")
            // then
            #expect(first.status == .seeOther && second.status == .seeOther)
            #expect(first.headers[.location] == "/releases/\(key)/documents/rollbackPlan?done=document_saved")
            #expect(try await services.plans.document(.rollbackPlan, of: key).history.count == 2)
            #expect(stale.status == .preconditionFailed)
            #expect(stale.text.contains(">Mine</textarea>"))
            #expect(older.contains("You are reading version 1; the current one is 2."))
            #expect(missing.status == .notFound)
        }
    }
}
