import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Post-implementation reviews: opened when a release's cutover ends, filled from the records,
/// completed and published by the release team, with feedback from everyone involved and from
/// end users through a link that needs no account.
public struct ReviewService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    public struct Detail: Sendable {
        public let release: Release
        public let review: Review
        /// The facts kept at publishing, or as the records say now.
        public let facts: ReviewFacts
        public let feedback: [ReviewFeedback]
        public let actions: [ActionItem]
    }

    public struct Edit: Sendable {
        public var objectives: [Review.ObjectiveResult]
        public var lessons: String
        public var documentation: [Review.DocumentationItem]
        public var closure: Review.Closure?

        public init(objectives: [Review.ObjectiveResult], lessons: String, documentation: [Review.DocumentationItem], closure: Review.Closure?) {
            self.objectives = objectives
            self.lessons = lessons
            self.documentation = documentation
            self.closure = closure
        }
    }

    /// Lessons and open actions of the last published reviews of the same application.
    public struct Recommendations: Sendable {
        public struct Lesson: Sendable {
            public let release: ReleaseKey
            public let title: String
            public let closure: Review.Closure?
            public let lessons: String
        }

        public let lessons: [Lesson]
        public let actions: [ActionItem]
    }

    public func get(_ key: String) async throws -> Detail {
        try await gate.require(.meetingRead, on: key)
        return try await refusing { try await store.withConnection { try await detail(key, in: $0) } }
    }

    public func update(_ key: String, _ edit: Edit, ifRevision: Int? = nil) async throws -> Detail {
        try await gate.require(.meetingManage, on: key)
        return try await refusing {
            try await store.transaction { db in
                let (_, review) = try await Self.load(key, in: db)
                if let ifRevision, ifRevision != review.revision { throw ServiceError.stale(current: review.revision) }
                var next = try review.editing(objectives: edit.objectives, lessons: edit.lessons, documentation: edit.documentation, closure: edit.closure)
                try await save(&next, previous: review.revision, in: db)
                try await AuditLog.record(.reviewUpdate, target: review.release.description,
                                          summary: "review: \(next.objectives.filter { $0.assessment != nil }.count) of \(next.objectives.count) objectives assessed"
                                              + (next.closure.map { ", closure \($0.rawValue)" } ?? ""), at: now(), in: db)
                return try await detail(key, in: db)
            }
        }
    }

    /// Publishes the review with the facts as they stand; it is locked from then on.
    public func publish(_ key: String) async throws -> Detail {
        try await gate.require(.meetingManage, on: key)
        return try await refusing {
            try await store.transaction { db in
                let (release, review) = try await Self.load(key, in: db)
                var next = try review.publishing(facts: try await Self.facts(of: release, in: db), by: RequestOrigin.current.actor, at: now())
                try await save(&next, previous: review.revision, in: db)
                try await AuditLog.record(.reviewPublish, target: review.release.description,
                                          summary: "review published: \(next.closure?.rawValue ?? "")", at: now(), in: db)
                return try await detail(key, in: db)
            }
        }
    }

    /// Feedback of someone signed in (the people involved).
    public func addFeedback(_ key: String, rating: Int, comment: String) async throws -> Detail {
        try await gate.require(.meetingRead, on: key)
        return try await refusing {
            let me = try gate.currentUser().username
            let feedback = try ReviewFeedback.checked(author: me, name: me, rating: rating, comment: comment, at: now())
            return try await store.transaction { db in
                let (_, review) = try await Self.load(key, in: db)
                guard review.status == .draft else { throw ServiceError.conflict("the review of \(review.release) is published; it takes no more feedback") }
                try await ReviewRepository(db).addFeedback(feedback, to: review.release)
                try await AuditLog.record(.reviewFeedback, target: review.release.description, summary: "feedback: \(rating)/5", at: now(), in: db)
                return try await detail(key, in: db)
            }
        }
    }

    /// A new link for end users to give their feedback without an account; the previous one stops
    /// working. Only the token's hash is kept: the link is shown once.
    public func createFeedbackLink(_ key: String) async throws -> String {
        try await gate.require(.meetingManage, on: key)
        return try await refusing {
            try await store.transaction { db in
                let (_, review) = try await Self.load(key, in: db)
                guard review.status == .draft else { throw ServiceError.conflict("the review of \(review.release) is published; it takes no more feedback") }
                let token = "fbk_" + Secrets.random(bytes: 24)
                try await ReviewRepository(db).setFeedbackToken(hash: Digest.sha256(token), of: review.release)
                try await AuditLog.record(.reviewFeedbackLink, target: review.release.description, summary: "feedback link made", at: now(), in: db)
                return token
            }
        }
    }

    /// What the feedback page shows to an end user holding the link: 404 for an unknown link,
    /// 410 once the review is published.
    public func feedbackForm(token: String) async throws -> Release {
        try await refusing {
            try await store.withConnection { db in
                let (release, _) = try await Self.byToken(token, in: db)
                return release
            }
        }
    }

    public func addPublicFeedback(token: String, name: String, rating: Int, comment: String) async throws {
        try await refusing {
            let feedback = try ReviewFeedback.checked(author: nil, name: name, rating: rating, comment: comment, at: now())
            try await store.transaction { db in
                let (release, _) = try await Self.byToken(token, in: db)
                try await ReviewRepository(db).addFeedback(feedback, to: release.key)
                try await AuditLog.record(.reviewFeedback, target: release.key.description, summary: "feedback through the link: \(rating)/5", at: now(), in: db)
            }
        }
    }

    /// What the last reviews of the same application (a shared tag or configuration item) left
    /// for this release: their lessons and their actions still open.
    public func recommendations(for key: String, limit: Int = 3) async throws -> Recommendations {
        try await gate.require(.meetingRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                let items = Set(try await ChangeRepository(db).all(of: release).flatMap(\.fields.items))
                let reviews = ReviewRepository(db)
                let related = try await reviews.related(to: release, tags: release.fields.tags, items: items.sorted())
                let published = try await reviews.published(of: related, limit: limit)
                var lessons: [Recommendations.Lesson] = []
                var actions: [ActionItem] = []
                for review in published {
                    let title = try await ReleaseRepository(db).find(review.release)?.fields.title ?? ""
                    if !review.lessons.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                        lessons.append(.init(release: review.release, title: title, closure: review.closure, lessons: review.lessons))
                    }
                    actions += try await ActionRepository(db).list(ActionQuery(status: .open, release: review.release))
                }
                return Recommendations(lessons: lessons, actions: actions)
            }
        }
    }

    /// Opens the review of a release whose cutover just ended, in the caller's transaction, and
    /// gives the audit entry for the caller to record (a live run chains its events in one go);
    /// nil when the release has one already or its cutover has not ended.
    static func open(_ release: Release, by actor: String, in db: any SQLDatabase, at now: Date) async throws -> AuditEntry? {
        guard [.deployed, .rolledBack, .failed].contains(release.status) else { return nil }
        let plan = try await PlanRepository(db).find(for: release).plan
        guard try await ReviewRepository(db).open(Review.opening(release, plan: plan, at: now), releaseID: release.id) else { return nil }
        return AuditEntry(actor: actor, action: .reviewOpen, target: release.key.description, summary: "review opened (\(release.status.rawValue))")
    }

    // MARK: -

    private func detail(_ key: String, in db: any SQLDatabase) async throws -> Detail {
        let (release, review) = try await Self.load(key, in: db)
        let facts: ReviewFacts
        if let frozen = review.facts { facts = frozen } else { facts = try await Self.facts(of: release, in: db) }
        return Detail(release: release, review: review, facts: facts, feedback: try await ReviewRepository(db).feedback(of: release.key),
                      actions: try await ActionRepository(db).list(ActionQuery(release: release.key)).filter { $0.review == release.key })
    }

    private func save(_ review: inout Review, previous: Int, in db: any SQLDatabase) async throws {
        review.revision = previous + 1
        guard try await ReviewRepository(db).update(review, previousRevision: previous) else { throw ServiceError.stale(current: previous) }
    }

    static func load(_ key: String, in db: any SQLDatabase) async throws -> (Release, Review) {
        let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
        guard let review = try await ReviewRepository(db).find(release.key) else {
            throw ServiceError.notFound("the review of \(release.key) (it opens when its cutover ends: deployed, rolled back or failed)")
        }
        return (release, review)
    }

    static func byToken(_ token: String, in db: any SQLDatabase) async throws -> (Release, Review) {
        guard token.hasPrefix("fbk_"), token.count < 100, let key = try await ReviewRepository(db).release(feedbackTokenHash: Digest.sha256(token)),
              let release = try await ReleaseRepository(db).find(key), let review = try await ReviewRepository(db).find(key)
        else { throw ServiceError.notFound("this feedback link") }
        guard review.status == .draft else { throw ServiceError.gone("the review of \(release.key) is published; thank you, it takes no more feedback") }
        return (release, review)
    }

    static func facts(of release: Release, in db: any SQLDatabase) async throws -> ReviewFacts {
        let incidents = try await IncidentRepository(db).attributions(ofRelease: release.key.number).filter { $0.state != .rejected }.map {
            ReviewFacts.IncidentLine(reference: $0.incident, title: $0.incidentTitle, severity: $0.severity, confirmed: $0.state == .confirmed)
        }
        return ReviewFacts.of(release, runs: try await RunRepository(db).all(of: release), deployments: try await DeploymentRepository(db).of(release: release.key.number),
                              overrides: try await ApprovalRepository(db).overrides(for: release), incidents: incidents)
    }
}
