import BasculeAPI
import BasculeCore
import Foundation
import OpenAPIRuntime

extension APIHandler {
    func listItems(_ input: Operations.ListItems.Input) async throws -> Operations.ListItems.Output {
        let q = input.query
        let page = try await inventory.list(type: q._type.map { mapped($0) ?? .other }, team: q.team, tag: q.tag,
                                            text: q.q?.trimmingCharacters(in: .whitespaces), limit: q.limit, after: q.cursor)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.ConfigurationItem.init), nextCursor: page.next))))
    }

    func createItem(_ input: Operations.CreateItem.Input) async throws -> Operations.CreateItem.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let item = try await inventory.create(CIInput(body))
        return .created(.init(headers: .init(eTag: ETag.make(item.revision)), body: .json(.init(item))))
    }

    func getItem(_ input: Operations.GetItem.Input) async throws -> Operations.GetItem.Output {
        let item = try await inventory.get(input.path.ci)
        return .ok(.init(headers: .init(eTag: ETag.make(item.revision)), body: .json(.init(item))))
    }

    func updateItem(_ input: Operations.UpdateItem.Input) async throws -> Operations.UpdateItem.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let item = try await inventory.update(input.path.ci, CIInput(body), precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        return .ok(.init(headers: .init(eTag: ETag.make(item.revision)), body: .json(.init(item))))
    }

    func deleteItem(_ input: Operations.DeleteItem.Input) async throws -> Operations.DeleteItem.Output {
        try await inventory.delete(input.path.ci, precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        return .noContent(.init())
    }

    func getItemImpact(_ input: Operations.GetItemImpact.Input) async throws -> Operations.GetItemImpact.Output {
        let (item, impacted) = try await inventory.impact(of: input.path.ci, maxDepth: input.query.maxDepth)
        return .ok(.init(body: .json(.init(item: .init(item), impacted: impacted.map(Components.Schemas.ImpactedItem.init)))))
    }

    func importInventory(_ input: Operations.ImportInventory.Input) async throws -> Operations.ImportInventory.Output {
        let body: HTTPBody, format: InventoryFormat
        switch input.body {
        case .csv(let content): (body, format) = (content, .csv)
        case .yaml(let content): (body, format) = (content, .yaml)
        }
        let data: Data
        do {
            data = try await Data(collecting: body, upTo: InventoryFile.maximumSize)
        } catch {
            throw ServiceError.invalid([FieldError("file", "is larger than 32 MiB")])
        }
        let report = try await inventory.importFile(data, format: format, partial: input.query.partial ?? false, dryRun: input.query.dryRun ?? false)
        return .ok(.init(body: .json(.init(report))))
    }

    func exportInventory(_ input: Operations.ExportInventory.Input) async throws -> Operations.ExportInventory.Output {
        let format: InventoryFormat = input.query.format == .yaml ? .yaml : .csv
        let text = try await inventory.export(format)
        return .ok(.init(body: format == .csv ? .csv(HTTPBody(text)) : .yaml(HTTPBody(text))))
    }

    func getReleaseImpact(_ input: Operations.GetReleaseImpact.Input) async throws -> Operations.GetReleaseImpact.Output {
        let impact = try await inventory.impact(ofRelease: input.path.key)
        return .ok(.init(body: .json(.init(
            release: input.path.key.uppercased(), modified: impact.modified.map(Components.Schemas.ItemSummary.init),
            businessServices: impact.businessServices.map(Components.Schemas.ImpactedItem.init),
            impacted: impact.impacted.map(Components.Schemas.ImpactedItem.init)))))
    }

    func getReleaseConflicts(_ input: Operations.GetReleaseConflicts.Input) async throws -> Operations.GetReleaseConflicts.Output {
        let (release, conflicts) = try await calendar.conflicts(of: input.path.key)
        return .ok(.init(body: .json(.init(release: release.key.description, items: conflicts.map(Components.Schemas.Conflict.init)))))
    }

    func getReleaseSlots(_ input: Operations.GetReleaseSlots.Input) async throws -> Operations.GetReleaseSlots.Output {
        let q = input.query
        let (request, slots) = try await calendar.slots(of: input.path.key, within: q.within, duration: q.duration, limit: q.limit)
        return .ok(.init(body: .json(.init(release: input.path.key.uppercased(), durationMinutes: Int(request.duration / 60),
                                           items: slots.map { .init(start: $0.start, end: $0.end) }))))
    }

    func getCalendar(_ input: Operations.GetCalendar.Input) async throws -> Operations.GetCalendar.Output {
        let q = input.query
        let query: CalendarQuery
        do { query = try CalendarQuery.validated(from: q.from, to: q.to, environment: q.environment, item: q.ci, team: q.team) } catch { throw ServiceError(error) }
        let (zone, entries) = try await calendar.entries(query)
        return .ok(.init(body: .json(.init(timeZone: zone.identifier, items: entries.map(Components.Schemas.CalendarEntry.init)))))
    }

    func createCalendarFeedToken(_ input: Operations.CreateCalendarFeedToken.Input) async throws -> Operations.CreateCalendarFeedToken.Output {
        let token = try await calendar.createFeedToken()
        return .created(.init(body: .json(.init(token: token, path: "/calendar.ics?token=\(token)"))))
    }

    func revokeCalendarFeedToken(_ input: Operations.RevokeCalendarFeedToken.Input) async throws -> Operations.RevokeCalendarFeedToken.Output {
        try await calendar.revokeFeedToken()
        return .noContent(.init())
    }

    func listMaintenanceWindows(_ input: Operations.ListMaintenanceWindows.Input) async throws -> Operations.ListMaintenanceWindows.Output {
        .ok(.init(body: .json(.init(items: try await maintenance.list().map(Components.Schemas.MaintenanceWindow.init)))))
    }

    func createMaintenanceWindow(_ input: Operations.CreateMaintenanceWindow.Input) async throws -> Operations.CreateMaintenanceWindow.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let window = try await maintenance.create(MaintenanceWindowInput(body))
        return .created(.init(headers: .init(eTag: ETag.make(window.revision)), body: .json(.init(window))))
    }

    func getMaintenanceWindow(_ input: Operations.GetMaintenanceWindow.Input) async throws -> Operations.GetMaintenanceWindow.Output {
        let window = try await maintenance.get(input.path.id)
        return .ok(.init(headers: .init(eTag: ETag.make(window.revision)), body: .json(.init(window))))
    }

    func updateMaintenanceWindow(_ input: Operations.UpdateMaintenanceWindow.Input) async throws -> Operations.UpdateMaintenanceWindow.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let window = try await maintenance.update(input.path.id, MaintenanceWindowInput(body), precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        return .ok(.init(headers: .init(eTag: ETag.make(window.revision)), body: .json(.init(window))))
    }

    func deleteMaintenanceWindow(_ input: Operations.DeleteMaintenanceWindow.Input) async throws -> Operations.DeleteMaintenanceWindow.Output {
        try await maintenance.delete(input.path.id, precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        return .noContent(.init())
    }
}
