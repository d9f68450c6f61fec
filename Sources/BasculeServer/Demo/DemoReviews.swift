import BasculeCore
import BasculeStore
import Foundation

/// The demo's post-implementation reviews: the last ERP cutover's, published (its objectives
/// assessed, feedback, lessons that the next ERP release sees, an action), and the rolled-back
/// payments hotfix's, still a draft.
enum DemoReviews {
    static func seed(_ services: BasculeServices, now: Date) async throws {
        let published = try await services.store.withConnection { db in
            try await ReleaseRepository(db).sorted(ReleaseQuery(statuses: [.deployed], tag: "erp"), by: .window, descending: true, limit: 1, offset: 0).items.first
        }
        let rolledBack = try await services.store.withConnection { db in
            try await ReleaseRepository(db).sorted(ReleaseQuery(statuses: [.rolledBack]), by: .window, descending: true, limit: 1, offset: 0).items.first
        }
        guard let manager = try await services.store.withConnection({ try await UserRepository($0).named("manager") }) else { return }
        try await RequestOrigin.$current.withValue(RequestOrigin(principal: .user(Identity(userID: manager.id, username: manager.username, roles: manager.roles)))) {
            if let release = published { try await publish(release.key.description, services, now: now) }
            if let release = rolledBack { try await draft(release.key.description, services, now: now) }
        }
    }

    private static func publish(_ key: String, _ services: BasculeServices, now: Date) async throws {
        guard (try? await services.reviews.get(key)) != nil else { return }
        _ = try await services.reviews.update(key, .init(
            objectives: [
                .init(statement: "Close the books of the month with the new ledger", successCriterion: "Month-end closing done by day 3",
                      assessment: .met, evidence: "Closed on day 2 (finance report)"),
                .init(statement: "No interruption of invoicing beyond the window", successCriterion: "Invoices issued within 1 h of the cutover",
                      assessment: .partly, evidence: "Invoicing resumed after 1 h 40: the ledger migration ran long"),
            ],
            lessons: """
                - The ledger migration ran long on production volumes: rehearse it on a copy of the production data, not the recette one.
                - The go/no-go at the point of no return worked: keep it, with finance present.
                - Tell the invoicing team the real end of the window as soon as the migration starts.
                """,
            documentation: [.init(title: "User manual: month-end closing", done: true), .init(title: "Support runbook: ledger errors", done: false)],
            closure: .successfulWithIssues))
        _ = try await services.reviews.addFeedback(key, rating: 4, comment: "Closing went well; invoicing was late.")
        let link = try await services.reviews.createFeedbackLink(key)
        try await services.reviews.addPublicFeedback(token: link, name: "Accounts payable", rating: 3, comment: "We could not issue invoices for an hour and a half.")
        _ = try await services.actions.create(.init(title: "Rehearse the ledger migration on production volumes", owner: "operator",
                                                    dueAt: now.addingTimeInterval(10 * 86_400), review: key))
        _ = try await services.reviews.publish(key)
    }

    private static func draft(_ key: String, _ services: BasculeServices, now: Date) async throws {
        guard let detail = try? await services.reviews.get(key) else { return }
        _ = try await services.reviews.update(key, .init(
            objectives: detail.review.objectives, lessons: "- The hotfix was not rehearsed: the refund job failed on live data and was rolled back.",
            documentation: detail.review.documentation, closure: nil))
        _ = try await services.actions.create(.init(title: "Add a rehearsal of the refund job to the payments runbook", owner: "manager",
                                                    dueAt: now.addingTimeInterval(5 * 86_400), review: key))
    }
}
