import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// The public status page: the releases of the published environments that touch a published
/// business service (directly or through what depends on them), where their cutover stands,
/// and when the live run expects to end. Read without sign-in; only what is published shows.
public struct StatusPageService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper
    let runs: RunService

    init(store: Store, now: @escaping @Sendable () -> Date, runs: RunService) {
        self.store = store
        self.now = now
        self.gate = Gatekeeper(store: store, now: now)
        self.runs = runs
    }

    public func publication() async throws -> StatusPublication {
        try await gate.require(.statusManage)
        return try await store.withConnection { try await StatusPublicationRepository($0).load() }
    }

    /// Publishes these environments and services (configuration items of type service).
    public func publish(environments: [String], services: [String]) async throws -> StatusPublication {
        try await gate.require(.statusManage)
        return try await refusing {
            try await store.transaction { db in
                var problems: [FieldError] = []
                let known = Set(try await EnvironmentRepository(db).all().map(\.name))
                let unknownEnvironments = environments.filter { !known.contains($0) }
                if !unknownEnvironments.isEmpty { problems.append(FieldError("environments", "names unknown environments: \(unknownEnvironments.joined(separator: ", "))")) }
                let items = Dictionary(try await InventoryRepository(db).all().map { ($0.key.text, $0) }, uniquingKeysWith: { first, _ in first })
                var published: [StatusPublication.Service] = []
                for key in Set(services).sorted() {
                    guard let item = items[key.lowercased()] else { problems.append(FieldError("services", "there is no configuration item \(key)")); continue }
                    guard item.fields.type == .service else { problems.append(FieldError("services", "\(key) is a \(item.fields.type.rawValue), not a business service")); continue }
                    published.append(.init(key: item.key.text, name: item.fields.name))
                }
                guard problems.isEmpty else { throw ServiceError.invalid(problems) }
                let publication = StatusPublication(environments: Array(Set(environments)).sorted(), services: published)
                try await StatusPublicationRepository(db).replace(with: publication)
                try await AuditLog.record(.statusPublish, target: "status-page", summary: "publishes \(publication.environments.joined(separator: ", ")) for "
                                          + published.map(\.key).joined(separator: ", "), at: now(), in: db)
                return publication
            }
        }
    }

    /// The board, for everyone; `service` narrows it to one published service (404 otherwise).
    public func board(service: String? = nil) async throws -> (StatusPublication, StatusBoard) {
        let at = now()
        let (publication, candidates) = try await store.withConnection { db -> (StatusPublication, [(Release, [StatusPublication.Service])]) in
            let publication = try await StatusPublicationRepository(db).load()
            if let service, publication.service(named: service.lowercased()) == nil { throw ServiceError.notFound("service \(service) on the status page") }
            guard !publication.isEmpty else { return (publication, []) }
            var releases: [Release] = []
            for environment in publication.environments {
                let query = ReleaseQuery(statuses: ReleaseStatus.allCases.filter { $0 != .draft }, environment: environment,
                                         from: at.addingTimeInterval(-Double(StatusBoard.historyDays) * 86_400),
                                         to: at.addingTimeInterval(Double(StatusBoard.aheadDays) * 86_400))
                releases += try await ReleaseRepository(db).sorted(query, by: .window, descending: false, limit: 500, offset: 0).items
            }
            let itemsByRelease = try await InventoryRepository(db).itemsByRelease(ids: releases.map(\.id))
            let graph = try await store.dependencyGraphs.graph(in: db)
            let wanted = Dictionary(publication.services.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            let candidates = releases.compactMap { release -> (Release, [StatusPublication.Service])? in
                let sources = (itemsByRelease[release.id] ?? []).compactMap(graph.index(of:))
                let walk = graph.impact(of: sources)
                let touched = Set(walk.order.map { graph.nodes[Int($0)].key.text })
                let services = touched.compactMap { wanted[$0] }.sorted { $0.name < $1.name }
                return services.isEmpty ? nil : (release, services)
            }
            return (publication, candidates)
        }
        var disruptions: [Disruption] = []
        for (release, services) in candidates {
            guard let window = release.fields.window, let environment = release.fields.environment else { continue }
            var expectedEnd: Date?, updated = release.updatedAt
            let live = release.status == .inProgress ? try await liveView(release) : nil
            if let live {
                expectedEnd = live.forecast.p50End
                updated = max(updated, live.run.log.last?.at ?? updated)
            }
            guard let state = DisruptionState.of(release.status, liveRun: live?.run) else { continue }
            disruptions.append(Disruption(release: release.key.description, title: release.title, environment: environment, services: services,
                                          start: window.start, end: window.end, state: state, expectedEnd: expectedEnd, updatedAt: updated))
        }
        return (publication, StatusBoard(disruptions, service: service?.lowercased(), now: at))
    }

    /// The release's live run under way with its forecast, read as the system: the page is
    /// public but says only the state and the expected end.
    private func liveView(_ release: Release) async throws -> RunService.View? {
        try await RequestOrigin.asSystem {
            guard let live = try await runs.list(of: release.key.description).first(where: { $0.kind == .live && !$0.status.isOver }) else { return nil }
            return try await runs.view(live.id.uuidString, draws: 200)
        }
    }
}
