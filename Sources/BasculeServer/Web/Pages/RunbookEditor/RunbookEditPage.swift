import BasculeCore
import Foundation

/// The step-by-step runbook editor: one row per step with its fields, its predecessors picked
/// from the other steps, blank rows to add, a box to remove; beside the YAML editor, which
/// stays the way to write instructions and fixed starts at length.
enum RunbookEditPage {
    typealias Option = Choice

    struct Row: Sendable {
        let index: Int
        let number: String
        let key: String
        let title: String
        let owner: String
        let minutes: String
        let downtime: Bool
        let instructions: String
        let fixedStart: String
        let phases: [Option]
        let kinds: [Option]
        let predecessors: [Option]
        let undo: [Option]
        let error: String?
        let isNew: Bool
    }

    struct Model: Sendable {
        let releaseKey: String
        let releaseTitle: String
        let releaseHref: String
        let revision: Int
        let rows: [Row]
        let errors: [String]
    }

    static let blankRows = 3

    /// One step as the form holds it, all text.
    struct Draft: Sendable {
        var key = "", title = "", owner = "", minutes = "", phase = StepPhase.cutover.rawValue, kind = StepKind.manual.rawValue
        var after: [String] = [], downtime = false, undoneBy = "", instructions = "", fixedStart = "", remove = false
    }

    static func drafts(of runbook: Runbook) -> [Draft] {
        let iso = ISO8601DateFormatter()
        return runbook.steps.map { step in
            Draft(key: step.key, title: step.title, owner: step.owner ?? "", minutes: String(Int((step.plannedDuration / 60).rounded())),
                  phase: step.phase.rawValue, kind: step.kind.rawValue, after: step.predecessors, downtime: step.downtime,
                  undoneBy: step.undoneBy ?? "", instructions: step.instructions, fixedStart: step.fixedStart.map(iso.string(from:)) ?? "")
        }
    }

    /// The rows as posted, by their index in the form.
    static func drafts(from pairs: [(name: String, value: String)]) -> [Int: Draft] {
        var drafts: [Int: Draft] = [:]
        for (name, value) in pairs {
            let parts = name.split(separator: ".", maxSplits: 2)
            guard parts.count == 3, parts[0] == "step", let index = Int(parts[1]), index < RunbookLimits.steps + blankRows else { continue }
            var draft = drafts[index] ?? Draft()
            switch parts[2] {
            case "key": draft.key = value.trimmingCharacters(in: .whitespaces)
            case "title": draft.title = value.trimmingCharacters(in: .whitespaces)
            case "owner": draft.owner = value.trimmingCharacters(in: .whitespaces)
            case "minutes": draft.minutes = value.trimmingCharacters(in: .whitespaces)
            case "phase": draft.phase = value
            case "kind": draft.kind = value
            case "after": if !value.isEmpty { draft.after.append(value) }
            case "downtime": draft.downtime = true
            case "undoneBy": draft.undoneBy = value
            case "instructions": draft.instructions = value
            case "fixedStart": draft.fixedStart = value
            case "remove": draft.remove = true
            default: break
            }
            drafts[index] = draft
        }
        return drafts
    }

    /// The runbook the rows describe; rows without a key or marked removed are left out.
    static func runbook(from drafts: [Int: Draft]) -> (Runbook?, [FieldError]) {
        var errors: [FieldError] = []
        let iso = ISO8601DateFormatter()
        var steps: [RunbookStep] = []
        for index in drafts.keys.sorted() {
            guard let draft = drafts[index], !draft.key.isEmpty, !draft.remove else { continue }
            let field = "steps[\(index)]"
            guard let minutes = Double(draft.minutes.replacingOccurrences(of: ",", with: ".")), minutes > 0 else {
                errors.append(FieldError("\(field).minutes", "must be a number of minutes above 0"))
                continue
            }
            guard let phase = StepPhase(rawValue: draft.phase), let kind = StepKind(rawValue: draft.kind) else {
                errors.append(FieldError("\(field).kind", "is not one of the choices"))
                continue
            }
            steps.append(RunbookStep(key: draft.key, title: draft.title, instructions: draft.instructions, owner: draft.owner.isEmpty ? nil : draft.owner,
                                     phase: phase, plannedDuration: minutes * 60, predecessors: draft.after,
                                     fixedStart: draft.fixedStart.isEmpty ? nil : iso.date(from: draft.fixedStart), kind: kind,
                                     downtime: draft.downtime, undoneBy: draft.undoneBy.isEmpty ? nil : draft.undoneBy))
        }
        return (errors.isEmpty ? Runbook(steps: steps) : nil, errors)
    }

    static func model(release: Release, drafts: [Int: Draft], revision: Int, errors: [FieldError], _ words: Words) -> Model {
        let key = release.key.description
        let filled = drafts.keys.filter { !(drafts[$0]?.key.isEmpty ?? true) }.max() ?? -1
        let count = max((drafts.keys.max() ?? -1) + 1, filled + 1 + blankRows)
        let keys = drafts.keys.sorted().compactMap { drafts[$0] }.map(\.key).filter { !$0.isEmpty }
        let rollbackKeys = drafts.keys.sorted().compactMap { drafts[$0] }.filter { $0.phase == StepPhase.rollback.rawValue && !$0.key.isEmpty }.map(\.key)
        let rows = (0..<count).map { index -> Row in
            let draft = drafts[index] ?? Draft()
            let mine = errors.filter { $0.field.hasPrefix("steps[\(index)]") || (!draft.key.isEmpty && $0.field.hasPrefix("steps[\(draft.key)]")) }
            return Row(
                index: index, number: words.number(index + 1), key: draft.key, title: draft.title, owner: draft.owner, minutes: draft.minutes,
                downtime: draft.downtime, instructions: draft.instructions, fixedStart: draft.fixedStart,
                phases: StepPhase.allCases.map { Option(value: $0.rawValue, label: words.label($0), selected: $0.rawValue == draft.phase) },
                kinds: StepKind.allCases.map { Option(value: $0.rawValue, label: words.label($0), selected: $0.rawValue == draft.kind) },
                predecessors: keys.filter { $0 != draft.key }.map { Option(value: $0, label: $0, selected: draft.after.contains($0)) },
                undo: [Option(value: "", label: "—", selected: draft.undoneBy.isEmpty)]
                    + rollbackKeys.filter { $0 != draft.key }.map { Option(value: $0, label: $0, selected: $0 == draft.undoneBy) },
                error: mine.isEmpty ? nil : mine.map { words.errorMessage($0.message) }.joined(separator: " "), isNew: draft.key.isEmpty)
        }
        let located = Set(rows.compactMap { $0.error == nil ? nil : $0.index })
        let general = errors.filter { error in
            !rows.contains { row in row.error != nil && (error.field.hasPrefix("steps[\(row.index)]") || (!row.key.isEmpty && error.field.hasPrefix("steps[\(row.key)]"))) }
        }
        return Model(releaseKey: key, releaseTitle: release.title, releaseHref: "/releases/\(key)?tab=runbook", revision: revision, rows: rows,
                     errors: general.map(words.error) + (located.isEmpty ? [] : [words.text("plan_row_errors")]))
    }
}
