import BasculeCore
import BasculeStore
import Foundation

/// Reads what the home page shows through the services, so that each part shows only what
/// the person may read.
struct HomeFacts: Sendable {
    let services: BasculeServices

    /// Releases still ahead of their cutover: the ones a gate can refuse.
    private static let ahead: [ReleaseStatus] = [.draft, .planned, .approved, .ready]
    /// How many releases the "would be refused" part checks, soonest first.
    static let gateChecks = 20

    func gather(now: Date) async throws -> HomePage.Facts {
        let origin = RequestOrigin.current
        var facts = HomePage.Facts()
        if case .user(let identity) = origin.principal { facts.user = identity.username }
        facts.canCreate = origin.may(.releaseCreate)
        for run in try await services.runs.underWay(limit: 10) {
            facts.runs.append((run, try await services.releases.get(run.releaseKey.description).title))
        }
        let week = ReleaseQuery(statuses: Self.ahead + [.inProgress], from: now, to: now.addingTimeInterval(7 * 86_400))
        facts.week = try await services.releases.table(week, limit: 50).items
        if facts.user != nil {
            // A release's owner is free text: the username or the person's name.
            let me = try await services.identity.me()
            if !me.displayName.isEmpty { facts.user = me.displayName }
            var mine: [Release] = []
            for owner in Set([me.username, me.displayName].filter { !$0.isEmpty }) {
                mine += try await services.releases.table(ReleaseQuery(statuses: Self.ahead + [.inProgress, .deployed], owner: owner), limit: 20).items
            }
            facts.mine = mine.sorted { ($0.window?.start ?? .distantFuture, $0.key.number) < ($1.window?.start ?? .distantFuture, $1.key.number) }
        }
        if origin.may(.approvalDecide) {
            facts.approvals = try await services.approvals.inbox().map { ($0.release, $0.round) }
        }
        let soon = try await services.releases.table(ReleaseQuery(statuses: Self.ahead), limit: Self.gateChecks).items
        for release in soon {
            let target = release.nextGate
            guard target != release.status else { continue }
            let (check, _) = try await services.policy.check(release.key.description, to: target)
            let blocked = !check.passed || !RequiredFieldsGuard().failures(for: release, to: target).isEmpty
            if blocked { facts.blocked.append((release, check)) }
            let (plan, _) = try await services.plans.plan(of: release.key.description)
            facts.overdue += plan.milestones.filter { $0.isOverdue(at: now) }.map { (release, $0) }
        }
        return facts
    }
}
