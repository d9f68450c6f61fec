import Foundation

/// The limits of a plan: generous for real plans, small enough that one release cannot fill
/// the database or break its page.
public enum PlanLimits {
    public static let text = 2_000
    public static let items = 200
}

extension ReleasePlan {
    /// Every rule about the plan at once, each error naming the item (`risks[2].probability`).
    /// Text is trimmed and empty scope lines dropped.
    public func validated() throws(CoreError) -> ReleasePlan {
        var errors: [FieldError] = []
        var plan = self
        func text(_ value: String, _ field: String, required: Bool = false) -> String {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if required, trimmed.isEmpty { errors.append(FieldError(field, "is required")) }
            if trimmed.textLength > PlanLimits.text { errors.append(FieldError(field, "must be at most \(PlanLimits.text) characters")) }
            return trimmed
        }
        func count(_ n: Int, _ field: String) {
            if n > PlanLimits.items { errors.append(FieldError(field, "must have at most \(PlanLimits.items) items")) }
        }
        count(objectives.count, "objectives")
        for (i, item) in objectives.enumerated() {
            plan.objectives[i].statement = text(item.statement, "objectives[\(i)].statement", required: true)
            plan.objectives[i].successCriterion = text(item.successCriterion, "objectives[\(i)].successCriterion")
        }
        for (name, list) in [("scopeIn", scopeIn), ("scopeOut", scopeOut)] {
            count(list.count, name)
            let kept = list.enumerated().map { text($1, "\(name)[\($0)]") }.filter { !$0.isEmpty }
            if name == "scopeIn" { plan.scopeIn = kept } else { plan.scopeOut = kept }
        }
        count(risks.count, "risks")
        for (i, risk) in risks.enumerated() {
            plan.risks[i].title = text(risk.title, "risks[\(i)].title", required: true)
            plan.risks[i].mitigation = text(risk.mitigation, "risks[\(i)].mitigation")
            plan.risks[i].owner = text(risk.owner, "risks[\(i)].owner")
            if !(1...5).contains(risk.probability) {
                errors.append(FieldError("risks[\(i)].probability", "must be from 1 to 5 (it is \(risk.probability))"))
            }
            if !(1...5).contains(risk.impact) {
                errors.append(FieldError("risks[\(i)].impact", "must be from 1 to 5 (it is \(risk.impact))"))
            }
        }
        count(milestones.count, "milestones")
        for (i, milestone) in milestones.enumerated() {
            plan.milestones[i].name = text(milestone.name, "milestones[\(i)].name", required: true)
        }
        count(resources.count, "resources")
        for (i, resource) in resources.enumerated() {
            plan.resources[i].name = text(resource.name, "resources[\(i)].name", required: true)
        }
        count(training.count, "training")
        for (i, item) in training.enumerated() {
            plan.training[i].title = text(item.title, "training[\(i)].title", required: true)
        }
        count(requirements.count, "requirements")
        for (i, item) in requirements.enumerated() {
            plan.requirements[i].target = text(item.target, "requirements[\(i)].target", required: true)
            plan.requirements[i].verification = text(item.verification, "requirements[\(i)].verification")
        }
        count(readiness.count, "readiness")
        for (i, item) in readiness.enumerated() {
            plan.readiness[i].title = text(item.title, "readiness[\(i)].title", required: true)
        }
        guard errors.isEmpty else { throw .invalid(errors) }
        return plan
    }
}
