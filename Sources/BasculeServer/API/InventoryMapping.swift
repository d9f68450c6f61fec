import BasculeAPI
import BasculeCore
import Foundation

extension Components.Schemas.ConfigurationItem {
    init(_ item: ConfigurationItem) {
        let f = item.fields
        self.init(key: item.key.text, name: f.name, _type: mapped(f.type, or: .other), ownerTeam: f.ownerTeam, criticality: f.criticality,
                  environments: f.environments, tags: f.tags, dependsOn: f.dependsOn.map(\.text), createdAt: item.createdAt,
                  updatedAt: item.updatedAt, revision: item.revision)
    }
}

extension CIInput {
    init(_ body: Components.Schemas.ConfigurationItemInput) {
        self.init(key: body.key, name: body.name, type: body._type.rawValue, ownerTeam: body.ownerTeam, criticality: body.criticality,
                  environments: body.environments ?? [], tags: body.tags ?? [], dependsOn: body.dependsOn ?? [])
    }
}

extension Components.Schemas.ItemSummary {
    init(_ node: DependencyGraph.Node) {
        self.init(key: node.key.text, name: node.name, _type: mapped(node.type, or: .other), criticality: node.criticality, ownerTeam: node.ownerTeam)
    }
}

extension Components.Schemas.ImpactedItem {
    init(_ item: ImpactedItem) {
        self.init(key: item.node.key.text, name: item.node.name, _type: mapped(item.node.type, or: .other), criticality: item.node.criticality,
                  ownerTeam: item.node.ownerTeam, depth: item.depth, path: item.path.map(\.text))
    }
}

extension Components.Schemas.InventoryImportReport {
    init(_ report: InventoryImportReport) {
        let plan = report.plan
        self.init(applied: report.applied, dryRun: report.dryRun, created: plan.created.map(\.0.text), updated: plan.updated.map(\.0.text),
                  unchanged: plan.unchanged.map(\.text),
                  rejected: plan.rejected.map { .init(line: $0.line, key: $0.key, errors: $0.errors.map { "\($0.field): \($0.message)" }) })
    }
}

extension Components.Schemas.Conflict {
    init(_ conflict: Conflict) {
        self.init(kind: mapped(conflict.kind, or: .sameItem), other: conflict.other?.description, otherTitle: conflict.otherTitle,
                  items: conflict.items.map(\.text), from: conflict.period?.start, to: conflict.period?.end,
                  explanation: conflict.explanation.en, explanationFr: conflict.explanation.fr)
    }
}

extension Components.Schemas.CalendarEntry {
    init(_ entry: CalendarEntry) {
        self.init(uid: entry.uid, kind: mapped(entry.kind, or: .release), title: entry.title, start: entry.start, end: entry.end,
                  environment: entry.environment, release: entry.release?.description, status: entry.status.map { mapped($0, or: .draft) },
                  items: entry.items.map(\.text), detail: entry.detail, conflicts: entry.conflicts.map(Components.Schemas.Conflict.init),
                  meeting: entry.meeting?.description, place: entry.place, attendees: entry.kind == .meeting ? entry.attendees.map(\.name) : nil)
    }
}

extension Components.Schemas.MaintenanceWindow {
    init(_ window: MaintenanceWindow) {
        let input = window.input
        self.init(id: window.id.uuidString.lowercased(), name: window.name, environments: window.environments, items: window.items.map(\.text),
                  start: input.start, end: input.end,
                  recurrence: input.recurrence.map { .init(days: $0.days, daysOfMonth: $0.daysOfMonth, hours: $0.hours, timeZone: $0.timeZone) },
                  summary: window.summary.en, revision: window.revision)
    }
}

extension MaintenanceWindowInput {
    init(_ body: Components.Schemas.MaintenanceWindowInput) {
        self.init(name: body.name, environments: body.environments ?? [], items: body.items ?? [], start: body.start, end: body.end,
                  recurrence: body.recurrence.map { .init(days: $0.days ?? [], daysOfMonth: $0.daysOfMonth ?? [], hours: $0.hours, timeZone: $0.timeZone) })
    }
}
