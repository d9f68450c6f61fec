import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// A release's runbook and the templates runbooks are made from.
public struct RunbookService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    public func get(_ key: String) async throws -> (runbook: Runbook, revision: Int) {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                try await RunbookRepository(db).find(for: try await ReleaseService.load(key, from: ReleaseRepository(db)))
            }
        }
    }

    /// Replaces the runbook whole. Refused once a live run has begun: the runbook being run is
    /// the one the run copied. The step editor and the API's JSON steps do not carry the
    /// automation of steps (only YAML does): unless `keepingAutomation` is false, a step keeps
    /// the automation it had when its key and kind are unchanged.
    public func replace(_ key: String, with runbook: Runbook, precondition: RevisionPrecondition? = nil,
                        keepingAutomation: Bool = true) async throws -> (runbook: Runbook, revision: Int) {
        try await gate.require(.runbookEdit, on: key)
        return try await refusing {
            return try await store.transaction { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                guard release.status.isPlanEditable else {
                    throw ServiceError.conflict("a release in \(release.status.rawValue) cannot have its runbook changed: the cutover has started")
                }
                let repository = RunbookRepository(db)
                let current = try await repository.find(for: release)
                if let precondition, !precondition.allows(current.revision) { throw ServiceError.stale(current: current.revision) }
                let valid = try (keepingAutomation ? runbook.keepingAutomation(of: current.runbook) : runbook).validated()
                try await Self.checkAutomation(of: valid, since: current.runbook, in: db)
                guard try await repository.save(valid, for: release, previousRevision: current.revision, by: RequestOrigin.current.actor, at: now()) else {
                    throw ServiceError.stale(current: current.revision)
                }
                let downtime = valid.steps.filter(\.downtime).count
                try await AuditLog.record(.runbookUpdate, target: release.key.description,
                                          summary: "runbook of \(valid.steps.count) steps (\(downtime) with downtime)", at: now(), in: db)
                return (valid, current.revision + 1)
            }
        }
    }

    /// The automation a save adds or changes must name secrets that exist and agents or labels
    /// that a registered agent answers to (422 naming each, with its step); automation already
    /// saved is not judged again, so that revoking an agent does not lock its runbooks.
    static func checkAutomation(of runbook: Runbook, since previous: Runbook, in db: any SQLDatabase) async throws {
        let before = Dictionary(previous.steps.map { ($0.key, $0.automation) }, uniquingKeysWith: { first, _ in first })
        let changed = runbook.steps.filter { $0.automation != nil && before[$0.key] != .some($0.automation) }
        guard !changed.isEmpty else { return }
        let secrets = try await SecretRepository(db).names()
        let agents = try await AgentRepository(db).all().filter { $0.revokedAt == nil }
        var errors: [FieldError] = []
        for step in changed {
            guard let automation = step.automation else { continue }
            for name in automation.secretNames.subtracting(secrets).sorted() {
                errors.append(FieldError("steps[\(step.key)].\(automation.command != nil ? "command" : "httpCheck")",
                                         "uses {{secret.\(name)}}, which is not a secret (bascule secret set \(name))"))
            }
            var targets = [("steps[\(step.key)].runsOn", automation.target)]
            for instance in automation.rollingUpdate?.instances ?? [] {
                if let target = instance.runsOn { targets.append(("steps[\(step.key)].rollingUpdate.instances[\(instance.name)].runsOn", target)) }
            }
            for (field, target) in targets {
                if let name = target.agent, !agents.contains(where: { $0.name == name }) {
                    errors.append(FieldError("\(field).agent", "no agent named \(name) is registered"))
                }
                for (label, value) in target.labels.sorted(by: { $0.key < $1.key }) where !agents.contains(where: { $0.labels[label] == value }) {
                    errors.append(FieldError(field, "no registered agent has the label \(label)=\(value)"))
                }
            }
        }
        guard errors.isEmpty else { throw ServiceError.invalid(errors) }
    }

    public func importYAML(_ key: String, _ text: String, precondition: RevisionPrecondition? = nil) async throws -> (runbook: Runbook, revision: Int) {
        try await gate.require(.runbookEdit, on: key)
        let parsed: Runbook
        do { parsed = try RunbookDocument.parse(text).runbook } catch { throw ServiceError(error) }
        return try await replace(key, with: parsed, precondition: precondition, keepingAutomation: false)
    }

    public func exportYAML(_ key: String) async throws -> String {
        RunbookDocument.yaml(try await get(key).runbook)
    }

    // MARK: - Templates

    public func templates() async throws -> [RunbookTemplate] {
        try await gate.require(.releaseRead)
        return try await refusing { try await store.withConnection { db in try await RunbookRepository(db).templates() } }
    }

    public func template(_ name: String) async throws -> RunbookTemplate {
        try await gate.require(.releaseRead)
        return try await refusing {
            guard let found = try await store.withConnection({ db in try await RunbookRepository(db).template(named: name) }) else {
                throw ServiceError.notFound("runbook template \(name)")
            }
            return found.template
        }
    }

    /// Creates or replaces a template from its YAML (with `variables:`).
    /// `precondition` (If-Match) names the revision the writer read; a new template has none
    /// yet (`If-Match` then refuses, unless `*` which asks for an existing one).
    public func saveTemplate(_ name: String, yaml: String, precondition: RevisionPrecondition? = nil) async throws -> RunbookTemplate {
        try await gate.require(.runbookEdit)
        return try await refusing {
            guard Runbook.isValidKey(name) else { throw ServiceError.invalid([FieldError("name", "must be 1 to 40 letters, digits, '.', '-' or '_'")]) }
            let (variables, runbook) = try RunbookDocument.parse(yaml)
            let template = RunbookTemplate(name: name, variables: variables, runbook: runbook)
            return try await store.transaction { db in
                let repository = RunbookRepository(db)
                let previous = try await repository.template(named: name)?.revision
                if let precondition, !(previous.map(precondition.allows) ?? false) { throw ServiceError.stale(current: previous ?? 0) }
                guard try await repository.saveTemplate(template, previousRevision: previous, at: now()) else { throw ServiceError.stale(current: previous ?? 0) }
                try await AuditLog.record(.runbookTemplate, target: "template:\(name)",
                                          summary: "\(runbook.steps.count) steps, variables: \(variables.joined(separator: ", "))", at: now(), in: db)
                return template
            }
        }
    }

    /// The release's runbook made from a template, its variables filled.
    public func instantiate(_ key: String, template name: String, values: [String: String]) async throws -> (runbook: Runbook, revision: Int) {
        let template = try await template(name)
        let runbook: Runbook
        do { runbook = try template.instantiate(values) } catch { throw ServiceError(error) }
        return try await replace(key, with: runbook)
    }
}
