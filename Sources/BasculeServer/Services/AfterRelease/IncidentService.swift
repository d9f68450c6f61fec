import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Incidents: recorded by hand, imported from CSV or sent by a tool with its own token;
/// attributed to the releases that may have caused them, each candidate confirmed or rejected
/// by a person.
public struct IncidentService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    init(store: Store, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    /// What a person or a tool says of an incident.
    public struct Input: Sendable {
        public var reference: String
        public var title: String
        public var severity: Int
        public var openedAt: Date
        public var resolvedAt: Date?
        public var items: [String]
        public var link: String?

        public init(reference: String, title: String, severity: Int, openedAt: Date, resolvedAt: Date? = nil, items: [String] = [], link: String? = nil) {
            self.reference = reference
            self.title = title
            self.severity = severity
            self.openedAt = openedAt
            self.resolvedAt = resolvedAt
            self.items = items
            self.link = link
        }
    }

    /// An incident with its attributions, most likely first.
    public struct Detail: Sendable {
        public let stored: StoredIncident
        public let attributions: [StoredAttribution]
    }

    public func record(_ input: Input, source: String = "api") async throws -> Detail {
        try await gate.require(.incidentRecord)
        return try await refusing {
            let incident = try Self.incident(input)
            return try await store.transaction { db in
                try await Self.checkItems(incident.items, in: db)
                let id = UUID()
                try await IncidentRepository(db).insert(incident, id: id, source: source, at: now())
                try await AuditLog.record(.incidentRecord, target: "incident:\(incident.reference)",
                                          summary: "severity \(incident.severity): \(incident.title) (\(source))", at: now(), in: db)
                try await attribute(id, incident, in: db)
                return try await detail(incident.reference, in: db)
            }
        }
    }

    /// Changes what an incident says (resolving it is one change); its candidates are looked for again.
    public func update(_ reference: String, _ input: Input) async throws -> Detail {
        try await gate.require(.incidentRecord)
        return try await refusing {
            var input = input
            input.reference = reference
            let incident = try Self.incident(input)
            return try await store.transaction { db in
                let incidents = IncidentRepository(db)
                guard let current = try await incidents.find(reference: reference) else { throw ServiceError.notFound("incident \(reference)") }
                try await Self.checkItems(incident.items, in: db)
                try await incidents.update(incident, id: current.id, at: now())
                try await AuditLog.record(.incidentUpdate, target: "incident:\(reference)", summary: Self.difference(current.incident, incident), at: now(), in: db)
                try await attribute(current.id, incident, in: db)
                return try await detail(reference, in: db)
            }
        }
    }

    public func get(_ reference: String) async throws -> Detail {
        try await gate.require(.incidentRead)
        return try await store.withConnection { db in try await detail(reference, in: db) }
    }

    public func list(_ query: IncidentQuery, limit: Int = 50, offset: Int = 0) async throws -> (items: [StoredIncident], total: Int) {
        try await gate.require(.incidentRead)
        return try await store.withConnection { try await IncidentRepository($0).list(query, limit: min(max(limit, 1), 500), offset: max(offset, 0)) }
    }

    /// The incidents attributed to a release and not rejected.
    public func attributed(to key: String) async throws -> [StoredAttribution] {
        try await gate.require(.incidentRead)
        guard let release = ReleaseKey(key) else { throw ServiceError.notFound("release \(key)") }
        return try await store.withConnection { db in
            _ = try await ReleaseService.load(key, from: ReleaseRepository(db))
            return try await IncidentRepository(db).attributions(ofRelease: release.number)
        }
    }

    /// Confirms (`true`) or rejects that `release` caused the incident. A release that was no
    /// candidate can be confirmed too: the person knows something the graph does not.
    public func decide(_ reference: String, release key: String, confirmed: Bool) async throws -> Detail {
        try await gate.require(.incidentAttribute)
        return try await refusing {
            try await store.transaction { db in
                let incidents = IncidentRepository(db)
                guard let incident = try await incidents.find(reference: reference) else { throw ServiceError.notFound("incident \(reference)") }
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                let state: AttributionState = confirmed ? .confirmed : .rejected
                if !(try await incidents.decide(incident: incident.id, release: release.id, state: state, by: RequestOrigin.current.actor, at: now())) {
                    guard confirmed else { throw ServiceError.conflict("\(release.key) is not a candidate for \(reference): there is nothing to reject") }
                    try await incidents.confirmOutsideCandidates(incident: incident.id, release: release.id, by: RequestOrigin.current.actor, at: now())
                }
                try await AuditLog.record(.attributionDecide, target: "incident:\(reference)",
                                          summary: "\(release.key) \(confirmed ? "confirmed as a cause" : "rejected as a cause")", at: now(), in: db)
                return try await detail(reference, in: db)
            }
        }
    }

    /// Imports a CSV file: nothing unless every row is good, or the good rows when `partial`.
    /// Rows naming a reference already stored are refused (update those one by one).
    public func importCSV(_ text: String, partial: Bool) async throws -> (imported: [String], refused: [FieldError]) {
        try await gate.require(.incidentRecord)
        return try await refusing {
            let parsed = try IncidentCSV.parse(text)
            return try await store.transaction { db in
                let incidents = IncidentRepository(db)
                let known = try await InventoryRepository(db).existing(parsed.incidents.flatMap(\.items).compactMap(CIKey.init))
                var good: [Incident] = [], refused = parsed.errors
                for (incident, line) in zip(parsed.incidents, parsed.lines) {
                    if let unknown = incident.items.first(where: { CIKey($0).map { !known.contains($0) } ?? true }) {
                        refused.append(FieldError("row", "the configuration item \(unknown) does not exist", line: line))
                    } else if try await incidents.find(reference: incident.reference) != nil {
                        refused.append(FieldError("row", "\(incident.reference) is already recorded", line: line))
                    } else {
                        good.append(incident)
                    }
                }
                refused.sort { ($0.line ?? 0) < ($1.line ?? 0) }
                if !refused.isEmpty, !partial { throw ServiceError.invalid(refused) }
                for incident in good {
                    let id = UUID()
                    try await incidents.insert(incident, id: id, source: "csv", at: now())
                    try await attribute(id, incident, in: db)
                }
                try await AuditLog.record(.incidentImport, target: "incidents",
                                          summary: "\(good.count) imported from CSV\(refused.isEmpty ? "" : ", \(refused.count) row(s) refused")", at: now(), in: db)
                return (good.map(\.reference), refused)
            }
        }
    }

    // MARK: inbound

    /// What a tool sends: a new incident, or the same reference again (updated, resolved).
    /// The token is its own, not a person's: a wrong one is 401 and nothing is stored.
    public func receive(_ input: Input, token: String) async throws -> (detail: Detail, created: Bool) {
        try await refusing {
            try await store.transaction { db in
                let incidents = IncidentRepository(db)
                guard let source = try await incidents.source(tokenHash: Digest.sha256(token), at: now()) else {
                    throw ServiceError.unauthorized("the token is not an incident source's (see `bascule incident source add`)")
                }
                let incident = try Self.incident(input)
                try await Self.checkItems(incident.items, in: db)
                return try await RequestOrigin.$current.withValue(Self.origin(source)) {
                    if let current = try await incidents.find(reference: incident.reference) {
                        try await incidents.update(incident, id: current.id, at: now())
                        try await AuditLog.record(.incidentUpdate, target: "incident:\(incident.reference)",
                                                  summary: Self.difference(current.incident, incident) + " (from \(source))", at: now(), in: db)
                        try await attribute(current.id, incident, in: db)
                        return (try await detail(incident.reference, in: db), false)
                    }
                    let id = UUID()
                    try await incidents.insert(incident, id: id, source: "webhook:\(source)", at: now())
                    try await AuditLog.record(.incidentRecord, target: "incident:\(incident.reference)",
                                              summary: "severity \(incident.severity): \(incident.title) (from \(source))", at: now(), in: db)
                    try await attribute(id, incident, in: db)
                    return (try await detail(incident.reference, in: db), true)
                }
            }
        }
    }

    /// The name of the source the token belongs to; 401 when it is none's.
    @discardableResult
    public func checkSource(token: String) async throws -> String {
        let found = try await store.withConnection { try await IncidentRepository($0).source(tokenHash: Digest.sha256(token), at: now()) }
        guard let found else { throw ServiceError.unauthorized("the token is not an incident source's (see `bascule incident source add`)") }
        return found
    }

    /// Adds a source; its token is answered this once (`bin_` and 32 random bytes).
    public func addSource(_ name: String) async throws -> String {
        try await gate.require(.incidentSourceManage)
        return try await refusing {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard (1...64).contains(trimmed.count), trimmed.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw ServiceError.invalid([FieldError("name", "must be 1 to 64 letters, digits, dashes or underscores")])
            }
            let token = "bin_" + Secrets.random()
            try await store.transaction { db in
                try await IncidentRepository(db).insertSource(name: trimmed, tokenHash: Digest.sha256(token), by: RequestOrigin.current.actor, at: now())
                try await AuditLog.record(.incidentSourceCreate, target: "incident-source:\(trimmed)", summary: "may send incidents", at: now(), in: db)
            }
            return token
        }
    }

    public func sources() async throws -> [IncidentSource] {
        try await gate.require(.incidentSourceManage)
        return try await store.withConnection { try await IncidentRepository($0).sources() }
    }

    public func removeSource(_ name: String) async throws {
        try await gate.require(.incidentSourceManage)
        try await store.transaction { db in
            guard try await IncidentRepository(db).deleteSource(name: name) else { throw ServiceError.notFound("incident source \(name)") }
            try await AuditLog.record(.incidentSourceDelete, target: "incident-source:\(name)", summary: "may no longer send incidents", at: now(), in: db)
        }
    }

    // MARK: -

    private func detail(_ reference: String, in db: any SQLDatabase) async throws -> Detail {
        let incidents = IncidentRepository(db)
        guard let stored = try await incidents.find(reference: reference) else { throw ServiceError.notFound("incident \(reference)") }
        return Detail(stored: stored, attributions: try await incidents.attributions(of: stored.id))
    }

    /// Looks for the releases that may have caused the incident, in the window the policy sets.
    private func attribute(_ id: UUID, _ incident: Incident, in db: any SQLDatabase) async throws {
        let policy = try await PolicyInForce.load(in: db)
        let window = TimeInterval(policy.afterRelease.attributionDays) * 86_400
        let deployments = try await DeploymentRepository(db).candidates(from: incident.openedAt.addingTimeInterval(-window), to: incident.openedAt)
        let graph = try await store.dependencyGraphs.graph(in: db)
        let found = Attribution.candidates(for: incident, among: deployments, graph: graph, window: window)
        let releases = ReleaseRepository(db)
        var rows: [(releaseID: UUID, candidate: Attribution.Candidate)] = []
        for candidate in found {
            guard let key = ReleaseKey(candidate.release), let release = try await releases.find(key) else { continue }
            rows.append((release.id, candidate))
        }
        try await IncidentRepository(db).replaceCandidates(rows, of: id)
    }

    static func incident(_ input: Input) throws -> Incident {
        try Incident(reference: input.reference, title: input.title, severity: input.severity, openedAt: input.openedAt,
                     resolvedAt: input.resolvedAt, items: input.items, link: input.link?.isEmpty == true ? nil : input.link)
    }

    /// 422 naming the first item the inventory does not hold.
    static func checkItems(_ items: [String], in db: any SQLDatabase) async throws {
        let keys = items.compactMap(CIKey.init)
        let known = try await InventoryRepository(db).existing(keys)
        if let unknown = keys.first(where: { !known.contains($0) }) {
            throw ServiceError.invalid([FieldError("items", "the configuration item \(unknown) does not exist")])
        }
    }

    private static func origin(_ source: String) -> RequestOrigin {
        // The audit trail names the source in each summary; the actor is the server acting on it.
        var origin = RequestOrigin.current
        origin.principal = .system
        return origin
    }

    static func difference(_ before: Incident, _ after: Incident) -> String {
        var parts: [String] = []
        if before.title != after.title { parts.append("title changed") }
        if before.severity != after.severity { parts.append("severity: \(before.severity) → \(after.severity)") }
        if before.openedAt != after.openedAt { parts.append("opened time changed") }
        if before.resolvedAt == nil, after.resolvedAt != nil { parts.append("resolved") }
        if before.resolvedAt != nil, after.resolvedAt == nil { parts.append("reopened") }
        if before.items != after.items { parts.append("items: \(after.items.joined(separator: ", "))") }
        if before.link != after.link { parts.append("link changed") }
        return parts.isEmpty ? "no change" : parts.joined(separator: "; ")
    }
}
