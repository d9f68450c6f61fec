import BasculeCore
import Foundation
import Testing

@Suite("Policy rules about approvals and artefacts, and the policy as a whole")
struct GateRuleTests {
    let cab = ApprovalRule(id: "cab", environments: ["production"], roles: [.approver], count: 2)
    let release = Paris.release("2027-03-03 20:00", "2027-03-03 22:00")

    func round(_ decisions: [ApprovalDecision] = []) -> ApprovalRound {
        ApprovalRound(requestedBy: "rita", requestedAt: Paris.at("2027-01-05 09:00"), requirements: [cab.requirement], decisions: decisions)
    }

    func approve(_ name: String, _ kind: ApprovalDecisionKind = .approve, comment: String = "") -> ApprovalDecision {
        ApprovalDecision(approver: name, roles: [.approver], decision: kind, comment: comment, at: Paris.at("2027-01-06 09:00"))
    }

    func change(by requester: String, risk: RiskLevel = .low) -> Change {
        Change(key: ChangeKey(number: 4), releaseKey: release.key, fields: ChangeFields(title: "Schema", risk: risk),
               requestedBy: requester, createdAt: Paris.at("2027-01-05 09:00"))
    }

    @Test("approvals not yet requested fail the gate and say how many are needed")
    func notRequested() {
        // when
        let result = Paris.evaluate(cab, Paris.dossier(release))
        // then
        #expect(result.verdict == .fail)
        #expect(result.explanation.en.contains("approval has not been requested; 2 approval(s) from approver"))
    }

    @Test("the quorum opens the gate")
    func quorumPasses() {
        // when
        let one = Paris.evaluate(cab, Paris.dossier(release, approvals: round([approve("ana")])))
        let two = Paris.evaluate(cab, Paris.dossier(release, approvals: round([approve("ana"), approve("bob")])))
        // then
        #expect(one.verdict == .fail)
        #expect(one.explanation.en.contains("waiting for 1 more"))
        #expect(two.verdict == .pass)
    }

    @Test("one rejection fails the gate whatever the count")
    func rejectionFails() {
        // when
        let result = Paris.evaluate(cab, Paris.dossier(release, approvals: round([approve("ana"), approve("bob"), approve("cy", .reject, comment: "no rollback tested")])))
        // then
        #expect(result.verdict == .fail)
        #expect(result.explanation.en.contains("rejected by cy: no rollback tested"))
    }

    @Test("voided approvals fail the gate and say why")
    func voidedFails() {
        // given
        let voided = round([approve("ana"), approve("bob")]).voided(because: "the planned window moved", at: Paris.at("2027-01-07 09:00"))
        // when
        let result = Paris.evaluate(cab, Paris.dossier(release, approvals: voided))
        // then
        #expect(result.verdict == .fail)
        #expect(result.explanation.en.contains("voided because the planned window moved"))
    }

    @Test("an approval rule with a risk threshold ignores releases below it")
    func riskThreshold() {
        // given
        let rule = ApprovalRule(id: "high-risk", riskAtLeast: .high, roles: [.approver], count: 1)
        // when
        let low = Paris.evaluate(rule, Paris.dossier(release, changes: [change(by: "dev", risk: .low)]))
        let high = Paris.evaluate(rule, Paris.dossier(release, changes: [change(by: "dev", risk: .high)]))
        // then
        #expect(low.verdict == .notApplicable)
        #expect(high.verdict == .fail)
    }

    @Test("an approval rule by type ignores other types")
    func typeCondition() {
        // given
        let rule = ApprovalRule(id: "major", types: [.major], roles: [.approver], count: 1)
        // when
        let result = Paris.evaluate(rule, Paris.dossier(release))
        // then
        #expect(result.verdict == .notApplicable)
    }

