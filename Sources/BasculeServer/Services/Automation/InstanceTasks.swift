import BasculeCore
import BasculeStore
import Foundation

/// Instance tasks: the agent running a rolling update hands an instance's command to the agent
/// on the instance's host. The server writes the command from the runbook (an agent can only
/// ask for the stop, start or version command the runbook gives that instance), an agent the
/// instance's `runsOn` accepts takes it at its next poll, runs it and returns its exit status and
/// output; silent, it loses the task, as it would an attempt.
extension AgentService {
    /// A task for `instance`, waiting for its agent; refused unless `agent` runs the rolling
    /// update's attempt and the runbook gives the instance an agent of its own.
    public func handTask(_ agent: Agent, attempt id: UUID, instance: String, action: InstanceTask.Action, version: String,
                         timeout: TimeInterval) async throws -> InstanceTask {
        let (attempt, spec) = try await rollingAttempt(id, heldBy: agent)
        guard let found = spec.instances.first(where: { $0.name == instance }) else {
            throw ServiceError.notFound("instance \(instance) in the rolling update of \(attempt.step)")
        }
        guard let target = found.runsOn else {
            throw ServiceError.conflict("instance \(instance) names no agent of its own: the update's agent runs its commands")
        }
        guard RollingUpdateSpec.isVersion(version) else { throw ServiceError.badRequest([FieldError("version", RollingUpdateSpec.versionRule)]) }
        guard timeout.isFinite, timeout > 0, timeout <= spec.instanceDeadline + 60 else {
            throw ServiceError.badRequest([FieldError("timeoutSeconds", "must be more than 0 and at most the instance's deadline")])
        }
        let task = InstanceTask(attempt: id, instance: instance, action: action, version: version, timeout: timeout, target: target, createdAt: now())
        try await store.transaction { try await InstanceTaskRepository($0).insert(task) }
        runs.dispatch.ring()
        return task
    }

    /// The task as it stands, for the agent that handed it or the one that runs it.
    public func task(_ agent: Agent, id: UUID) async throws -> InstanceTask {
        guard let task = try await store.withConnection({ try await InstanceTaskRepository($0).find(id) }) else {
            throw ServiceError.notFound("task \(id.uuidString.lowercased())")
        }
        if task.agent == agent.name { return task }
        guard let attempt = try await store.withConnection({ try await AttemptRepository($0).find(task.attempt) }), attempt.agent == agent.name else {
            throw ServiceError.notFound("task \(id.uuidString.lowercased())")
        }
        return task
    }

    /// The update's agent gives up on the task (past the instance's deadline): it ends as
    /// cancelled, and the agent running it is told to stop at its next heartbeat.
    public func cancelTask(_ agent: Agent, id: UUID) async throws -> InstanceTask {
        let task = try await task(agent, id: id)
        _ = try await store.transaction { db in
            try await InstanceTaskRepository(db).end(id, agentID: nil, state: .cancelled, exitCode: nil, output: task.output,
                                                     outcome: "cancelled by agent \(agent.name)", at: now())
        }
        return try await self.task(agent, id: id)
    }

    /// Ends the task with what its agent reports; refused (409) when it no longer holds it.
    public func finishTask(_ agent: Agent, id: UUID, result: AttemptResult, output: String) async throws {
        guard output.utf8.count <= InstanceTask.outputCap + 1024 else {
            throw ServiceError.badRequest([FieldError("output", "holds at most \(InstanceTask.outputCap) bytes")])
        }
        let code: Int32? = if case .exited(let value) = result { value } else { nil }
        let summary: String = switch result {
        case .exited(let value): "exit code \(value)"
        case .timedOut: "timed out: process group killed"
        case .checked(_, let text): text
        case .couldNotStart(let why): "could not start: \(why)"
        }
        let ended = try await store.transaction { db in
            try await InstanceTaskRepository(db).end(id, agentID: agent.id, state: code == 0 ? .succeeded : .failed, exitCode: code, output: output,
                                                     outcome: summary, at: now())
        }
        guard ended else { throw ServiceError.conflict("task \(id.uuidString.lowercased()) is not agent \(agent.name)'s to end: it was cancelled or lost") }
    }

