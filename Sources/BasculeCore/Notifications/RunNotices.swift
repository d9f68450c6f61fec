import Foundation

/// What a live run's action tells people: that the cutover started, a step failed, a go/no-go
/// was decided, the run ended. Rehearsals tell nobody (they are the team's own practice).
public enum RunNotices {
    public static func kinds(of action: RunAction, in run: Run, wasStarted: Bool, statusBefore: RunStatus) -> [NoticeKind] {
        guard run.kind == .live else { return [] }
        var kinds: [NoticeKind] = []
        if !wasStarted, run.hasStarted { kinds.append(.runStarted) }
        if action.kind == .fail || action.kind == .lose { kinds.append(.stepFailed) }
        if action.kind == .decide { kinds.append(.goNoGoDecided) }
        if run.status != statusBefore {
            switch run.status {
            case .finished, .aborted: kinds.append(.runFinished)
            case .rolledBack: kinds.append(.runRolledBack)
            case .running: break
            }
        }
        return kinds
    }

    public static func facts(of action: RunAction, in run: Run, kind: NoticeKind) -> [String: String] {
        var facts = ["run": run.id.uuidString.lowercased()]
        switch kind {
        case .stepFailed, .goNoGoDecided:
            if let key = action.step {
                facts["step"] = key
                facts["stepTitle"] = run.steps.first { $0.step.key == key }?.step.title ?? key
            }
            if !action.text.isEmpty { facts["comment"] = action.text }
            if let decision = action.decision { facts["decision"] = decision.rawValue }
        case .runFinished, .runRolledBack:
            facts["outcome"] = run.status.rawValue
            if !action.text.isEmpty { facts["comment"] = action.text }
        default:
            break
        }
        return facts
    }
}
