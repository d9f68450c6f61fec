import BasculeAPI
import BasculeCore
import Foundation

/// Between the contract's types and the domain's. Enum values share their spelling.
extension Components.Schemas.Release {
    init(_ release: Release) {
        self.init(
            key: release.key.description, title: release.title, version: release.version,
            _type: .init(release.type), status: .init(release.status), plannedStart: release.window?.start,
            plannedEnd: release.window?.end, environment: release.environment, owner: release.owner,
            description: release.description, tags: release.tags,
            createdAt: release.createdAt, updatedAt: release.updatedAt, revision: release.revision,
            allowedTransitions: release.allowedTransitions.map(Components.Schemas.ReleaseStatus.init))
    }
}

extension Components.Schemas.Environment {
    init(_ environment: Environment) {
        self.init(name: environment.name, kind: .init(environment.kind), order: environment.order, mirrors: environment.mirrors,
                  refreshedAt: environment.refreshedAt)
    }
}

extension Components.Schemas.AuditEvent {
    init(_ event: AuditEvent) {
        self.init(
            sequence: event.sequence, at: event.at, actor: event.entry.actor, action: event.entry.action.rawValue,
            target: event.entry.target, summary: event.entry.summary, requestId: event.requestID,
            clientAddress: event.clientAddress, previousHash: event.previousHash, hash: event.hash)
    }
}

extension Components.Schemas.ReleaseStatus {
    init(_ status: ReleaseStatus) { self = Self(rawValue: status.rawValue) ?? .draft }
    var domain: ReleaseStatus { ReleaseStatus(rawValue: rawValue) ?? .draft }
}

extension Components.Schemas.ReleaseType {
    init(_ type: ReleaseType) { self = Self(rawValue: type.rawValue) ?? .minor }
    var domain: ReleaseType { ReleaseType(rawValue: rawValue) ?? .minor }
}

extension Components.Schemas.EnvironmentKind {
    init(_ kind: EnvironmentKind) { self = Self(rawValue: kind.rawValue) ?? .development }
    var domain: EnvironmentKind { EnvironmentKind(rawValue: rawValue) ?? .development }
}

extension ReleaseInput {
    init(_ body: Components.Schemas.ReleaseCreate) {
        self.init(
            title: body.title, version: body.version, type: body._type.domain, plannedStart: body.plannedStart,
            plannedEnd: body.plannedEnd, environment: body.environment, owner: body.owner,
            description: body.description ?? "", tags: body.tags ?? [])
    }
}

extension ReleaseChanges {
    init(_ body: Components.Schemas.ReleaseUpdate) {
        self.init(
            title: body.title, version: body.version, type: body._type?.domain, plannedStart: body.plannedStart,
            plannedEnd: body.plannedEnd, clearWindow: body.clearWindow ?? false, environment: body.environment,
            owner: body.owner, description: body.description, tags: body.tags)
    }
}