    @Test("approving twice is refused")
    func approvingTwice() throws {
        // given
        let once = try round().deciding(approve("ana"), changeRequesters: [:])
        // when / then
        #expect(throws: CoreError.notAllowed("ana has already decided on this release in this round")) {
            try once.deciding(approve("ana"), changeRequesters: [:])
        }
    }

    @Test("the requester of a change never approves its release")
    func ownChange() {
        #expect(throws: CoreError.notAllowed("ana requested CHG-4 in this release; the requester of a change never approves it")) {
            try round().deciding(approve("ana"), changeRequesters: [ChangeKey(number: 4): "ana"])
        }
    }

    @Test("someone without a required role cannot decide")
    func wrongRole() {
        // given
        let viewer = ApprovalDecision(approver: "val", roles: [.viewer], decision: .approve, comment: "", at: Paris.at("2027-01-06 09:00"))
        // when / then
        #expect(throws: CoreError.self) { try round().deciding(viewer, changeRequesters: [:]) }
    }

    @Test("rejecting or approving with conditions needs a comment, and conditions")
    func commentRequired() {
        #expect(throws: CoreError.invalid([FieldError("comment", "is required to reject or to approve with conditions")])) {
            try round().deciding(approve("ana", .reject), changeRequesters: [:])
        }
        #expect(throws: CoreError.invalid([FieldError("conditions", "are required to approve with conditions")])) {
            try round().deciding(approve("ana", .approveWithConditions, comment: "ok if"), changeRequesters: [:])
        }
    }

    @Test("a voided round takes no decision")
    func voidedRoundRefuses() {
        // given
        let voided = round().voided(because: "CHG-9 was added", at: Paris.at("2027-01-07 09:00"))
        // when / then
        #expect(throws: CoreError.self) { try voided.deciding(approve("ana"), changeRequesters: [:]) }
    }

    @Test("required artefacts list everything missing")
    func artefactsMissing() {
        // given
        let rule = ArtefactsRule(id: "dossier", require: [.rollbackPlan, .releaseNotes, .risksAssessed, .readinessComplete],
                                 tests: [.init(kinds: [.regression], minPassRate: 95)])
        // when
        let result = Paris.evaluate(rule, Paris.dossier(release, documents: [.releaseNotes]))
        // then
        #expect(result.verdict == .fail)
        #expect(result.explanation.en.contains("a rollback plan"))
        #expect(!result.explanation.en.contains("release notes"))
        #expect(result.explanation.en.contains("an assessed risk register"))
        #expect(result.explanation.en.contains("4 item(s) open"))
        #expect(result.explanation.en.contains("a regression test campaign passing at least 95 %"))
    }

    @Test("required artefacts pass when all are there and the latest campaign passes enough")
    func artefactsPresent() {
        // given
        let rule = ArtefactsRule(id: "dossier", require: [.rollbackPlan, .risksAssessed, .readinessComplete], tests: [.init(kinds: [.regression], minPassRate: 95)])
        let plan = ReleasePlan(risks: [Risk(title: "Lock", probability: 2, impact: 3, mitigation: "Off-peak", owner: "dba")],
                               readiness: [ReadinessItem(title: "Probes", done: true)])
        let old = TestCampaign(kind: .regression, environment: nil, result: TestResult(passed: 50, failed: 50, skipped: 0), evidence: nil,
                               source: "manual", recordedBy: "dev", recordedAt: Paris.at("2027-01-05 09:00"))
        let new = TestCampaign(kind: .regression, environment: nil, result: TestResult(passed: 99, failed: 1, skipped: 3), evidence: nil,
                               source: "manual", recordedBy: "dev", recordedAt: Paris.at("2027-01-06 09:00"))
        // when
        let result = Paris.evaluate(rule, Paris.dossier(release, plan: plan, documents: [.rollbackPlan], campaigns: [new, old]))
        // then
        #expect(result.verdict == .pass)
    }

    @Test("a rule is not applicable at a gate it does not guard")
    func otherGate() {
        // given
        let policy = ReleasePolicy(timeZone: Paris.zone, rules: [cab])
        // when
        let check = policy.check(Paris.dossier(release), to: .ready)
        // then
        #expect(check.outcomes.first?.verdict == .notApplicable)
        #expect(check.passed)
    }

    @Test("an emergency release has its skipped rules waived, and its approvals may follow until the deadline")
    func emergencyProvision() {
        // given
        let noFriday = AllowedDaysRule(id: "no-friday", environment: "production", days: [.mon, .tue, .wed, .thu])
        let policy = ReleasePolicy(timeZone: Paris.zone, emergency: EmergencyProvision(skips: ["no-friday", "cab"], approvalsWithinHours: 48),
                                   rules: [noFriday, cab])
        let emergency = Paris.release("2027-03-05 14:00", "2027-03-05 15:00", type: .emergency)
        // when
        let before = policy.check(Paris.dossier(emergency, now: "2027-03-05 10:00"), to: .approved)
        let late = policy.check(Paris.dossier(emergency, now: "2027-03-07 15:00"), to: .approved)
        let closing = policy.check(Paris.dossier(emergency, now: "2027-03-06 10:00"), to: .closed)
        // then
        #expect(before.outcomes.map(\.verdict) == [.waived, .waived])
        #expect(before.outcomes[1].explanation.en.contains("by Sunday 2027-03-07 14:00 Europe/Paris"))
        #expect(late.outcomes[1].verdict == .fail)
        #expect(late.outcomes[1].explanation.en.contains("overdue"))
        #expect(closing.outcomes[1].verdict == .fail)
    }

    @Test("the failures of a check become field errors named after their rule")
    func failuresAsFieldErrors() {
        // given
        let policy = ReleasePolicy(timeZone: Paris.zone, rules: [cab])
        // when
        let check = policy.check(Paris.dossier(release), to: .approved)
        // then
        #expect(check.fieldErrors.map(\.field) == ["policy.cab"])
    }

    @Test("requesting approval lists the requirements of every rule that covers the release")
    func requirementsFromPolicy() {
        // given
        let policy = ReleasePolicy(timeZone: Paris.zone, rules: [cab, ApprovalRule(id: "major", types: [.major], roles: [.releaseManager], count: 1)])
        // when
        let requirements = policy.approvalRequirements(for: Paris.dossier(release))
        // then
        #expect(requirements == [ApprovalRequirement(rule: "cab", roles: [.approver], count: 2)])
    }
}
