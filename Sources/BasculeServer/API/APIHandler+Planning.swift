import BasculeAPI
import BasculeCore
import Foundation
import OpenAPIRuntime

/// Plans, documents, changes, test evidence, approvals and the release policy.
extension APIHandler {
    func getPlan(_ input: Operations.GetPlan.Input) async throws -> Operations.GetPlan.Output {
        let (plan, revision) = try await plans.plan(of: input.path.key)
        return .ok(.init(headers: .init(eTag: ETag.make(revision)),
                         body: .json(.init(plan, release: input.path.key.uppercased(), revision: revision, now: Date()))))
    }

    func replacePlan(_ input: Operations.ReplacePlan.Input) async throws -> Operations.ReplacePlan.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let (plan, revision) = try await plans.replacePlan(of: input.path.key, with: ReleasePlan(body), precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        return .ok(.init(headers: .init(eTag: ETag.make(revision)),
                         body: .json(.init(plan, release: input.path.key.uppercased(), revision: revision, now: Date()))))
    }

    func getDocument(_ input: Operations.GetDocument.Input) async throws -> Operations.GetDocument.Output {
        let kind: DocumentKind = mapped(input.path.kind, or: .releaseNotes)
        let (current, history) = try await plans.document(kind, of: input.path.key, version: input.query.version)
        return .ok(.init(body: .json(.init(kind: kind, current: current, history: history))))
    }