    /// The agent runs the task still; the task's state (stop it when cancelled).
    public func taskHeartbeat(_ agent: Agent, task id: UUID) async throws -> InstanceTask.State? {
        try await store.transaction { try await InstanceTaskRepository($0).heartbeat(id, agentID: agent.id, at: now()) }
    }

    /// The first waiting task this agent may take, taken; nil when none.
    func claimTask(for agent: Agent) async throws -> Assignment? {
        let waiting = try await store.withConnection { try await InstanceTaskRepository($0).waiting() }
        for task in waiting where task.target.accepts(name: agent.name, labels: agent.labels) {
            guard try await store.transaction({ try await InstanceTaskRepository($0).claim(task.id, agentID: agent.id, at: now()) }) else { continue }
            guard let parent = try await store.withConnection({ try await AttemptRepository($0).find(task.attempt) }) else { continue }
            let run = try await runs.snapshot(parent.runID)
            guard let step = run.steps.first(where: { $0.step.key == parent.step })?.step, let automation = step.automation,
                  let spec = automation.rollingUpdate, let instance = spec.instances.first(where: { $0.name == task.instance }) else {
                _ = try await store.transaction { try await InstanceTaskRepository($0).end(task.id, agentID: nil, state: .failed, exitCode: nil, output: "",
                                                                                           outcome: "the step no longer names the instance", at: now()) }
                continue
            }
            let values = (try? await secrets.values(automation.secretNames)) ?? [:]
            let filled = automation.filled(with: values).rollingUpdate ?? spec
            let script = RollingUpdateSpec.filled(filled.script(task.action), instance: instance, version: task.version)
            var taken = task
            (taken.state, taken.agent) = (.running, agent.name)
            return Assignment(attempt: parent, release: run.releaseKey.description, runKind: run.kind, title: "\(step.title): \(task.instance) \(task.action.rawValue)",
                              kind: step.kind,
                              command: CommandSpec(arguments: ["/bin/sh", "-c", script], environment: RollingUpdateSpec.environment(instance: instance, version: task.version),
                                                   timeout: task.timeout),
                              httpCheck: nil, rollingUpdate: nil, redactions: values, task: taken)
        }
        return nil
    }

    /// Ends the tasks of an attempt that ended: no agent takes or keeps them.
    func cancelTasks(of attempt: UUID, reason: String) async throws {
        let open = try await store.withConnection { try await InstanceTaskRepository($0).open(attempt: attempt) }
        for task in open {
            _ = try await store.transaction { try await InstanceTaskRepository($0).end(task.id, agentID: nil, state: .cancelled, exitCode: nil, output: task.output,
                                                                                       outcome: reason, at: now()) }
        }
    }

    /// Takes back the tasks whose agent went silent for two heartbeats.
    func sweepLostTasks() async throws {
        let silence = AgentRules.silence(settings.heartbeat)
        let silent = try await store.withConnection { try await InstanceTaskRepository($0).silent(before: now().addingTimeInterval(-silence)) }
        for task in silent {
            _ = try await store.transaction { try await InstanceTaskRepository($0).end(task.id, agentID: nil, state: .lost, exitCode: nil, output: task.output,
                                                                                       outcome: "agent \(task.agent ?? "?") silent for more than \(Int(silence)) s", at: now()) }
        }
    }

    /// The running attempt `id` of a rolling update held by `agent`, with the update.
    private func rollingAttempt(_ id: UUID, heldBy agent: Agent) async throws -> (StepAttempt, RollingUpdateSpec) {
        guard let attempt = try await store.withConnection({ try await AttemptRepository($0).find(id) }) else {
            throw ServiceError.notFound("attempt \(id.uuidString.lowercased())")
        }
        guard attempt.agent == agent.name else { throw ServiceError.conflict("attempt \(attempt.number) of \(attempt.step) is held by agent \(attempt.agent), not \(agent.name)") }
        guard attempt.state == .running else { throw ServiceError.conflict("attempt \(attempt.number) of \(attempt.step) is \(attempt.state.rawValue)") }
        let run = try await runs.snapshot(attempt.runID)
        guard let spec = run.steps.first(where: { $0.step.key == attempt.step })?.step.automation?.rollingUpdate else {
            throw ServiceError.conflict("\(attempt.step) is not a rolling update")
        }
        return (attempt, spec)
    }
}
