import BasculeCore
import Foundation
import SQLKit

/// What the public status page announces.
public struct StatusPublicationRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func load() async throws -> StatusPublication {
        let rows = try await db.raw("SELECT kind, name, label FROM status_publications ORDER BY kind, label, name").all()
        var environments: [String] = [], services: [StatusPublication.Service] = []
        for row in rows {
            let name = try row.decode(column: "name", as: String.self)
            switch try row.decode(column: "kind", as: String.self) {
            case "environment": environments.append(name)
            default: services.append(.init(key: name, name: try row.decode(column: "label", as: String.self)))
            }
        }
        return StatusPublication(environments: environments, services: services)
    }

    public func replace(with publication: StatusPublication) async throws {
        try await db.raw("DELETE FROM status_publications").run()
        let rows = publication.environments.map { name -> SQLQueryString in "('environment', \(bind: name), \(bind: name))" }
            + publication.services.map { service -> SQLQueryString in "('service', \(bind: service.key), \(bind: service.name))" }
        guard !rows.isEmpty else { return }
        try await db.raw("INSERT INTO status_publications (kind, name, label) VALUES " + rows.joined(separator: ", ")).run()
    }
}
