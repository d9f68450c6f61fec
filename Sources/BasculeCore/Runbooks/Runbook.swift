import Foundation

/// The steps of a cutover, valid by construction through `validated()`: unique keys, known
/// predecessors, durations not negative, no cycle, undo steps in the rollback phase.
public struct Runbook: Sendable, Equatable {
    public var steps: [RunbookStep]

    public init(steps: [RunbookStep] = []) {
        self.steps = steps
    }

    /// Every error at once, each naming its step (`steps[S12].predecessors`); a cycle is named
    /// by its steps in order.
    public func validated() throws(CoreError) -> Runbook {
        var errors: [FieldError] = []
        if steps.count > RunbookLimits.steps { throw .invalid([FieldError("steps", "at most \(RunbookLimits.steps) steps")]) }
        var seen: Set<String> = []
        var cleaned = steps
        for index in cleaned.indices {
            var step = cleaned[index]
            step.key = step.key.trimmingCharacters(in: .whitespaces)
            step.title = step.title.trimmingCharacters(in: .whitespacesAndNewlines)
            let field = "steps[\(step.key.isEmpty ? String(index) : step.key)]"
            if !Self.isValidKey(step.key) {
                errors.append(FieldError("\(field).key", "must be 1 to \(RunbookLimits.key) letters, digits, '.', '-' or '_'"))
            } else if !seen.insert(step.key).inserted {
                errors.append(FieldError("\(field).key", "is used by another step"))
            }
            if step.title.isEmpty { errors.append(FieldError("\(field).title", "is required")) }
            if step.title.textLength > RunbookLimits.title { errors.append(FieldError("\(field).title", "must be at most \(RunbookLimits.title) characters")) }
            if step.instructions.textLength > RunbookLimits.instructions {
                errors.append(FieldError("\(field).instructions", "must be at most \(RunbookLimits.instructions) characters"))
            }
            if !step.plannedDuration.isFinite || step.plannedDuration < 0 {
                errors.append(FieldError("\(field).plannedDuration", "must not be negative"))
            } else if step.plannedDuration > RunbookLimits.longestStep {
                errors.append(FieldError("\(field).plannedDuration", "must be at most 7 days"))
            }
            if Set(step.predecessors).count != step.predecessors.count { errors.append(FieldError("\(field).predecessors", "names a step twice")) }
            if step.predecessors.contains(step.key) { errors.append(FieldError("\(field).predecessors", "a step cannot follow itself")) }
            if let automation = step.automation { errors += automation.problems(kind: step.kind, field: field) }
            cleaned[index] = step
        }
        let byKey = Dictionary(cleaned.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        for step in cleaned {
            let unknown = step.predecessors.filter { byKey[$0] == nil }
            if !unknown.isEmpty { errors.append(FieldError("steps[\(step.key)].predecessors", "names unknown steps: \(unknown.joined(separator: ", "))")) }
            if let undo = step.undoneBy {
                if let target = byKey[undo] {
                    if target.phase != .rollback { errors.append(FieldError("steps[\(step.key)].undoneBy", "\(undo) is not in the rollback phase")) }
                } else {
                    errors.append(FieldError("steps[\(step.key)].undoneBy", "names an unknown step: \(undo)"))
                }
            }
        }
        if errors.isEmpty, let cycle = RunbookGraph.cycle(in: cleaned) {
            errors.append(FieldError("steps", "the steps \(cycle.joined(separator: " → ")) form a cycle"))
        }
        guard errors.isEmpty else { throw .invalid(errors) }
        return Runbook(steps: cleaned)
    }

    /// The steps a run executes; rollback-phase steps wait for a rollback.
    public var mainSteps: [RunbookStep] { steps.filter { $0.phase != .rollback } }

    /// The plan of the main steps from `start`: each as soon as its predecessors and fixed start allow.
    public func plannedTimeline(from start: Date) -> (steps: [RunbookStep], timeline: Timeline) {
        let main = mainSteps
        return (main, CriticalPath.timeline(RunbookGraph(main), durations: main.map(\.plannedDuration), earliest: main.map(\.fixedStart), origin: start))
    }

    public static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.count <= RunbookLimits.key && key.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
        }
    }
}
