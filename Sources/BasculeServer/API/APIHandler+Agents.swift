import BasculeAPI
import BasculeCore
import BasculeStore
import Foundation
import OpenAPIRuntime

extension APIHandler {
    func createAgentToken(_ input: Operations.CreateAgentToken.Input) async throws -> Operations.CreateAgentToken.Output {
        var hours: Int?
        if case .json(let body)? = input.body { hours = body.lifetimeHours }
        let (secret, expiresAt) = try await agents.createRegistrationToken(lifetime: hours.map { TimeInterval($0) * 3600 })
        return .created(.init(body: .json(.init(token: secret, expiresAt: expiresAt))))
    }

    func listAgents(_ input: Operations.ListAgents.Input) async throws -> Operations.ListAgents.Output {
        let list = try await agents.list()
        let settings = agents.settings, now = Date()
        return .ok(.init(body: .json(.init(items: list.map { .init($0, at: now, heartbeat: settings.heartbeat) }, heartbeatSeconds: settings.heartbeat))))
    }

    func revokeAgent(_ input: Operations.RevokeAgent.Input) async throws -> Operations.RevokeAgent.Output {
        let agent = try await agents.control(input.path.name, .revoke)
        return .ok(.init(body: .json(.init(agent, at: Date(), heartbeat: agents.settings.heartbeat))))
    }

    func controlAgent(_ input: Operations.ControlAgent.Input) async throws -> Operations.ControlAgent.Output {
        let agent = try await agents.control(input.path.name, input.path.control == .disable ? .disable : .enable)
        return .ok(.init(body: .json(.init(agent, at: Date(), heartbeat: agents.settings.heartbeat))))
    }

    func listAttempts(_ input: Operations.ListAttempts.Input) async throws -> Operations.ListAttempts.Output {
        .ok(.init(body: .json(.init(items: try await agents.attempts(run: input.path.id, step: input.query.step).map(Components.Schemas.AttemptView.init)))))
    }

    func getAttemptLog(_ input: Operations.GetAttemptLog.Input) async throws -> Operations.GetAttemptLog.Output {
        let (attempt, chunks) = try await agents.log(run: input.path.id, step: input.path.step, number: input.path.number, from: Int64(input.query.from ?? 0))
        let from = Int64(input.query.from ?? 0)
        let items = chunks.map { chunk -> Components.Schemas.AttemptLogChunk in
            // A chunk that began before `from` is sent from `from` on.
            let skip = max(0, Int(from - chunk.offset))
            return .init(offset: Int(chunk.offset) + skip, stream: .init(rawValue: chunk.stream) ?? .stdout,
                         text: String(decoding: chunk.data.dropFirst(skip), as: UTF8.self))
        }
        let end = chunks.last.map { Int($0.offset) + $0.data.count } ?? Int(max(from, 0))
        return .ok(.init(body: .json(.init(attempt: .init(attempt), chunks: items, end: max(end, Int(from))))))
    }
}

extension Components.Schemas.AgentView {
    init(_ agent: Agent, at now: Date, heartbeat: TimeInterval) {
        self.init(name: agent.name, labels: .init(additionalProperties: agent.labels), version: agent.version, host: agent.host,
                  state: .init(rawValue: agent.state(at: now, heartbeat: heartbeat).rawValue) ?? .lost, registeredAt: agent.registeredAt,
                  lastSeenAt: agent.lastSeenAt, currentAttempt: agent.currentAttempt)
    }
}

extension Components.Schemas.AttemptView {
    init(_ attempt: StepAttempt) {
        self.init(id: attempt.id.uuidString.lowercased(), run: attempt.runID.uuidString.lowercased(), step: attempt.step, number: attempt.number,
                  agent: attempt.agent, state: .init(rawValue: attempt.state.rawValue) ?? .lost, startedAt: attempt.startedAt, endedAt: attempt.endedAt,
                  exitCode: attempt.exitCode.map(Int.init), outcome: attempt.outcome, logSize: Int(attempt.logSize), logCut: Int(attempt.logCut))
    }
}

extension APIHandler {
    func listSecrets(_ input: Operations.ListSecrets.Input) async throws -> Operations.ListSecrets.Output {
        .ok(.init(body: .json(.init(items: try await secrets.list().map(Components.Schemas.SecretView.init)))))
    }

    func setSecret(_ input: Operations.SetSecret.Input) async throws -> Operations.SetSecret.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let created = try await secrets.set(input.path.name, value: body.value)
        guard let entry = try await secrets.list().first(where: { $0.name == input.path.name }) else { throw ServiceError.notFound("secret \(input.path.name)") }
        return created ? .created(.init(body: .json(.init(entry)))) : .ok(.init(body: .json(.init(entry))))
    }

    func deleteSecret(_ input: Operations.DeleteSecret.Input) async throws -> Operations.DeleteSecret.Output {
        try await secrets.delete(input.path.name)
        return .noContent(.init())
    }
}

extension Components.Schemas.SecretView {
    init(_ entry: SecretEntry) {
        self.init(name: entry.name, createdBy: entry.createdBy, createdAt: entry.createdAt, updatedAt: entry.updatedAt)
    }
}

extension APIHandler {
    func listRollingUpdates(_ input: Operations.ListRollingUpdates.Input) async throws -> Operations.ListRollingUpdates.Output {
        let reports = try await agents.rollingReports(run: input.path.id)
        return .ok(.init(body: .json(.init(items: reports.values.sorted { $0.step < $1.step }.map(Components.Schemas.RollingUpdateView.init)))))
    }

    func rollBackRollingUpdate(_ input: Operations.RollBackRollingUpdate.Input) async throws -> Operations.RollBackRollingUpdate.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let stored = try await agents.askRollback(run: input.path.id, step: input.path.step, reason: body.reason)
        return .accepted(.init(body: .json(.init(stored))))
    }
}

extension Components.Schemas.ProbeFiguresView {
    init(_ figures: RollingReport.ProbeFigures) {
        self.init(requests: figures.requests, failed: figures.failed, slow: figures.slow, longestGapSeconds: figures.longestGap,
                  interruptionSeconds: figures.totalSeconds)
    }
}

extension Components.Schemas.RollingUpdateView {
    init(_ stored: StoredRollingReport) {
        let report = stored.report
        self.init(
            step: stored.step, attempt: stored.attempt.uuidString.lowercased(), updatedAt: stored.updatedAt, rollbackAskedBy: stored.rollbackAskedBy,
            service: report.service, version: report.version, phase: .init(rawValue: report.phase.rawValue) ?? .failed, reason: report.reason,
            elapsedSeconds: report.elapsed,
            instances: report.instances.map {
                .init(name: $0.name, from: $0.from, version: $0.version, state: .init(rawValue: $0.state.rawValue) ?? .waiting, detail: $0.detail, batch: $0.batch)
            },
            batches: report.batches.map {
                .init(number: $0.number, instances: $0.instances, startSeconds: $0.start, endSeconds: $0.end, probe: $0.interruption.map(Components.Schemas.ProbeFiguresView.init))
            },
            probe: report.probe.map { probe in
                .init(url: probe.url, rate: probe.rate, figures: .init(probe.figures),
                      windows: probe.windows.map { .init(startSeconds: $0.start, endSeconds: $0.end) },
                      bucketSeconds: probe.bucketSeconds, good: probe.good, bad: probe.bad)
            })
    }
}
