import BasculeCore
import Foundation

/// The plan editor: every part of the plan as rows of a form (objectives, scope, risks,
/// milestones, resources, training, requirements, readiness), with blank rows to add and a box
/// to remove, errors shown on the row they concern. Works without JavaScript.
enum PlanEditPage {
    typealias Option = Choice

    struct Row: Sendable {
        let index: Int
        let number: String
        let values: [String: String]
        let choices: [String: [Option]]
        let done: Bool
        let error: String?
        let isNew: Bool
    }

    struct Section: Sendable {
        let id: String
        let title: String
        let rows: [Row]
    }

    struct Model: Sendable {
        let releaseKey: String
        let releaseTitle: String
        let releaseHref: String
        let revision: Int
        let scopeIn: String
        let scopeOut: String
        let objectives: Section
        let risks: Section
        let milestones: Section
        let resources: Section
        let training: Section
        let requirements: Section
        let readiness: Section
        let errors: [String]
        let zone: String
    }

    static func model(release: Release, form: PlanForm, revision: Int, errors: [FieldError], _ words: Words) -> Model {
        let key = release.key.description
        func options<T: PageLabel>(_ type: T.Type, _ selected: String, blank: Bool = false) -> [Option] {
            (blank ? [Option(value: "", label: "—", selected: selected.isEmpty)] : [])
                + T.allCases.map { Option(value: $0.rawValue, label: words.label($0), selected: $0.rawValue == selected) }
        }
        func section(_ id: String, title: String, key first: String, plural: String, fields: [String],
                     choices: (Int) -> [String: [Option]] = { _ in [:] }) -> Section {
            let filled = (0..<form.rows(id)).last { !form["\(id).\($0).\(first)"].isEmpty } ?? -1
            let count = min(max(form.rows(id), filled + 1 + PlanForm.blankRows), PlanLimits.items + PlanForm.blankRows)
            let rows = (0..<count).map { i -> Row in
                let mine = errors.filter { $0.field.hasPrefix("\(plural)[\(i)]") }
                return Row(index: i, number: words.number(i + 1),
                           values: Dictionary(uniqueKeysWithValues: fields.map { ($0, form["\(id).\(i).\($0)"]) }),
                           choices: choices(i), done: !form["\(id).\(i).done"].isEmpty,
                           error: mine.isEmpty ? nil : mine.map(words.error).joined(separator: " "), isNew: i > filled)
            }
            return Section(id: id, title: words.text(title), rows: rows)
        }
        return Model(
            releaseKey: key, releaseTitle: release.title, releaseHref: "/releases/\(key)?tab=plan", revision: revision,
            scopeIn: form["scopeIn"], scopeOut: form["scopeOut"],
            objectives: section("objective", title: "plan_objectives", key: "statement", plural: "objectives", fields: ["statement", "criterion"]) {
                ["assessment": options(Objective.Assessment.self, form["objective.\($0).assessment"], blank: true)]
            },
            risks: section("risk", title: "plan_risks", key: "title", plural: "risks", fields: ["title", "probability", "impact", "mitigation", "owner"]) {
                ["status": options(Risk.Status.self, form["risk.\($0).status"].isEmpty ? "open" : form["risk.\($0).status"])]
            },
            milestones: section("milestone", title: "plan_milestones", key: "name", plural: "milestones", fields: ["name", "due"]),
            resources: section("resource", title: "plan_resources", key: "name", plural: "resources", fields: ["name"]) {
                ["kind": options(Resource.Kind.self, form["resource.\($0).kind"]), "role": options(Resource.RACI.self, form["resource.\($0).role"])]
            },
            training: section("training", title: "plan_training", key: "title", plural: "training", fields: ["title", "due"]) {
                ["audience": options(TrainingItem.Audience.self, form["training.\($0).audience"])]
            },
            requirements: section("requirement", title: "plan_requirements", key: "target", plural: "requirements", fields: ["target", "verification"]) {
                ["category": options(NonFunctionalRequirement.Category.self, form["requirement.\($0).category"]),
                 "status": options(NonFunctionalRequirement.Status.self, form["requirement.\($0).status"])]
            },
            readiness: section("readiness", title: "plan_readiness", key: "title", plural: "readiness", fields: ["title"]),
            errors: errors.filter { !$0.field.contains("[") }.map(words.error) + (errors.contains { $0.field.contains("[") } ? [words.text("plan_row_errors")] : []),
            zone: words.formatting.zoneName)
    }
}
