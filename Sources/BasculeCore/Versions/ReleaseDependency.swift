import Foundation

/// How one release depends on another (same or other application).
public enum DependencyKind: String, Sendable, Equatable, CaseIterable, Codable {
    /// The other must be deployed first (the new API before the portal that calls it).
    case requires
    /// The other goes in the same window (a schema change and the code that reads it).
    case with
}

/// `release` depends on `on`.
public struct ReleaseDependency: Sendable, Equatable, Hashable {
    public let release: ReleaseKey
    public let on: ReleaseKey
    public let kind: DependencyKind

    public init(release: ReleaseKey, on: ReleaseKey, kind: DependencyKind) {
        self.release = release
        self.on = on
        self.kind = kind
    }
}

/// The rules of dependencies between releases: no cycle, no dependency on a release that will
/// never be deployed, and the order the calendar and the gate check.
public enum DependencyRules {
    /// What is known of each release involved.
    public struct Standing: Sendable, Equatable {
        public let status: ReleaseStatus
        public let window: PlannedWindow?

        public init(status: ReleaseStatus, window: PlannedWindow?) {
            self.status = status
            self.window = window
        }
    }

    /// A dependency the plan does not honour yet.
    public struct OrderProblem: Sendable, Equatable {
        public enum Reason: String, Sendable, Equatable, CaseIterable {
            /// Planned to start before what it requires is planned to end.
            case plannedBefore
            /// Planned in another window than the release it goes with.
            case notTogether
            /// What it depends on has no window yet.
            case unplanned
            /// What it depends on was cancelled, rolled back or failed.
            case wontHappen
        }

        public let dependency: ReleaseDependency
        public let reason: Reason
    }

    /// Refuses a new dependency that names its own release, a release that will not be
    /// deployed, or closes a cycle (named release by release: `REL-3 → REL-5 → REL-3`).
    public static func validate(_ new: ReleaseDependency, existing: [ReleaseDependency], target: ReleaseStatus) throws(CoreError) {
        if new.release == new.on { throw .invalid([FieldError("release", "a release cannot depend on itself")]) }
        if [.cancelled, .failed, .rolledBack].contains(target) {
            throw .invalid([FieldError("release", "\(new.on) is \(target.rawValue): nothing can depend on it")])
        }
        if let cycle = cycle(adding: new, to: existing) {
            throw .invalid([FieldError("release", "this would make a cycle: " + cycle.map(\.description).joined(separator: " → "))])
        }
    }

    /// The cycle `new` would close, from its release back to it; nil when there is none. A
    /// `with` pair is one window: requiring a release one goes with, or a chain that comes back
    /// through such a pair, is a cycle too.
    public static func cycle(adding new: ReleaseDependency, to existing: [ReleaseDependency]) -> [ReleaseKey]? {
        let all = existing.filter { $0 != new } + [new]
        // Who must come no earlier than whom: a requires edge goes one way (strictly later), a
        // with edge both ways (neither earlier); a cycle is a way back with a strict edge on it.
        var next: [ReleaseKey: [(ReleaseKey, DependencyKind)]] = [:]
        for dependency in all {
            next[dependency.release, default: []].append((dependency.on, dependency.kind))
            if dependency.kind == .with { next[dependency.on, default: []].append((dependency.release, .with)) }
        }
        // A path from new.on back to new.release that, with the new edge, holds at least one requires edge.
        struct Step: Hashable { let key: ReleaseKey; let strict: Bool }
        let start = Step(key: new.on, strict: new.kind == .requires)
        var seen: Set<Step> = [start]
        var queue: [(Step, [ReleaseKey])] = [(start, [new.release, new.on])]
        var index = 0
        while index < queue.count {
            let (step, path) = queue[index]
            index += 1
            for (target, kind) in next[step.key] ?? [] {
                let strict = step.strict || kind == .requires
                if target == new.release, strict { return path + [target] }
                let reached = Step(key: target, strict: strict)
                if target != new.release, !seen.contains(reached) {
                    seen.insert(reached)
                    queue.append((reached, path + [target]))
                }
            }
        }
        return nil
    }

    /// The dependencies of `releases` the plan does not honour: what is required ends before
    /// the release starts; a release goes in the same window as its partner (their windows
    /// overlap); nothing depends on a release that will not happen.
    public static func orderProblems(_ dependencies: [ReleaseDependency], standings: [ReleaseKey: Standing]) -> [OrderProblem] {
        dependencies.compactMap { dependency in
            guard let mine = standings[dependency.release], let theirs = standings[dependency.on] else { return nil }
            if [.cancelled, .failed, .rolledBack].contains(theirs.status) { return OrderProblem(dependency: dependency, reason: .wontHappen) }
            // Once both are deployed the order is history.
            if [.deployed, .closed].contains(theirs.status) { return nil }
            guard let own = mine.window else { return nil }
            guard let other = theirs.window else { return OrderProblem(dependency: dependency, reason: .unplanned) }
            switch dependency.kind {
            case .requires where own.start < other.end: return OrderProblem(dependency: dependency, reason: .plannedBefore)
            case .with where own.start >= other.end || other.start >= own.end: return OrderProblem(dependency: dependency, reason: .notTogether)
            default: return nil
            }
        }
    }

    /// What keeps `release` from its next gate: each release it requires that is not deployed,
    /// each release it goes with that has not reached `gate` too.
    public static func unmet(_ dependencies: [ReleaseDependency], of release: ReleaseKey, gate: ReleaseStatus,
                             standings: [ReleaseKey: Standing]) -> [ReleaseDependency] {
        let rank: (ReleaseStatus) -> Int = { ReleaseStatus.allCases.firstIndex(of: $0) ?? 0 }
        return dependencies.filter { $0.release == release }.filter { dependency in
            guard let theirs = standings[dependency.on]?.status else { return true }
            switch dependency.kind {
            case .requires: return ![.deployed, .closed].contains(theirs)
            case .with: return [.cancelled, .failed, .rolledBack, .draft].contains(theirs) || rank(theirs) < rank(gate)
            }
        }
    }
}

extension DependencyRules.OrderProblem {
    /// As the calendar and the conflict check say it, naming the other release.
    public func conflict(otherTitle: String?) -> Conflict {
        let other = dependency.on.description + (otherTitle.map { " (\($0))" } ?? "")
        let explanation: LocalizedText = switch reason {
        case .plannedBefore:
            LocalizedText(en: "planned to start before \(other), which it requires, ends", fr: "prévue avant la fin de \(other), dont elle dépend")
        case .notTogether:
            LocalizedText(en: "not in the same window as \(other), which it goes with", fr: "pas dans la même fenêtre que \(other), avec laquelle elle doit passer")
        case .unplanned:
            LocalizedText(en: "\(other), which it depends on, has no window yet", fr: "\(other), dont elle dépend, n'a pas encore de fenêtre")
        case .wontHappen:
            LocalizedText(en: "\(other), which it depends on, will not be deployed", fr: "\(other), dont elle dépend, ne sera pas déployée")
        }
        return Conflict(kind: .dependencyOrder, other: dependency.on, otherTitle: otherTitle, explanation: explanation)
    }
}
