import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Agents: registration, the admin's controls, and the protocol by which agents pull
/// automated steps, stream their output and report their end. Every attempt is a lease on one
/// step: started in the same transaction as the step (so two agents cannot both start it),
/// kept alive by heartbeats, taken back when the agent goes silent, and ended only by the
/// agent that holds it while it still holds it.
public struct AgentService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper
    let runs: RunService
    let secrets: SecretService
    public let settings: AgentSettings
    let sightings = AgentSightings()
    let credentials = AgentCredentials()

    /// The topic of agents' events in the events table (registration, revocation), so that
    /// every replica forgets a revoked credential.
    static let topic = "agent"
    static let credentialPrefix = "bag_"
    static let registrationPrefix = "bar_"

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init, runs: RunService, secrets: SecretService, settings: AgentSettings = AgentSettings()) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
        self.runs = runs
        self.secrets = secrets
        self.settings = settings
    }

    // MARK: - Admin

    /// A one-time registration token, shown once.
    public func createRegistrationToken(lifetime: TimeInterval? = nil) async throws -> (secret: String, expiresAt: Date) {
        try await gate.require(.agentManage)
        let lifetime = lifetime ?? settings.registrationLifetime
        guard lifetime > 0, lifetime <= 30 * 86_400 else { throw ServiceError.invalid([FieldError("lifetime", "must be more than 0 and at most 30 days")]) }
        let secret = Self.registrationPrefix + Secrets.random()
        let expiresAt = now().addingTimeInterval(lifetime)
        try await store.transaction { db in
            let id = UUID()
            try await AgentRepository(db).insertRegistration(id: id, secret: secret, by: RequestOrigin.current.actor, at: now(), expiresAt: expiresAt)
            try await AuditLog.record(.agentTokenCreate, target: "agent-token:\(id.uuidString.lowercased())",
                                      summary: "registration token valid until \(ISO8601DateFormatter().string(from: expiresAt))", at: now(), in: db)
        }
        return (secret, expiresAt)
    }

    public func list() async throws -> [Agent] {
        try await gate.require(.agentRead)
        return try await store.withConnection { try await AgentRepository($0).all() }
    }

    public func agent(named name: String) async throws -> Agent {
        try await gate.require(.agentRead)
        guard let agent = try await store.withConnection({ try await AgentRepository($0).find(name: name) }) else {
            throw ServiceError.notFound("agent \(name)")
        }
        return agent
    }

    public enum Control: String, Sendable { case disable, enable, revoke }

    /// Disabling stops giving the agent work (what it runs goes on); revoking ends its
    /// credential at once, on every replica, and frees its name for a new registration.
    @discardableResult
    public func control(_ name: String, _ control: Control) async throws -> Agent {
        try await gate.require(.agentManage)
        defer { forgetCredentials() }
        return try await refusing {
            try await store.transaction { db in
                let repository = AgentRepository(db)
                guard let agent = try await repository.find(name: name) else { throw ServiceError.notFound("agent \(name)") }
                switch control {
                case .disable:
                    guard agent.disabledAt == nil else { throw ServiceError.conflict("agent \(name) is already disabled") }
                    try await repository.setDisabled(agent.id, at: now())
                    try await AuditLog.record(.agentDisable, target: "agent:\(name)", summary: "disabled", at: now(), in: db)
                case .enable:
                    guard agent.disabledAt != nil else { throw ServiceError.conflict("agent \(name) is not disabled") }
                    try await repository.setDisabled(agent.id, at: nil)
                    try await AuditLog.record(.agentEnable, target: "agent:\(name)", summary: "enabled", at: now(), in: db)
                case .revoke:
                    try await repository.revoke(agent.id, at: now())
                    try await repository.releaseName(of: agent)
                    try await AuditLog.record(.agentRevoke, target: "agent:\(name)", summary: "credential revoked", at: now(), in: db)
                    try await EventRepository(db).append(topic: Self.topic, subject: name, kind: "revoked", payload: "{}", at: now())
                }
                return try await repository.find(id: agent.id) ?? agent
            }
        }
    }

    /// Forgets the agents' credentials remembered here: one was revoked (here or, heard through
    /// the events table, on another replica).
    func forgetCredentials() { credentials.revocations.bump() }

    /// The attempts at a run's steps, latest first, with the run's release read-checked.
    public func attempts(run id: String, step: String? = nil) async throws -> [StepAttempt] {
        let (runID, key) = try await runs.locate(id)
        try await gate.require(.releaseRead, on: key.description)
        return try await store.withConnection { try await AttemptRepository($0).attempts(run: runID, step: step) }
    }

    /// An attempt's kept output from `offset`, and the attempt as it now stands.
    public func log(run id: String, step: String, number: Int, from offset: Int64 = 0) async throws -> (attempt: StepAttempt, chunks: [LogChunk]) {
        let (runID, key) = try await runs.locate(id)
        try await gate.require(.releaseRead, on: key.description)
        return try await store.withConnection { db in
            let repository = AttemptRepository(db)
            guard let attempt = try await repository.attempts(run: runID, step: step).first(where: { $0.number == number }) else {
                throw ServiceError.notFound("attempt \(number) of \(step)")
            }
            return (attempt, try await repository.log(attempt.id, from: offset))
        }
    }

    // MARK: - Registration and credentials

    /// Registers an agent with a one-time token; answers its own credential, shown once.
    public func register(token: String, name: String, labels: [String: String], version: String, host: String) async throws -> (agent: Agent, credential: String) {
        guard AgentRules.isName(name) else { throw ServiceError.invalid([FieldError("name", AgentRules.nameRule)]) }
        do { try AgentRules.checkLabels(labels) } catch { throw ServiceError(error) }
        let credential = Self.credentialPrefix + Secrets.random()
        let agent = Agent(name: name, labels: labels, version: String(version.prefix(64)), host: String(host.prefix(255)), registeredAt: now(), lastSeenAt: now())
        try await refusing {
            try await store.transaction { db in
                let repository = AgentRepository(db)
                if try await repository.find(name: name) != nil {
                    throw ServiceError.conflict("an agent named \(name) is registered: revoke it first, or choose another name")
                }
                guard try await repository.useRegistration(secret: token, by: name, at: now()) else {
                    throw ServiceError.unauthorized("the registration token is unknown, expired or already used")
                }
                try await repository.insert(agent, credential: credential)
                try await RequestOrigin.$current.withValue(RequestOrigin(principal: .agent(name), requestID: RequestOrigin.current.requestID,
                                                                         clientAddress: RequestOrigin.current.clientAddress)) {
                    try await AuditLog.record(.agentRegister, target: "agent:\(name)",
                                              summary: "registered from \(agent.host), labels \(AgentTarget.text(labels)), version \(agent.version)", at: now(), in: db)
                }
            }
        }
        return (agent, credential)
    }

    /// What the agent says of itself at its start.
    public func describe(_ agent: Agent, labels: [String: String], version: String, host: String) async throws {
        do { try AgentRules.checkLabels(labels) } catch { throw ServiceError(error) }
        try await store.transaction { db in
            try await AgentRepository(db).describe(agent.id, labels: labels, version: String(version.prefix(64)), host: String(host.prefix(255)))
            try await AgentRepository(db).seen(agent.id, at: now())
        }
    }

    /// The agent holding `credential`; 401 when none does or it was revoked.
    public func authenticate(_ credential: String) async throws -> Agent {
        let refused = ServiceError.unauthorized("the agent credential is unknown or revoked: register the agent again")
        guard credential.hasPrefix(Self.credentialPrefix) else { throw refused }
        let key = Digest.sha256(credential), at = now(), epoch = credentials.revocations.epoch
        if let known = credentials.find(key, at: at) { return known }
        guard let agent = try await store.withConnection({ try await AgentRepository($0).find(credential: credential) }), agent.revokedAt == nil else {
            throw refused
        }
        credentials.remember(agent, key: key, at: at, epoch: epoch)
        return agent
    }
}

