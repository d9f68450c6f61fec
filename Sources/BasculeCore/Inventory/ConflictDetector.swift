import Foundation

/// Finds what clashes with a release's window: other cutovers on the same or dependent
/// items in the same environment, teams booked twice, maintenance windows left, freezes
/// entered. Holds the calendar sorted by start so that only overlapping windows are read.
public struct ConflictDetector: Sendable {
    public let graph: DependencyGraph
    public let clock: PolicyClock
    /// Booking releases with a window, by start.
    let booked: [ScheduledRelease]
    private let starts: [Date]
    private let longest: TimeInterval
    private let itemIndices: [[Int32]]
    let maintenance: [MaintenanceWindow]
    private let maintenanceClocks: [PolicyClock?]
    let freezes: [FreezeRule]
    /// Per release, the dependencies its plan does not honour, already explained.
    let dependencyConflicts: [ReleaseKey: [Conflict]]

    public init(graph: DependencyGraph, releases: [ScheduledRelease], maintenance: [MaintenanceWindow], policy: ReleasePolicy,
                dependencyConflicts: [ReleaseKey: [Conflict]] = [:]) {
        self.dependencyConflicts = dependencyConflicts
        self.graph = graph
        self.clock = policy.clock
        let booked = releases.filter { $0.window != nil && ScheduledRelease.bookingStatuses.contains($0.release.status) }
            .sorted { ($0.window!.start, $0.release.key.number) < ($1.window!.start, $1.release.key.number) }
        self.booked = booked
        self.starts = booked.map { $0.window!.start }
        self.longest = booked.map { $0.window!.duration }.max() ?? 0
        self.itemIndices = booked.map { $0.items.compactMap(graph.index(of:)) }
        self.maintenance = maintenance
        self.maintenanceClocks = maintenance.map(\.clock)
        self.freezes = policy.rules.compactMap { $0 as? FreezeRule }
    }

    /// Every conflict of `subject` (which need not be booked itself: a draft may ask).
    public func conflicts(for subject: ScheduledRelease, scratch: inout ImpactScratch) -> [Conflict] {
        guard let window = subject.window else { return [] }
        var found: [Conflict] = []
        let mine = subject.items.compactMap(graph.index(of:))
        let myImpact = scratch.walk(graph, from: mine, keepParents: true)
        var reachedFromMine: Set<Int32> = []
        for position in overlapping(window) where booked[position].release.key != subject.release.key {
            for node in itemIndices[position] where scratch.reached(node) { reachedFromMine.insert(node) }
        }
        var theirScratch = ImpactScratch(size: graph.nodes.count)
        for position in overlapping(window) where booked[position].release.key != subject.release.key {
            found += pairConflicts(subject, mine: mine, myImpact: myImpact, reached: reachedFromMine,
                                   other: position, scratch: &theirScratch, overlap: window)
        }
        found += maintenanceConflicts(subject, window: window) { maintenance[$0].occurrences(overlapping: window, clock: maintenanceClocks[$0]) }
        found += freezeConflicts(subject)
        found += dependencyConflicts[subject.release.key] ?? []
        return found
    }

    /// Conflicts of every booked release whose window overlaps `period`, walking each
    /// release's impact once: a pair is found from whichever side reaches the other.
    public func scan(_ period: DateInterval) -> [ReleaseKey: [Conflict]] {
        var result: [ReleaseKey: [Conflict]] = [:]
        var scratch = ImpactScratch(size: graph.nodes.count)
        var seen: Set<Pair> = []
        // Recurring windows are expanded once for the whole period, not once per release.
        let reach = DateInterval(start: period.start.addingTimeInterval(-longest), end: period.end.addingTimeInterval(longest))
        let expanded = maintenance.indices.map { maintenance[$0].occurrences(overlapping: reach, clock: maintenanceClocks[$0]).sorted { $0.start < $1.start } }
        for position in overlapping(period) {
            let subject = booked[position], window = subject.window!
            let neighbours = overlapping(window).filter { $0 != position }
            var conflicts: [Conflict] = []
            if !neighbours.isEmpty {
                let impact = scratch.walk(graph, from: itemIndices[position], keepParents: true)
                for other in neighbours {
                    let them = booked[other]
                    for conflict in scanPair(subject, position, them, other, impact: impact, scratch: scratch)
                    where seen.insert(Pair(conflict.kind, subject.release.key, them.release.key)).inserted {
                        conflicts.append(conflict)
                        if let mirrored = mirror(conflict, from: subject, to: them),
                           seen.insert(Pair(conflict.kind, them.release.key, subject.release.key)).inserted {
                            result[them.release.key, default: []].append(mirrored)
                        }
                    }
                }
            }
            conflicts += maintenanceConflicts(subject, window: window) { Self.overlapping(expanded[$0], window) }
            conflicts += freezeConflicts(subject)
            conflicts += dependencyConflicts[subject.release.key] ?? []
            if !conflicts.isEmpty { result[subject.release.key, default: []] += conflicts }
        }
        return result
    }

