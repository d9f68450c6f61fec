import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Tells what the calendar shows coming rather than what someone did: a conflict that appeared
/// on a release of the next 60 days, and a freeze of the policy that starts tomorrow. Run as
/// leased background work every 10 minutes; each conflict and freeze is told once while it
/// lasts (a conflict that goes and comes back is told again).
struct CalendarWatch: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    static let ahead: TimeInterval = 60 * 86_400

    func job() -> BackgroundJob {
        BackgroundJob(name: "calendar-watch", every: 600) { _ in _ = try await watch() }
    }

    /// Writes the notices of what is new; how many.
    @discardableResult
    func watch() async throws -> Int {
        let at = now()
        return try await store.transaction { db in
            let policy = try await PolicyInForce.load(in: db)
            let period = DateInterval(start: at, end: at.addingTimeInterval(Self.ahead))
            let snapshot = try await CalendarSnapshot.load(period, in: db, policy: policy, graphs: store.dependencyGraphs)
            let milestones = try await PlanRepository(db).milestones(of: snapshot.releases.map(\.release))
            let calendar = ReleaseCalendar(detector: snapshot.detector, releases: snapshot.releases, milestones: milestones,
                                           maintenance: snapshot.maintenance, policy: policy)
            let entries = calendar.entries(CalendarQuery(period: period))
            let memory = NoticeMemoryRepository(db)
            var notices: [Notice] = []
            var seen: [String] = []
            // Conflicts of committed releases only: a draft's clash is its author's to see.
            let known = try await memory.all(prefix: "conflict:")
            let byKey = Dictionary(snapshot.releases.map { ($0.release.key.description, $0.release) }, uniquingKeysWith: { first, _ in first })
            for entry in entries where entry.kind == .release {
                guard let key = entry.release?.description, let release = byKey[key], ![ReleaseStatus.draft, .closed, .cancelled, .deployed, .rolledBack, .failed].contains(release.status) else { continue }
                for conflict in entry.conflicts {
                    let memoryKey = "conflict:\(key):\(conflict.kind.rawValue):\(conflict.other?.description ?? "-")"
                    seen.append(memoryKey)
                    guard !known.contains(memoryKey) else { continue }
                    var facts = ["reason": conflict.explanation.en, "reason_fr": conflict.explanation.fr, "conflict": conflict.kind.rawValue]
                    facts["other"] = conflict.other.map { "\($0)\(conflict.otherTitle.map { " \($0)" } ?? "")" } ?? "—"
                    notices.append(Notice(kind: .conflictAppeared, at: at, actor: "system", release: try await Notices.release(release, in: db), facts: facts))
                }
            }
            try await memory.forget(Array(known.subtracting(seen)))
            // Freezes starting within the next day, in the policy's time zone.
            let knownFreezes = try await memory.all(prefix: "freeze:")
            for entry in entries where entry.kind == .freeze && entry.start > at && entry.start <= at.addingTimeInterval(86_400) {
                let memoryKey = "freeze:\(entry.uid)"
                seen.append(memoryKey)
                guard !knownFreezes.contains(memoryKey) else { continue }
                notices.append(Notice(kind: .freezeTomorrow, at: at, actor: "system", release: nil,
                                      facts: ["reason": entry.title, "start": Notices.time(entry.start), "end": Notices.time(entry.end)]))
            }
            try await memory.remember(seen, at: at)
            if !notices.isEmpty { try await EventRepository(db).append(try notices.map(Notices.event)) }
            return notices.count
        }
    }
}