/// What the run page shows of a run's automated steps: each step's latest attempt, the tail
/// of its output, and the agents that could take it.
public struct RunAutomationFacts: Sendable {
    public var latest: [String: StepAttempt] = [:]
    /// The last bytes of each step's latest attempt, from `offset`.
    public var tails: [String: (offset: Int64, text: String)] = [:]
    public var agents: [Agent] = []
    public var heartbeat: TimeInterval = 2
    /// The latest report of each rolling update step, by step.
    public var rolling: [String: StoredRollingReport] = [:]

    public init() {}

    /// Agents that are alive, enabled and accept the step.
    func able(_ step: RunbookStep, at now: Date) -> Bool {
        guard let target = step.automation?.target else { return true }
        return agents.contains { agent in
            let state = agent.state(at: now, heartbeat: heartbeat)
            return (state == .idle || state == .busy) && target.accepts(name: agent.name, labels: agent.labels)
        }
    }
}

extension AgentService {
    /// Bytes of each step's output the run page shows.
    static let pageTail: Int64 = 16 * 1024

    /// For the run page of a run its reader may see (the page read it first): read as the
    /// server, since who may read a run may see what ran in it.
    func facts(of run: Run) async throws -> RunAutomationFacts {
        let heartbeat = settings.heartbeat
        guard run.steps.contains(where: { $0.step.automation != nil }) else {
            var facts = RunAutomationFacts()
            facts.heartbeat = heartbeat
            return facts
        }
        return try await store.withConnection { db in
            var facts = RunAutomationFacts()
            facts.heartbeat = heartbeat
            let attempts = AttemptRepository(db)
            for attempt in try await attempts.attempts(run: run.id) where facts.latest[attempt.step] == nil {
                facts.latest[attempt.step] = attempt
            }
            for (step, attempt) in facts.latest where attempt.logSize > 0 {
                let from = max(0, attempt.logSize - Self.pageTail)
                let chunks = try await attempts.log(attempt.id, from: from)
                var data = Data()
                for chunk in chunks { data.append(chunk.data.dropFirst(max(0, Int(from - chunk.offset)))) }
                facts.tails[step] = (from, String(decoding: data, as: UTF8.self))
            }
            facts.agents = try await AgentRepository(db).all()
            if run.steps.contains(where: { $0.step.kind == .rollingUpdate }) {
                facts.rolling = try await RollingReportRepository(db).latest(run: run.id)
            }
            return facts
        }
    }
}
