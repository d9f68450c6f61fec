import BasculeCore
import Foundation

/// The plan editor's form as typed: one flat dictionary of fields named `<section>.<row>.<field>`,
/// built from a stored plan to show it, and read back into a plan when posted. Kept as typed so
/// that a refused form comes back with everything the person wrote.
struct PlanForm: Sendable {
    var fields: [String: String]

    /// Blank rows offered under each section for adding, without JavaScript.
    static let blankRows = 2

    static let sections = ["objective", "risk", "milestone", "resource", "training", "requirement", "readiness"]

    subscript(_ name: String) -> String { fields[name] ?? "" }

    /// How many rows of `section` the form holds: the highest index named, plus one.
    func rows(_ section: String) -> Int {
        let prefix = section + "."
        let indices = fields.keys.compactMap { key -> Int? in
            guard key.hasPrefix(prefix) else { return nil }
            return key.dropFirst(prefix.count).split(separator: ".").first.flatMap { Int($0) }
        }
        return min((indices.max() ?? -1) + 1, PlanLimits.items + Self.blankRows)
    }

    init(fields: [String: String]) { self.fields = fields }

    init(_ plan: ReleasePlan, formatting: WebFormatting) {
        var f: [String: String] = ["scopeIn": plan.scopeIn.joined(separator: "\n"), "scopeOut": plan.scopeOut.joined(separator: "\n")]
        for (i, o) in plan.objectives.enumerated() {
            f["objective.\(i).statement"] = o.statement; f["objective.\(i).criterion"] = o.successCriterion; f["objective.\(i).assessment"] = o.assessment?.rawValue ?? ""
        }
        for (i, r) in plan.risks.enumerated() {
            f["risk.\(i).title"] = r.title; f["risk.\(i).probability"] = String(r.probability); f["risk.\(i).impact"] = String(r.impact)
            f["risk.\(i).mitigation"] = r.mitigation; f["risk.\(i).owner"] = r.owner; f["risk.\(i).status"] = r.status.rawValue
        }
        for (i, m) in plan.milestones.enumerated() {
            f["milestone.\(i).name"] = m.name; f["milestone.\(i).due"] = formatting.inputValue(m.due); f["milestone.\(i).done"] = m.doneAt == nil ? "" : "on"
        }
        for (i, r) in plan.resources.enumerated() {
            f["resource.\(i).name"] = r.name; f["resource.\(i).kind"] = r.kind.rawValue; f["resource.\(i).role"] = r.role.rawValue
        }
        for (i, t) in plan.training.enumerated() {
            f["training.\(i).title"] = t.title; f["training.\(i).audience"] = t.audience.rawValue
            f["training.\(i).due"] = t.due.map(formatting.inputValue) ?? ""; f["training.\(i).done"] = t.done ? "on" : ""
        }
        for (i, r) in plan.requirements.enumerated() {
            f["requirement.\(i).category"] = r.category.rawValue; f["requirement.\(i).target"] = r.target
            f["requirement.\(i).verification"] = r.verification; f["requirement.\(i).status"] = r.status.rawValue
        }
        for (i, r) in plan.readiness.enumerated() {
            f["readiness.\(i).title"] = r.title; f["readiness.\(i).done"] = r.done ? "on" : ""
        }
        fields = f
    }

