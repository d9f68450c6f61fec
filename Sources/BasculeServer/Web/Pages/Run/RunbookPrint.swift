import BasculeCore
import Foundation

/// The runbook on paper, for teams that work offline: every step with room to write the times and tick it.
enum RunbookPrint {
    struct Step: Sendable {
        let key: String
        let title: String
        let phase: String
        let kind: String
        let owner: String
        let minutes: String
        let after: String?
        let downtime: Bool
        let undoneBy: String?
        let instructionsHTML: String?
    }

    struct Model: Sendable {
        let release: String
        let heading: String
        let window: String?
        let steps: [Step]
    }

    static func step(_ step: RunbookStep, _ words: Words) -> Step {
        Step(key: step.key, title: step.title, phase: words.label(step.phase), kind: words.label(step.kind), owner: step.owner ?? "—",
             minutes: words.duration(step.plannedDuration), after: step.predecessors.isEmpty ? nil : step.predecessors.joined(separator: ", "),
             downtime: step.downtime, undoneBy: step.undoneBy,
             instructionsHTML: step.instructions.isEmpty ? nil : MarkdownRenderer.html(step.instructions))
    }
}
