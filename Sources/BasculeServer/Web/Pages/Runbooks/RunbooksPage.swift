import BasculeCore
import Foundation

/// The runbooks section: the library of templates, each with its steps, and the form that
/// makes a release's runbook from one with its variables filled.
enum RunbooksPage {
    struct TemplateLine: Sendable {
        let name: String
        let href: String
        let variables: String
        let steps: String
        let planned: String
    }

    struct Model: Sendable {
        let templates: [TemplateLine]
    }

    static func model(_ templates: [RunbookTemplate], _ words: Words) -> Model {
        Model(templates: templates.map { template in
            let main = template.runbook.mainSteps
            let (_, timeline) = template.runbook.plannedTimeline(from: Date(timeIntervalSinceReferenceDate: 0))
            return TemplateLine(name: template.name, href: "/runbooks/\(template.name)",
                                variables: template.variables.map { "{{\($0)}}" }.joined(separator: ", "),
                                steps: words.count("runbook_steps_count", main.count),
                                planned: words.duration(timeline.end.timeIntervalSinceReferenceDate))
        })
    }

    struct StepLine: Sendable {
        let key: String
        let title: String
        let phase: String
        let kind: String
        let minutes: String
        let after: String
    }

    struct Variable: Sendable {
        let name: String
        let value: String
    }

    typealias Option = Choice

    struct TemplateModel: Sendable {
        let name: String
        let steps: [StepLine]
        let variables: [Variable]
        let releases: [Option]
        let yaml: String
        let errors: [String]
        let canApply: Bool
    }

    static func template(_ template: RunbookTemplate, releases: [Release], values: [String: String], errors: [FieldError], canApply: Bool,
                         _ words: Words) -> TemplateModel {
        TemplateModel(
            name: template.name,
            steps: template.runbook.steps.map {
                StepLine(key: $0.key, title: $0.title, phase: words.label($0.phase), kind: words.label($0.kind), minutes: words.duration($0.plannedDuration),
                         after: $0.predecessors.joined(separator: ", "))
            },
            variables: template.variables.map { Variable(name: $0, value: values["var.\($0)"] ?? "") },
            releases: releases.map { Option(value: $0.key.description, label: "\($0.key) \($0.title)", selected: values["release"] == $0.key.description) },
            yaml: RunbookDocument.yaml(template.runbook, variables: template.variables), errors: errors.map(words.error), canApply: canApply)
    }
}
