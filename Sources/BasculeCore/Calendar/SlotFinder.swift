import Foundation

/// Rules whose verdict depends on when the release is planned, which the scheduling
/// assistant tries each candidate window against.
public protocol WindowBoundRule: PolicyRule {}

extension FreezeRule: WindowBoundRule {}
extension AllowedDaysRule: WindowBoundRule {}
extension MaintenanceWindowRule: WindowBoundRule {}
extension LeadTimeRule: WindowBoundRule {}

/// A window offered by the scheduling assistant.
public struct Slot: Sendable, Equatable {
    public let start: Date
    public let end: Date
}

public struct SlotRequest: Sendable, Equatable {
    public static let longestHorizon: TimeInterval = 366 * 86_400
    public static let step: TimeInterval = 30 * 60
    public let within: TimeInterval
    public let duration: TimeInterval
    public let limit: Int

    /// `within=90d`, `duration=4h`; at most a year ahead, at least 15 minutes long.
    public static func parse(within: String?, duration: String?, defaultDuration: TimeInterval?, limit: Int?) throws(CoreError) -> SlotRequest {
        var errors: [FieldError] = []
        let horizon = DurationText.seconds(within ?? "90d")
        if horizon == nil { errors.append(FieldError("within", "must be a duration such as 90d or 36h")) }
        if let horizon, horizon > longestHorizon { errors.append(FieldError("within", "must be at most a year (366d)")) }
        if let horizon, horizon < 3600 { errors.append(FieldError("within", "must be at least 1h")) }
        var length = defaultDuration
        if let duration {
            length = DurationText.seconds(duration)
            if length == nil { errors.append(FieldError("duration", "must be a duration such as 4h or 90m")) }
        } else if length == nil {
            errors.append(FieldError("duration", "is required when the release has no planned window to take it from"))
        }
        if let length, length < 15 * 60 || length > 7 * 86_400 { errors.append(FieldError("duration", "must be from 15m to 7d")) }
        let count = limit ?? 5
        if !(1...20).contains(count) { errors.append(FieldError("limit", "must be from 1 to 20")) }
        guard errors.isEmpty, let horizon, let length else { throw .invalid(errors) }
        return SlotRequest(within: horizon, duration: length, limit: count)
    }
}

/// The scheduling assistant: the next windows in which a release passes the policy's window
/// rules and has no conflict, at most one per local day, earliest first. Candidates start on
/// the half hour; the checks cheapest to refuse run first.
public struct SlotFinder: Sendable {
    public let policy: ReleasePolicy
    public let detector: ConflictDetector

    public init(policy: ReleasePolicy, detector: ConflictDetector) {
        self.policy = policy
        self.detector = detector
    }

    public func slots(for subject: ScheduledRelease, request: SlotRequest, now: Date) -> [Slot] {
        let first = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / SlotRequest.step).rounded(.up) * SlotRequest.step)
        let horizon = DateInterval(start: first, end: now.addingTimeInterval(request.within))
        guard horizon.duration >= request.duration else { return [] }
        let blocked = blockedPeriods(for: subject, in: horizon)
        let touched = Set(subject.items)
        let covering = detector.maintenance.filter { $0.covers(environment: subject.release.environment, items: touched) }
        let allowed = covering.flatMap { $0.occurrences(overlapping: horizon) }
        let rules = policy.rules.compactMap { $0 as? any WindowBoundRule }
        let context = PolicyContext(clock: policy.clock, target: .approved)
        var slots: [Slot] = []
        var start = first
        while start.addingTimeInterval(request.duration) <= horizon.end, slots.count < request.limit {
            let window = DateInterval(start: start, end: start.addingTimeInterval(request.duration))
            defer { start = start.addingTimeInterval(SlotRequest.step) }
            if let last = slots.last, policy.clock.calendar.isDate(last.start, inSameDayAs: start) { continue }
            if blocked.contains(where: { $0.end > window.start && $0.start < window.end }) { continue }
            if !covering.isEmpty, allowed.firstGap(in: window) != nil { continue }
            var candidate = subject.release
            candidate.fields.window = PlannedWindow(start: window.start, end: window.end)
            let dossier = ReleaseDossier(release: candidate, now: now)
            if rules.contains(where: { $0.evaluate(dossier, context: context).verdict == .fail }) { continue }
            slots.append(Slot(start: window.start, end: window.end))
        }
        return slots
    }

    /// The windows of booked releases that would conflict with `subject` wherever it went:
    /// same or dependent items in the same environment, or a team in common.
    func blockedPeriods(for subject: ScheduledRelease, in horizon: DateInterval) -> [DateInterval] {
        let graph = detector.graph
        let mine = subject.items.compactMap(graph.index(of:))
        var scratch = ImpactScratch(size: graph.nodes.count)
        var theirScratch = ImpactScratch(size: graph.nodes.count)
        _ = scratch.walk(graph, from: mine)
        let myTeams = Set(mine.compactMap { graph.nodes[Int($0)].ownerTeam?.lowercased() })
        var blocked: [DateInterval] = []
        for position in detector.overlapping(horizon) {
            let them = detector.booked[position]
            guard them.release.key != subject.release.key, let window = them.window else { continue }
            let theirs = them.items.compactMap(graph.index(of:))
            if theirs.contains(where: { myTeams.contains(graph.nodes[Int($0)].ownerTeam?.lowercased() ?? "") }) {
                blocked.append(window)
                continue
            }
            if let left = subject.release.environment, let right = them.release.environment, left.lowercased() != right.lowercased() { continue }
            if theirs.contains(where: scratch.reached) {
                blocked.append(window)
                continue
            }
            _ = theirScratch.walk(graph, from: theirs)
            if mine.contains(where: theirScratch.reached) { blocked.append(window) }
        }
        return blocked
    }
}
