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
        if action.kind == .start, let key = action.step, run.steps.first(where: { $0.step.key == key })?.step.kind == .communication {
            kinds.append(.announcement)
        }
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
        case .announcement:
            if let key = action.step, let step = run.steps.first(where: { $0.step.key == key })?.step {
                facts["step"] = key
                facts["stepTitle"] = step.title
                facts["message"] = Announcement.message(of: step)
            }
        case .runFinished, .runRolledBack:
            facts["outcome"] = run.status.rawValue
            if !action.text.isEmpty { facts["comment"] = action.text }
        default:
            break
        }
        return facts
    }
}

/// What a communication step says to the release's stakeholders: its instructions, or its
/// title when it has none, with `{release}`, `{title}`, `{version}`, `{window}`, `{expectedEnd}`
/// and `{downtime}` filled in for each reader (their language, their time zone).
public enum Announcement {
    public static let placeholders = ["release", "title", "version", "window", "expectedEnd", "downtime"]

    public static func message(of step: RunbookStep) -> String {
        let text = step.instructions.trimmingCharacters(in: .whitespacesAndNewlines)
        return String((text.isEmpty ? step.title : text).prefix(2_000))
    }

    /// The forecast the message quotes, as facts: the expected end (RFC 3339) and downtime (seconds).
    public static func facts(_ forecast: Forecast) -> [String: String] {
        ["expectedEnd": forecast.expectedEnd.formatted(Date.ISO8601FormatStyle(timeZone: .gmt)),
         "expectedDowntime": String(Int(forecast.expectedDowntime.rounded()))]
    }
}
