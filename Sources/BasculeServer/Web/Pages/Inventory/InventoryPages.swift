import BasculeCore
import Foundation

/// The inventory section: the list of configuration items with search, one item with what it
/// depends on and what depends on it, its form, and the import of a CSV or YAML file.
enum InventoryPages {
    typealias Option = Choice

    struct ItemLine: Sendable {
        let key: String
        let href: String
        let name: String
        let type: String
        let team: String
        let criticality: Int
        let environments: String
        let tags: [String]
        let dependencies: Int
    }

    struct ListModel: Sendable {
        let items: [ItemLine]
        let q: String
        let team: String
        let tag: String
        let types: [Option]
        let nextHref: String?
        let firstHref: String?
        let canManage: Bool
        let exportCSV = "/api/v1/inventory/export?format=csv"
    }

    static func list(items: [ConfigurationItem], q: String, type: CIType?, team: String, tag: String, next: String?, after: String?,
                     canManage: Bool, _ words: Words) -> ListModel {
        func href(after: String?) -> String {
            var parts = URLComponents()
            parts.path = "/inventory"
            let items = [("q", q), ("type", type?.rawValue ?? ""), ("team", team), ("tag", tag), ("after", after ?? "")]
                .filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) }
            parts.queryItems = items.isEmpty ? nil : items
            return parts.string ?? "/inventory"
        }
        func line(_ item: ConfigurationItem) -> ItemLine {
            ItemLine(key: item.key.text, href: "/inventory/\(item.key.text)", name: item.fields.name, type: words.label(item.fields.type),
                     team: item.fields.ownerTeam ?? "—", criticality: item.fields.criticality, environments: item.fields.environments.joined(separator: ", "),
                     tags: item.fields.tags, dependencies: item.fields.dependsOn.count)
        }
        return ListModel(
            items: items.map(line), q: q, team: team, tag: tag,
            types: CIType.allCases.map { Option(value: $0.rawValue, label: words.label($0), selected: $0 == type) },
            nextHref: next.map { href(after: $0) }, firstHref: after == nil ? nil : href(after: nil), canManage: canManage)
    }

    struct Dependent: Sendable {
        let key: String
        let href: String
        let name: String
        let type: String
        let depth: Int
        let path: String
    }

    struct ItemModel: Sendable {
        let key: String
        let name: String
        let type: String
        let team: String
        let criticality: Int
        let environments: [String]
        let tags: [String]
        let dependsOn: [Dependent]
        let dependents: [Dependent]
        let dependentsCount: String
        let svg: String
        let updated: String
        let revision: Int
        let canManage: Bool
    }

    static func item(_ item: ConfigurationItem, node: DependencyGraph.Node, impacted: [ImpactedItem], dependencies: [DependencyGraph.Node], canManage: Bool,
                     _ words: Words) -> ItemModel {
        let key = item.key.text
        return ItemModel(
            key: key, name: item.fields.name, type: words.label(item.fields.type), team: item.fields.ownerTeam ?? "—", criticality: item.fields.criticality,
            environments: item.fields.environments, tags: item.fields.tags,
            dependsOn: dependencies.map { Dependent(key: $0.key.text, href: "/inventory/\($0.key.text)", name: $0.name, type: words.label($0.type), depth: 1, path: "") },
            dependents: impacted.map {
                Dependent(key: $0.node.key.text, href: "/inventory/\($0.node.key.text)", name: $0.node.name, type: words.label($0.node.type), depth: $0.depth,
                          path: $0.path.map(\.text).joined(separator: " → "))
            },
            dependentsCount: words.count("inventory_dependents", impacted.count),
            svg: impacted.isEmpty ? "" : ImpactDiagram(modified: [node], impacted: impacted).svg(title: words.text("impact_graph") + " " + key),
            updated: words.date(item.updatedAt), revision: item.revision, canManage: canManage)
    }

    struct FormModel: Sendable {
        let heading: String
        let action: String
        let isNew: Bool
        let values: [String: String]
        let types: [Option]
        let criticalities: [Option]
        let errors: [String: String]
        let formError: String?
        let deleteAction: String?
        let cancelHref: String
    }

    static func values(of item: ConfigurationItem) -> [String: String] {
        ["key": item.key.text, "name": item.fields.name, "type": item.fields.type.rawValue, "ownerTeam": item.fields.ownerTeam ?? "",
         "criticality": String(item.fields.criticality), "environments": item.fields.environments.joined(separator: ", "),
         "tags": item.fields.tags.joined(separator: ", "), "dependsOn": item.fields.dependsOn.map(\.text).joined(separator: ", "),
         "revision": String(item.revision)]
    }

    static func input(from values: [String: String], key: String?) -> CIInput {
        func list(_ name: String) -> [String] { (values[name] ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init) }
        let team = values["ownerTeam"]?.trimmingCharacters(in: .whitespaces) ?? ""
        return CIInput(key: key ?? values["key"]?.trimmingCharacters(in: .whitespaces) ?? "", name: values["name"]?.trimmingCharacters(in: .whitespaces) ?? "",
                       type: values["type"] ?? "", ownerTeam: team.isEmpty ? nil : team, criticality: values["criticality"].flatMap { Int($0) },
                       environments: list("environments"), tags: list("tags"), dependsOn: list("dependsOn"))
    }

    static func form(key: String?, values: [String: String], errors: [FieldError], canDelete: Bool, _ words: Words) -> FormModel {
        let inPlace: Set<String> = ["key", "name", "type", "ownerTeam", "criticality", "environments", "tags", "dependsOn"]
        let (byField, others) = words.errorsByField(errors, fields: inPlace)
        let type = values["type"] ?? CIType.application.rawValue, criticality = values["criticality"] ?? "3"
        return FormModel(
            heading: key.map { words.text("inventory_edit_title", ["key": $0]) } ?? words.text("inventory_new"),
            action: key.map { "/inventory/\($0)" } ?? "/inventory", isNew: key == nil, values: values,
            types: CIType.allCases.map { Option(value: $0.rawValue, label: words.label($0), selected: $0.rawValue == type) },
            criticalities: (1...4).map { Option(value: String($0), label: words.text("inventory_criticality_\($0)"), selected: String($0) == criticality) },
            errors: byField,
            formError: others,
            deleteAction: canDelete ? key.map { "/inventory/\($0)/delete" } : nil,
            cancelHref: key.map { "/inventory/\($0)" } ?? "/inventory")
    }

    struct ImportModel: Sendable {
        struct Rejection: Sendable {
            let line: String
            let key: String
            let errors: String
        }
        let done: Bool
        let summary: String?
        let created: [String]
        let updated: [String]
        let unchanged: Int
        let rejected: [Rejection]
        let errors: [String]
        let dryRun: Bool
        let maxMegabytes: String
    }

    static func importPage(report: InventoryImportReport?, errors: [FieldError], _ words: Words) -> ImportModel {
        let plan = report?.plan
        return ImportModel(
            done: report != nil,
            summary: report.map { report in
                words.text(report.dryRun ? "inventory_import_dry" : report.applied ? "inventory_import_applied" : "inventory_import_refused",
                           ["created": words.number(report.plan.created.count), "updated": words.number(report.plan.updated.count),
                            "unchanged": words.number(report.plan.unchanged.count), "rejected": words.number(report.plan.rejected.count)])
            },
            created: plan?.created.map(\.0.text) ?? [], updated: plan?.updated.map(\.0.text) ?? [], unchanged: plan?.unchanged.count ?? 0,
            rejected: plan?.rejected.map { ImportModel.Rejection(line: words.text("inventory_line", ["n": words.number($0.line)]), key: $0.key,
                                                     errors: $0.errors.map(words.error).joined(separator: " ")) } ?? [],
            errors: errors.map { error in error.line.map { words.text("inventory_line", ["n": words.number($0)]) + " · " } .map { $0 + words.error(error) } ?? words.error(error) },
            dryRun: report?.dryRun ?? false, maxMegabytes: words.number(InventoryFile.maximumSize / 1_048_576))
    }
}