    func writeDocument(_ input: Operations.WriteDocument.Input) async throws -> Operations.WriteDocument.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let kind: DocumentKind = mapped(input.path.kind, or: .releaseNotes)
        // `If-Match` names the version read, like `expectedVersion`; `*` asks for no check.
        let expected: Int?
        switch ETag.precondition(ifMatch: input.headers.ifMatch) {
        case .oneOf(let versions)?: expected = versions.first
        case .any?, nil: expected = body.expectedVersion
        }
        _ = try await plans.writeDocument(kind, of: input.path.key, content: body.content, expectedVersion: expected)
        let (current, history) = try await plans.document(kind, of: input.path.key)
        return .ok(.init(body: .json(.init(kind: kind, current: current, history: history))))
    }

    func listChanges(_ input: Operations.ListChanges.Input) async throws -> Operations.ListChanges.Output {
        .ok(.init(body: .json(.init(items: try await changes.list(of: input.path.key).map(Components.Schemas.Change.init)))))
    }

    func createChange(_ input: Operations.CreateChange.Input) async throws -> Operations.CreateChange.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let change = try await changes.create(in: input.path.key, ChangeFields(body))
        return .created(.init(headers: .init(eTag: ETag.make(change.revision)), body: .json(.init(change))))
    }

    func getChange(_ input: Operations.GetChange.Input) async throws -> Operations.GetChange.Output {
        let change = try await changes.get(input.path.change)
        return .ok(.init(headers: .init(eTag: ETag.make(change.revision)), body: .json(.init(change))))
    }

    func updateChange(_ input: Operations.UpdateChange.Input) async throws -> Operations.UpdateChange.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let change = try await changes.update(input.path.change, ChangeFields(body), precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        return .ok(.init(headers: .init(eTag: ETag.make(change.revision)), body: .json(.init(change))))
    }

    func deleteChange(_ input: Operations.DeleteChange.Input) async throws -> Operations.DeleteChange.Output {
        try await changes.delete(input.path.change, precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        return .noContent(.init())
    }

    func listTestCampaigns(_ input: Operations.ListTestCampaigns.Input) async throws -> Operations.ListTestCampaigns.Output {
        .ok(.init(body: .json(.init(items: try await tests.list(of: input.path.key).map(Components.Schemas.TestCampaign.init)))))
    }

    func recordTestCampaign(_ input: Operations.RecordTestCampaign.Input) async throws -> Operations.RecordTestCampaign.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let campaign = try await tests.record(
            in: input.path.key, .init(kind: mapped(body.kind, or: .functional), environment: body.environment, evidence: body.evidence),
            result: TestResult(passed: body.passed, failed: body.failed, skipped: body.skipped, failingTests: body.failingTests ?? []))
        return .created(.init(body: .json(.init(campaign))))
    }

    func importJUnitReport(_ input: Operations.ImportJUnitReport.Input) async throws -> Operations.ImportJUnitReport.Output {
        guard case .xml(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be application/xml")]) }
        let report: Data
        do {
            report = try await Data(collecting: body, upTo: JUnitReport.maximumSize)
        } catch {
            throw ServiceError.invalid([FieldError("report", "is larger than 20 MiB")])
        }
        let query = input.query
        let campaign = try await tests.importJUnit(
            in: input.path.key, .init(kind: mapped(query.kind, or: .functional), environment: query.environment, evidence: query.evidence),
            report: report, fileName: query.fileName)
        return .created(.init(body: .json(.init(campaign))))
    }

    func getApprovals(_ input: Operations.GetApprovals.Input) async throws -> Operations.GetApprovals.Output {
        let round = try await approvals.current(of: input.path.key)
        return .ok(.init(body: .json(.init(release: input.path.key.uppercased(), round: round.map(Components.Schemas.ApprovalRound.init)))))
    }

    func requestApproval(_ input: Operations.RequestApproval.Input) async throws -> Operations.RequestApproval.Output {
        let round = try await approvals.request(input.path.key)
        return .created(.init(body: .json(.init(release: input.path.key.uppercased(), round: .init(round)))))
    }

    func decideApproval(_ input: Operations.DecideApproval.Input) async throws -> Operations.DecideApproval.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let round = try await approvals.decide(input.path.key, decision: mapped(body.decision, or: .approve), comment: body.comment ?? "", conditions: body.conditions ?? "")
        return .ok(.init(body: .json(.init(release: input.path.key.uppercased(), round: .init(round)))))
    }

    func getApprovalInbox(_ input: Operations.GetApprovalInbox.Input) async throws -> Operations.GetApprovalInbox.Output {
        let items = try await approvals.inbox()
        return .ok(.init(body: .json(.init(items: items.map { .init(release: .init($0.release), round: .init($0.round)) }))))
    }

    func checkReleasePolicy(_ input: Operations.CheckReleasePolicy.Input) async throws -> Operations.CheckReleasePolicy.Output {
        let (check, overrides) = try await policy.check(input.path.key, to: input.query.to.domain)
        return .ok(.init(body: .json(.init(release: input.path.key.uppercased(), check: check, overrides: overrides))))
    }

    func getRiskScore(_ input: Operations.GetRiskScore.Input) async throws -> Operations.GetRiskScore.Output {
        let score = try await policy.riskScore(input.path.key)
        return .ok(.init(body: .json(.init(
            release: input.path.key.uppercased(), score: score.score, status: mapped(score.status, or: .onTrack),
            factors: score.factors.map { .init(name: $0.name, points: $0.points, explanation: .init($0.explanation)) }))))
    }

    func getPolicy(_ input: Operations.GetPolicy.Input) async throws -> Operations.GetPolicy.Output {
        let (stored, parsed) = try await policy.get(version: input.query.version)
        return .ok(.init(headers: .init(eTag: ETag.make(stored.version)), body: .json(.init(stored, parsed))))
    }

    func replacePolicy(_ input: Operations.ReplacePolicy.Input) async throws -> Operations.ReplacePolicy.Output {
        guard case .yaml(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be application/yaml")]) }
        let text = try await Self.text(body, limit: PolicyDocument.maximumSize)
        let stored = try await policy.replace(with: text, precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        let (_, parsed) = try await policy.get(version: stored.version)
        return .ok(.init(headers: .init(eTag: ETag.make(stored.version)), body: .json(.init(stored, parsed))))
    }

    func listPolicyVersions(_ input: Operations.ListPolicyVersions.Input) async throws -> Operations.ListPolicyVersions.Output {
        .ok(.init(body: .json(.init(items: try await policy.versions().map { .init(version: $0.version, author: $0.author, at: $0.at) }))))
    }
}
