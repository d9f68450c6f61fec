import BasculeAPI
import BasculeCore
import Foundation

/// Between the contract's planning, change, test, approval and policy types and the domain's.
extension Components.Schemas.LocalizedText {
    init(_ text: LocalizedText) { self.init(en: text.en, fr: text.fr) }
}

extension Components.Schemas.Plan {
    init(_ plan: ReleasePlan, release: String, revision: Int, now: Date) {
        self.init(
            release: release, revision: revision,
            objectives: plan.objectives.map { .init(statement: $0.statement, successCriterion: $0.successCriterion, assessment: mapped($0.assessment)) },
            scopeIn: plan.scopeIn, scopeOut: plan.scopeOut,
            risks: plan.risks.map {
                .init(title: $0.title, probability: $0.probability, impact: $0.impact, score: $0.score, mitigation: $0.mitigation,
                      owner: $0.owner, status: mapped($0.status, or: .open))
            },
            milestones: plan.milestones.map { .init(name: $0.name, due: $0.due, doneAt: $0.doneAt, overdue: $0.isOverdue(at: now)) },
            resources: plan.resources.map { .init(name: $0.name, kind: mapped($0.kind, or: .person), role: mapped($0.role, or: .informed)) },
            training: plan.training.map { .init(title: $0.title, audience: mapped($0.audience, or: .endUsers), due: $0.due, done: $0.done) },
            requirements: plan.requirements.map {
                .init(category: mapped($0.category, or: .other), target: $0.target, verification: $0.verification, status: mapped($0.status, or: .open))
            },
            readiness: plan.readiness.map { .init(title: $0.title, done: $0.done) })
    }
}

extension ReleasePlan {
    init(_ input: Components.Schemas.PlanInput) {
        self.init(
            objectives: (input.objectives ?? []).map { Objective(statement: $0.statement, successCriterion: $0.successCriterion ?? "", assessment: mapped($0.assessment)) },
            scopeIn: input.scopeIn ?? [], scopeOut: input.scopeOut ?? [],
            risks: (input.risks ?? []).map {
                Risk(title: $0.title, probability: $0.probability, impact: $0.impact, mitigation: $0.mitigation ?? "", owner: $0.owner ?? "",
                     status: mapped($0.status) ?? .open)
            },
            milestones: (input.milestones ?? []).map { Milestone(name: $0.name, due: $0.due, doneAt: $0.doneAt) },
            resources: (input.resources ?? []).map { Resource(name: $0.name, kind: mapped($0.kind, or: .person), role: mapped($0.role, or: .informed)) },
            training: (input.training ?? []).map { TrainingItem(title: $0.title, audience: mapped($0.audience, or: .endUsers), due: $0.due, done: $0.done ?? false) },
            requirements: (input.requirements ?? []).map {
                NonFunctionalRequirement(category: mapped($0.category, or: .other), target: $0.target, verification: $0.verification ?? "",
                                         status: mapped($0.status) ?? .open)
            },
            readiness: input.readiness.map { $0.map { ReadinessItem(title: $0.title, done: $0.done ?? false) } } ?? ReadinessItem.standard)
    }
}

extension Components.Schemas.Document {
    init(kind: DocumentKind, current: DocumentVersion?, history: [DocumentVersion]) {
        self.init(
            kind: mapped(kind, or: .releaseNotes), version: current?.version ?? 0, content: current?.content ?? "", author: current?.author,
            at: current?.at, history: history.map { .init(version: $0.version, author: $0.author, at: $0.at) })
    }
}

extension Components.Schemas.Change {
    init(_ change: Change) {
        let f = change.fields
        self.init(
            key: change.key.description, release: change.releaseKey.description, title: f.title, description: f.description,
            category: mapped(f.category, or: .normal), kind: mapped(f.kind, or: .software), link: f.link, risk: mapped(f.risk, or: .low),
            rollback: f.rollback, status: mapped(f.status, or: .proposed), items: f.items, requestedBy: change.requestedBy,
            createdAt: change.createdAt, updatedAt: change.updatedAt, revision: change.revision)
    }
}

extension ChangeFields {
    init(_ input: Components.Schemas.ChangeInput) {
        self.init(
            title: input.title, description: input.description ?? "", category: mapped(input.category) ?? .normal,
            kind: mapped(input.kind) ?? .software, link: input.link, risk: mapped(input.risk) ?? .low, rollback: input.rollback ?? "",
            status: mapped(input.status) ?? .proposed, items: input.items ?? [])
    }
}

extension Components.Schemas.TestCampaign {
    init(_ campaign: TestCampaign) {
        let r = campaign.result
        self.init(
            id: campaign.id.uuidString.lowercased(), kind: mapped(campaign.kind, or: .functional), environment: campaign.environment,
            passed: r.passed, failed: r.failed, skipped: r.skipped, passRate: r.passRate, failingTests: r.failingTests,
            evidence: campaign.evidence, source: campaign.source, recordedBy: campaign.recordedBy, recordedAt: campaign.recordedAt)
    }
}

extension Components.Schemas.ApprovalRound {
    init(_ round: ApprovalRound) {
        self.init(
            requestedBy: round.requestedBy, requestedAt: round.requestedAt, status: mapped(round.status, or: .open), approved: round.isApproved,
            voidReason: round.voidReason, voidedAt: round.voidedAt,
            requirements: round.requirements.map {
                .init(rule: $0.rule, roles: $0.roles.map { mapped($0, or: .viewer) }, count: $0.count, approvers: round.approvers(for: $0),
                      satisfied: round.isSatisfied($0))
            },
            decisions: round.decisions.map {
                .init(approver: $0.approver, decision: mapped($0.decision, or: .approve), comment: $0.comment, conditions: $0.conditions, at: $0.at)
            })
    }
}

extension Components.Schemas.PolicyCheck {
    init(release: String, check: PolicyCheck, overrides: [GateOverride]) {
        self.init(
            release: release, target: .init(check.target), policyVersion: check.policyVersion, passed: check.passed,
            outcomes: check.outcomes.map {
                .init(rule: $0.rule, kind: $0.kind, verdict: mapped($0.verdict, or: .notApplicable), explanation: .init($0.explanation))
            },
            overrides: overrides.map { .init(target: .init($0.target), rules: $0.rules, reason: $0.reason, actor: $0.actor, at: $0.at) })
    }
}

extension Components.Schemas.Policy {
    init(_ stored: PolicyVersion, _ policy: ReleasePolicy) {
        self.init(
            version: stored.version, document: stored.document, author: stored.author, at: stored.at,
            timeZone: policy.clock.timeZone.identifier,
            overrideRoles: Role.allCases.filter(policy.overrideRoles.contains).map { mapped($0, or: .admin) },
            rules: policy.rules.map { rule in
                .init(id: rule.id, kind: rule.kind, gates: ReleaseStatus.allCases.filter(rule.gates.contains).map(Components.Schemas.ReleaseStatus.init))
            })
    }
}
