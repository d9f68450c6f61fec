import BasculeAPI
import BasculeCore
import Foundation

/// Promotion through environments, and environments' mirrors.
extension APIHandler {
    func getPromotion(_ input: Operations.GetPromotion.Input) async throws -> Operations.GetPromotion.Output {
        .ok(.init(body: .json(.init(try await promotion.path(of: input.path.key)))))
    }

    func recordPromotion(_ input: Operations.RecordPromotion.Input) async throws -> Operations.RecordPromotion.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let outcome = body.outcome.flatMap { EnvironmentDeployment.Outcome(rawValue: $0.rawValue) } ?? .deployed
        let view = try await promotion.record(in: input.path.key, .init(environment: body.environment, outcome: outcome, at: body.at, run: body.run,
                                                                       note: body.note ?? ""))
        return .created(.init(body: .json(.init(view))))
    }

    func setEnvironmentMirror(_ input: Operations.SetEnvironmentMirror.Input) async throws -> Operations.SetEnvironmentMirror.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        return .ok(.init(body: .json(.init(try await environments.setMirror(of: input.path.name, to: body.mirrors)))))
    }

    func refreshEnvironment(_ input: Operations.RefreshEnvironment.Input) async throws -> Operations.RefreshEnvironment.Output {
        var at: Date?
        if case .json(let body) = input.body { at = body.at }
        return .ok(.init(body: .json(.init(try await environments.refresh(input.path.name, at: at)))))
    }
}

extension Components.Schemas.Promotion {
    init(_ view: PromotionService.View) {
        let blocker = view.blocker
        self.init(release: view.release.key.description, stops: view.path.stops.map(Components.Schemas.PromotionStop.init),
                  current: view.path.current?.environment.name, next: view.path.next?.environment.name, rule: view.rule?.id,
                  blocked: blocker?.english, blockedFr: blocker?.french)
    }
}

extension Components.Schemas.PromotionStop {
    init(_ stop: PromotionPath.Stop) {
        self.init(environment: stop.environment.name, kind: .init(stop.environment.kind), mirrors: stop.environment.mirrors,
                  refreshedAt: stop.environment.refreshedAt, standing: .init(rawValue: stop.standing.rawValue) ?? .pending,
                  deployments: stop.deployments.map(Components.Schemas.EnvironmentDeployment.init),
                  campaigns: stop.campaigns.map(Components.Schemas.TestCampaign.init))
    }
}

extension Components.Schemas.EnvironmentDeployment {
    init(_ deployment: BasculeCore.EnvironmentDeployment) {
        self.init(id: deployment.id.uuidString, environment: deployment.environment, outcome: .init(rawValue: deployment.outcome.rawValue) ?? .deployed,
                  at: deployment.at, run: deployment.run?.uuidString, recordedBy: deployment.recordedBy, note: deployment.note)
    }
}