    // MARK: - Overlaps

    /// Positions of booked releases whose window overlaps `window`.
    func overlapping(_ window: DateInterval) -> [Int] {
        var low = 0, high = starts.count
        let earliest = window.start.addingTimeInterval(-longest)
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] < earliest { low = middle + 1 } else { high = middle }
        }
        var result: [Int] = []
        var position = low
        while position < starts.count, starts[position] < window.end {
            if booked[position].window!.end > window.start { result.append(position) }
            position += 1
        }
        return result
    }

    private struct Pair: Hashable {
        let kind: ConflictKind, from: ReleaseKey, to: ReleaseKey
        init(_ kind: ConflictKind, _ from: ReleaseKey, _ to: ReleaseKey) { self.kind = kind; self.from = from; self.to = to }
    }

    // MARK: - Between two releases

    private func sameEnvironment(_ a: Release, _ b: Release) -> Bool {
        guard let left = a.environment, let right = b.environment else { return true }
        return left.lowercased() == right.lowercased()
    }

    private func pairConflicts(_ subject: ScheduledRelease, mine: [Int32], myImpact: Impact, reached: Set<Int32>, other position: Int,
                               scratch: inout ImpactScratch, overlap window: DateInterval) -> [Conflict] {
        let them = booked[position]
        let theirs = itemIndices[position]
        let together = intersection(window, them.window!)
        var conflicts: [Conflict] = []
        if sameEnvironment(subject.release, them.release) {
            let shared = Set(mine).intersection(theirs)
            if !shared.isEmpty {
                conflicts.append(Self.sameItem(them, shared.map { graph.nodes[Int($0)].key }.sorted(), together))
            } else if let hit = theirs.first(where: reached.contains), let position = myImpact.order.firstIndex(of: hit) {
                // Their item depends on one of mine.
                let path = myImpact.path(to: position).map { graph.nodes[Int($0)].key }
                conflicts.append(Self.dependent(them, path: path, theirsDepends: true, together))
            } else {
                let theirImpact = scratch.walk(graph, from: theirs, keepParents: true)
                if let hit = mine.first(where: scratch.reached), let position = theirImpact.order.firstIndex(of: hit) {
                    let path = theirImpact.path(to: position).map { graph.nodes[Int($0)].key }
                    conflicts.append(Self.dependent(them, path: path, theirsDepends: false, together))
                }
            }
        }
        if let team = sharedTeam(mine, theirs) { conflicts.append(Self.teamBooked(them, team: team, together)) }
        return conflicts
    }

    /// The same pair test for the scan, where only `subject`'s impact marks are at hand.
    private func scanPair(_ subject: ScheduledRelease, _ mine: Int, _ them: ScheduledRelease, _ theirs: Int,
                          impact: Impact, scratch: ImpactScratch) -> [Conflict] {
        let together = intersection(subject.window!, them.window!)
        var conflicts: [Conflict] = []
        if sameEnvironment(subject.release, them.release) {
            let shared = Set(itemIndices[mine]).intersection(itemIndices[theirs])
            if !shared.isEmpty {
                conflicts.append(Self.sameItem(them, shared.map { graph.nodes[Int($0)].key }.sorted(), together))
            } else if let hit = itemIndices[theirs].first(where: scratch.reached), let found = impact.order.firstIndex(of: hit) {
                let path = impact.path(to: found).map { graph.nodes[Int($0)].key }
                conflicts.append(Self.dependent(them, path: path, theirsDepends: true, together))
            }
        }
        if let team = sharedTeam(itemIndices[mine], itemIndices[theirs]) { conflicts.append(Self.teamBooked(them, team: team, together)) }
        return conflicts
    }

    /// The same conflict seen from the other release.
    private func mirror(_ conflict: Conflict, from subject: ScheduledRelease, to them: ScheduledRelease) -> Conflict? {
        switch conflict.kind {
        case .sameItem: return Self.sameItem(subject, conflict.items, conflict.period!)
        case .dependentItem: return Self.dependent(subject, path: conflict.items, theirsDepends: false, conflict.period!)
        case .teamBooked:
            return Self.teamBooked(subject, team: sharedTeam(subject.items.compactMap(graph.index(of:)), them.items.compactMap(graph.index(of:))) ?? "", conflict.period!)
        case .outsideMaintenance, .freeze, .dependencyOrder: return nil
        }
    }

    private func sharedTeam(_ mine: [Int32], _ theirs: [Int32]) -> String? {
        let myTeams = Set(mine.compactMap { graph.nodes[Int($0)].ownerTeam?.lowercased() })
        guard !myTeams.isEmpty else { return nil }
        return theirs.compactMap { graph.nodes[Int($0)].ownerTeam }.first { myTeams.contains($0.lowercased()) }
    }

    private func intersection(_ a: DateInterval, _ b: DateInterval) -> DateInterval {
        DateInterval(start: max(a.start, b.start), end: max(max(a.start, b.start), min(a.end, b.end)))
    }

    // MARK: - Against windows and freezes

    /// Occurrences of `sorted` (by start, disjoint) that overlap `window`.
    static func overlapping(_ sorted: [DateInterval], _ window: DateInterval) -> [DateInterval] {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle].end <= window.start { low = middle + 1 } else { high = middle }
        }
        var result: [DateInterval] = []
        while low < sorted.count, sorted[low].start < window.end {
            result.append(sorted[low])
            low += 1
        }
        return result
    }

    private func maintenanceConflicts(_ subject: ScheduledRelease, window: DateInterval,
                                      occurrences of: (Int) -> [DateInterval]) -> [Conflict] {
        let touched = Set(subject.items)
        let covering = maintenance.indices.filter { maintenance[$0].covers(environment: subject.release.environment, items: touched) }
        guard !covering.isEmpty else { return [] }
        let occurrences = covering.flatMap(of)
        guard let gap = occurrences.firstGap(in: window) else { return [] }
        let names = covering.map { maintenance[$0].name }
        let shown = describeWindow(window, clock: clock)
        let at = clock.describe(gap)
        return [Conflict(
            kind: .outsideMaintenance, period: DateInterval(start: gap, end: window.end),
            explanation: LocalizedText(
                en: "the window (\(shown.en)) leaves the maintenance window\(names.count > 1 ? "s" : "") \(joinNames(names, and: "or")) at \(at.en)",
                fr: "la fenêtre (\(shown.fr)) sort de la fenêtre de maintenance \(joinNames(names, and: "ou")) le \(at.fr)"))]
    }

    private func freezeConflicts(_ subject: ScheduledRelease) -> [Conflict] {
        let dossier = ReleaseDossier(release: subject.release, now: subject.release.updatedAt)
        let context = PolicyContext(clock: clock, target: .inProgress)
        return freezes.compactMap { rule in
            let result = rule.evaluate(dossier, context: context)
            return result.verdict == .fail ? Conflict(kind: .freeze, explanation: result.explanation) : nil
        }
    }

    // MARK: - Explanations

    private static func title(_ them: ScheduledRelease) -> String { "\(them.release.key) (\(them.release.title) \(them.release.version))" }

    static func sameItem(_ them: ScheduledRelease, _ items: [CIKey], _ together: DateInterval) -> Conflict {
        let list = items.map(\.text).joined(separator: ", ")
        return Conflict(kind: .sameItem, other: them.release.key, otherTitle: them.release.title, items: items, period: together,
                        explanation: LocalizedText(en: "\(title(them)) modifies \(list) too, in an overlapping window",
                                                   fr: "\(title(them)) modifie aussi \(list), dans une fenêtre qui chevauche"))
    }

    /// `path` runs from the item depended on to the one depending on it.
    static func dependent(_ them: ScheduledRelease, path: [CIKey], theirsDepends: Bool, _ together: DateInterval) -> Conflict {
        let chain = path.map(\.text).joined(separator: " ← ")
        let first = path.first?.text ?? "", last = path.last?.text ?? ""
        let en = theirsDepends
            ? "\(title(them)) modifies \(last), which depends on \(first) modified here (\(chain)), in an overlapping window"
            : "\(title(them)) modifies \(first), on which \(last) modified here depends (\(chain)), in an overlapping window"
        let fr = theirsDepends
            ? "\(title(them)) modifie \(last), qui dépend de \(first) modifié ici (\(chain)), dans une fenêtre qui chevauche"
            : "\(title(them)) modifie \(first), dont dépend \(last) modifié ici (\(chain)), dans une fenêtre qui chevauche"
        return Conflict(kind: .dependentItem, other: them.release.key, otherTitle: them.release.title, items: path, period: together,
                        explanation: LocalizedText(en: en, fr: fr))
    }

    static func teamBooked(_ them: ScheduledRelease, team: String, _ together: DateInterval) -> Conflict {
        Conflict(kind: .teamBooked, other: them.release.key, otherTitle: them.release.title, period: together,
                 explanation: LocalizedText(en: "the team \(team) is booked on \(title(them)) at the same time",
                                            fr: "l'équipe \(team) est déjà prise par \(title(them)) au même moment"))
    }
}
