@testable import BasculeCore
import Foundation
import Testing

@Suite("Risk score")
struct RiskScoreTests {
    private let now = Date(timeIntervalSince1970: 1_804_150_800)

    private func release(_ status: ReleaseStatus) -> Release {
        Release(key: ReleaseKey(number: 1), fields: ReleaseFields(title: "ERP", version: "2.0", type: .patch), status: status, createdAt: now)
    }

    /// A dossier whose readiness checklist is done, so that only the factor under test counts.
    private func dossier(_ status: ReleaseStatus) -> ReleaseDossier {
        ReleaseDossier(release: release(status), plan: ReleasePlan(readiness: []), now: now)
    }

    @Test("each gate passed by override adds ten points, up to twenty")
    func overridesCount() {
        // given
        let override = GateOverride(target: .approved, rules: ["cab"], reason: "urgent", actor: "claire", at: now)
        // when
        let one = RiskScore(dossier: dossier(.approved), policyFailures: [], signals: .init(overrides: [override]))
        let three = RiskScore(dossier: dossier(.approved), policyFailures: [], signals: .init(overrides: [override, override, override]))
        // then
        #expect(one.score == 10)
        #expect(three.score == 20)
        #expect(three.factors.first?.explanation.fr.contains("dérogeant") == true)
    }

    @Test("readiness items not done count once the release is approved, not while it is planned")
    func openReadiness() {
        // given
        var plan = ReleasePlan()
        plan.readiness = [ReadinessItem(title: "Support briefed", done: false), ReadinessItem(title: "Backups checked", done: true)]
        // when
        let planned = RiskScore(dossier: ReleaseDossier(release: release(.planned), plan: plan, now: now), policyFailures: [])
        let approved = RiskScore(dossier: ReleaseDossier(release: release(.approved), plan: plan, now: now), policyFailures: [])
        // then
        #expect(planned.score == 0)
        #expect(approved.score == 3)
        #expect(approved.factors.map(\.name) == ["readinessOpen"])
    }

    @Test("a live run counts from fifteen minutes late, a point per three minutes, up to twenty-five")
    func liveDelay() {
        // given
        let dossier = dossier(.inProgress)
        // when
        let slight = RiskScore(dossier: dossier, policyFailures: [], signals: .init(liveDelay: 10 * 60))
        let late = RiskScore(dossier: dossier, policyFailures: [], signals: .init(liveDelay: 51 * 60))
        let very = RiskScore(dossier: dossier, policyFailures: [], signals: .init(liveDelay: 200 * 60))
        // then
        #expect(slight.score == 0)
        #expect(late.score == 17)
        #expect(very.score == 25)
    }

    @Test("a late live run under three overrides with readiness open is at risk")
    func lateCutoverIsAtRisk() {
        // given
        var plan = ReleasePlan()
        plan.readiness = (1...5).map { ReadinessItem(title: "item \($0)", done: false) }
        let override = GateOverride(target: .ready, rules: ["rehearsal"], reason: "agreed", actor: "claire", at: now)
        var major = release(.inProgress)
        major.fields.type = .major
        // when
        let score = RiskScore(dossier: ReleaseDossier(release: major, plan: plan, now: now), policyFailures: [],
                              signals: .init(overrides: [override, override, override], liveDelay: 51 * 60))
        // then
        #expect(score.score == 10 + 20 + 15 + 17)
        #expect(score.status == .atRisk)
    }
}