    /// The plan the form describes. Rows whose first field is empty, or marked for removal,
    /// are left out; a milestone ticked done keeps the time it was first marked done. Errors
    /// name the form's own rows (`risks[3].impact` is the fourth row shown).
    func plan(previous: ReleasePlan, formatting: WebFormatting, now: Date) -> (ReleasePlan, [FieldError]) {
        var errors: [FieldError] = []
        func rows(_ section: String, key: String) -> [Int] {
            (0..<self.rows(section)).filter { !self["\(section).\($0).\(key)"].trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && self["\(section).\($0).remove"].isEmpty }
        }
        func text(_ name: String) -> String { self[name].trimmingCharacters(in: .whitespacesAndNewlines) }
        func choice<T: RawRepresentable>(_ name: String, _ field: String, default value: T) -> T where T.RawValue == String {
            let raw = text(name)
            if raw.isEmpty { return value }
            guard let parsed = T(rawValue: raw) else { errors.append(FieldError(field, "is not one of the choices")); return value }
            return parsed
        }
        func score(_ name: String, _ field: String) -> Int {
            guard let n = Int(text(name)), (1...5).contains(n) else { errors.append(FieldError(field, "must be from 1 to 5")); return 1 }
            return n
        }
        func time(_ name: String, _ field: String, required: Bool) -> Date? {
            let raw = text(name)
            if raw.isEmpty {
                if required { errors.append(FieldError(field, "is required")) }
                return nil
            }
            // A day alone (a date input) is read as its midnight.
            guard let date = formatting.parseInput(raw.count == 10 ? raw + "T00:00" : raw) else { errors.append(FieldError(field, "must be a date")); return nil }
            return date
        }
        func lines(_ name: String) -> [String] {
            self[name].split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        var plan = ReleasePlan(readiness: [])
        plan.scopeIn = lines("scopeIn")
        plan.scopeOut = lines("scopeOut")
        plan.objectives = rows("objective", key: "statement").map { i in
            let assessment = text("objective.\(i).assessment")
            return Objective(statement: text("objective.\(i).statement"), successCriterion: text("objective.\(i).criterion"),
                             assessment: assessment.isEmpty ? nil : choice("objective.\(i).assessment", "objectives[\(i)].assessment", default: Objective.Assessment.met))
        }
        plan.risks = rows("risk", key: "title").map { i in
            Risk(title: text("risk.\(i).title"), probability: score("risk.\(i).probability", "risks[\(i)].probability"),
                 impact: score("risk.\(i).impact", "risks[\(i)].impact"), mitigation: text("risk.\(i).mitigation"), owner: text("risk.\(i).owner"),
                 status: choice("risk.\(i).status", "risks[\(i)].status", default: Risk.Status.open))
        }
        plan.milestones = rows("milestone", key: "name").map { i in
            let name = text("milestone.\(i).name")
            let due = time("milestone.\(i).due", "milestones[\(i)].due", required: true) ?? now
            let done = !self["milestone.\(i).done"].isEmpty
            let earlier = previous.milestones.first { $0.name == name }?.doneAt
            return Milestone(name: name, due: due, doneAt: done ? earlier ?? now : nil)
        }
        plan.resources = rows("resource", key: "name").map { i in
            Resource(name: text("resource.\(i).name"), kind: choice("resource.\(i).kind", "resources[\(i)].kind", default: Resource.Kind.person),
                     role: choice("resource.\(i).role", "resources[\(i)].role", default: Resource.RACI.responsible))
        }
        plan.training = rows("training", key: "title").map { i in
            TrainingItem(title: text("training.\(i).title"), audience: choice("training.\(i).audience", "training[\(i)].audience", default: TrainingItem.Audience.endUsers),
                         due: time("training.\(i).due", "training[\(i)].due", required: false), done: !self["training.\(i).done"].isEmpty)
        }
        plan.requirements = rows("requirement", key: "target").map { i in
            NonFunctionalRequirement(category: choice("requirement.\(i).category", "requirements[\(i)].category", default: NonFunctionalRequirement.Category.other),
                                     target: text("requirement.\(i).target"), verification: text("requirement.\(i).verification"),
                                     status: choice("requirement.\(i).status", "requirements[\(i)].status", default: NonFunctionalRequirement.Status.open))
        }
        plan.readiness = rows("readiness", key: "title").map { i in ReadinessItem(title: text("readiness.\(i).title"), done: !self["readiness.\(i).done"].isEmpty) }
        return (plan, errors)
    }

    /// The form row each item of the plan came from, by the plan's list names, so that a
    /// refusal of Core (`risks[1]`, the second risk kept) points at the row it came from.
    func origins() -> [String: [Int]] {
        func kept(_ section: String, _ key: String) -> [Int] {
            (0..<rows(section)).filter { !self["\(section).\($0).\(key)"].trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && self["\(section).\($0).remove"].isEmpty }
        }
        return ["objectives": kept("objective", "statement"), "risks": kept("risk", "title"), "milestones": kept("milestone", "name"),
                "resources": kept("resource", "name"), "training": kept("training", "title"), "requirements": kept("requirement", "target"),
                "readiness": kept("readiness", "title")]
    }

    /// `risks[1].title` of the plan as `risks[3].title` of the form.
    func formField(_ field: String) -> String {
        guard let match = field.wholeMatch(of: /([a-zA-Z]+)\[(\d+)\](.*)/), let n = Int(match.2),
              let rows = origins()[String(match.1)], n < rows.count else { return field }
        return "\(match.1)[\(rows[n])]\(match.3)"
    }
}
