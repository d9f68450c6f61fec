import Foundation
import Yams

/// Runbooks and templates as YAML, read whole with every error's line, written so that
/// reading the output again gives the same runbook.
///
/// ```yaml
/// variables: [application]          # templates only
/// steps:
///   - key: stop
///     title: Stop {{application}}
///     phase: cutover
///     duration: 15m
///     after: [backup]
///     kind: manual
///     downtime: true
///     undoneBy: restart
/// ```
public enum RunbookDocument {
    public static let maximumSize = 8 * 1024 * 1024
    static let stepKeys = Set(["key", "title", "instructions", "owner", "phase", "duration", "after", "fixedStart", "kind", "downtime", "undoneBy"])
        .union(AutomationDocument.stepKeys)

    public static func parse(_ text: String) throws(CoreError) -> (variables: [String], runbook: Runbook) {
        guard text.utf8.count <= maximumSize else { throw .invalid([FieldError("document", "is larger than 8 MiB")]) }
        let root = try YAMLText.compose(text, field: "document")
        var errors: [FieldError] = []
        var variables: [String] = []
        var steps: [RunbookStep] = []
        do throws(FieldError) {
            let top = try PolicyNode(root, path: "").mapping(allowed: ["variables", "steps"])
            if let node = top["variables"] { variables = try node.strings() }
            guard let list = top["steps"] else { throw FieldError("steps", "is required", line: root.mark?.line) }
            for item in try list.items() {
                do throws(FieldError) { steps.append(try step(item)) } catch { errors.append(error) }
            }
        } catch {
            errors.append(error)
        }
        guard errors.isEmpty else { throw .invalid(errors) }
        return (variables, try Runbook(steps: steps).validated())
    }

    private static func step(_ item: PolicyNode) throws(FieldError) -> RunbookStep {
        let entries = try item.mapping(allowed: stepKeys)
        func text(_ key: String) throws(FieldError) -> String? { try entries[key]?.string() }
        guard let key = try text("key") else { throw item.error("needs a key") }
        guard let title = try text("title") else { throw item.error("needs a title") }
        guard let durationNode = entries["duration"] else { throw item.error("needs a duration such as 15m") }
        var fixed: Date?
        if let node = entries["fixedStart"] {
            guard let date = ISO8601DateFormatter().date(from: try node.string()) else { throw node.error("must be an RFC 3339 time such as 2027-03-06T02:00:00Z") }
            fixed = date
        }
        var downtime = false
        if let node = entries["downtime"] {
            let value = try node.string()
            guard value == "true" || value == "false" else { throw node.error("must be true or false") }
            downtime = value == "true"
        }
        return RunbookStep(
            key: key, title: title, instructions: try text("instructions") ?? "", owner: try text("owner"),
            phase: try entries["phase"]?.choice(StepPhase.self) ?? .cutover, plannedDuration: try durationNode.duration(),
            predecessors: try entries["after"]?.strings() ?? [], fixedStart: fixed, kind: try entries["kind"]?.choice(StepKind.self) ?? .manual,
            downtime: downtime, undoneBy: try text("undoneBy"), automation: try AutomationDocument.parse(entries))
    }

    public static func yaml(_ runbook: Runbook, variables: [String] = []) -> String {
        var out = variables.isEmpty ? "" : "variables: [\(variables.map(quoted).joined(separator: ", "))]\n"
        guard !runbook.steps.isEmpty else { return out + "steps: []\n" }
        out += "steps:\n"
        let iso = ISO8601DateFormatter()
        for step in runbook.steps {
            out += "  - key: \(quoted(step.key))\n    title: \(quoted(step.title))\n"
            if !step.instructions.isEmpty { out += "    instructions: \(quoted(step.instructions))\n" }
            if let owner = step.owner { out += "    owner: \(quoted(owner))\n" }
            out += "    phase: \(step.phase.rawValue)\n    duration: \(duration(step.plannedDuration))\n"
            if !step.predecessors.isEmpty { out += "    after: [\(step.predecessors.map(quoted).joined(separator: ", "))]\n" }
            if let fixed = step.fixedStart { out += "    fixedStart: \(quoted(iso.string(from: fixed)))\n" }
            out += "    kind: \(step.kind.rawValue)\n"
            if step.downtime { out += "    downtime: true\n" }
            if let undo = step.undoneBy { out += "    undoneBy: \(quoted(undo))\n" }
            if let automation = step.automation { out += AutomationDocument.yaml(automation) }
        }
        return out
    }

    /// Whole minutes as `90m`, anything finer in hours, minutes and seconds is rounded to the minute.
    static func duration(_ seconds: TimeInterval) -> String {
        let minutes = Int((seconds / 60).rounded())
        return minutes == 0 ? "0" : "\(minutes)m"
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}

/// A runbook written once for many applications: `{{application}}` in titles, instructions and
/// owners is replaced when a release's runbook is made from it.
public struct RunbookTemplate: Sendable, Equatable {
    public let name: String
    public let variables: [String]
    public let runbook: Runbook

    public init(name: String, variables: [String], runbook: Runbook) {
        self.name = name
        self.variables = variables
        self.runbook = runbook
    }

    /// Every variable must be given a value, and no text may name a variable the template
    /// does not declare.
    public func instantiate(_ values: [String: String]) throws(CoreError) -> Runbook {
        var errors: [FieldError] = []
        for name in variables where (values[name] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            errors.append(FieldError("variables.\(name)", "needs a value"))
        }
        for name in values.keys where !variables.contains(name) { errors.append(FieldError("variables.\(name)", "is not a variable of the template \(self.name)")) }
        var steps = runbook.steps
        for index in steps.indices {
            for (field, text) in [("title", steps[index].title), ("instructions", steps[index].instructions), ("owner", steps[index].owner ?? "")] {
                for name in Self.placeholders(in: text) where !variables.contains(name) {
                    errors.append(FieldError("steps[\(steps[index].key)].\(field)", "uses {{\(name)}}, which the template does not declare"))
                }
            }
            steps[index].title = Self.fill(steps[index].title, values)
            steps[index].instructions = Self.fill(steps[index].instructions, values)
            steps[index].owner = steps[index].owner.map { Self.fill($0, values) }
        }
        guard errors.isEmpty else { throw .invalid(errors) }
        return try Runbook(steps: steps).validated()
    }

    static func placeholders(in text: String) -> [String] {
        text.matches(of: /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/).map { String($0.output.1) }
    }

    static func fill(_ text: String, _ values: [String: String]) -> String {
        text.replacing(/\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/) { match in values[String(match.output.1)] ?? String(match.output.0) }
    }
}
