import Foundation

/// The post-implementation review of a release ("retour d'expérience"): opened when its cutover
/// ends (deployed, rolled back or failed), filled from Bascule's own records, completed by people
/// (each objective assessed, feedback, lessons, the documentation to update, a closure code),
/// and locked once published.
public struct Review: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable, Codable { case draft, published }
    public enum Closure: String, Sendable, CaseIterable, Codable { case successful, successfulWithIssues, unsuccessful }

    /// One objective of the release's plan, with how it was met and what shows it.
    public struct ObjectiveResult: Sendable, Equatable, Codable {
        public var statement: String
        public var successCriterion: String
        public var assessment: Objective.Assessment?
        public var evidence: String

        public init(statement: String, successCriterion: String = "", assessment: Objective.Assessment? = nil, evidence: String = "") {
            self.statement = statement
            self.successCriterion = successCriterion
            self.assessment = assessment
            self.evidence = evidence
        }
    }

    /// A document to bring up to date after the release (user manual, support documents).
    public struct DocumentationItem: Sendable, Equatable, Codable {
        public var title: String
        public var done: Bool

        public init(title: String, done: Bool = false) {
            self.title = title
            self.done = done
        }
    }

    public let release: ReleaseKey
    /// How the cutover ended when the review opened.
    public let outcome: ReleaseStatus
    public let openedAt: Date
    public var status: Status
    public var objectives: [ObjectiveResult]
    /// Markdown.
    public var lessons: String
    public var documentation: [DocumentationItem]
    public var closure: Closure?
    /// What the records said when it was published; nil while a draft (then read live).
    public var facts: ReviewFacts?
    public var publishedAt: Date?
    public var publishedBy: String?
    public var revision: Int

    public init(release: ReleaseKey, outcome: ReleaseStatus, openedAt: Date, status: Status = .draft, objectives: [ObjectiveResult] = [], lessons: String = "",
                documentation: [DocumentationItem] = [], closure: Closure? = nil, facts: ReviewFacts? = nil, publishedAt: Date? = nil,
                publishedBy: String? = nil, revision: Int = 1) {
        self.release = release
        self.outcome = outcome
        self.openedAt = openedAt
        self.status = status
        self.objectives = objectives
        self.lessons = lessons
        self.documentation = documentation
        self.closure = closure
        self.facts = facts
        self.publishedAt = publishedAt
        self.publishedBy = publishedBy
        self.revision = revision
    }

    /// The draft of a release whose cutover just ended, its objectives taken from the plan.
    public static func opening(_ release: Release, plan: ReleasePlan, at now: Date) -> Review {
        Review(release: release.key, outcome: release.status, openedAt: now,
               objectives: plan.objectives.map { ObjectiveResult(statement: $0.statement, successCriterion: $0.successCriterion, assessment: $0.assessment) },
               documentation: [DocumentationItem(title: "User manual"), DocumentationItem(title: "Support documents")])
    }

    /// What people write in a draft, checked: a published review never changes.
    public func editing(objectives: [ObjectiveResult], lessons: String, documentation: [DocumentationItem], closure: Closure?) throws(CoreError) -> Review {
        guard status == .draft else { throw .notAllowed("the review of \(release) is published; it can no longer change") }
        var problems: [FieldError] = []
        if objectives.count > 100 { problems.append(FieldError("objectives", "at most 100")) }
        for (index, objective) in objectives.enumerated() {
            if objective.statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { problems.append(FieldError("objectives[\(index)].statement", "is required")) }
            if objective.statement.count > 2_000 || objective.successCriterion.count > 2_000 || objective.evidence.count > 5_000 {
                problems.append(FieldError("objectives[\(index)]", "is too long (2000 characters a statement or criterion, 5000 the evidence)"))
            }
        }
        if lessons.count > 50_000 { problems.append(FieldError("lessons", "must be at most 50000 characters")) }
        if let refused = TextRule.checkDocument(lessons, field: "lessons") { problems.append(refused) }
        if documentation.count > 100 { problems.append(FieldError("documentation", "at most 100 items")) }
        for (index, item) in documentation.enumerated() where item.title.trimmingCharacters(in: .whitespaces).isEmpty || item.title.count > 300 {
            problems.append(FieldError("documentation[\(index)].title", "must be 1 to 300 characters"))
        }
        guard problems.isEmpty else { throw .invalid(problems) }
        var next = self
        next.objectives = objectives.map {
            ObjectiveResult(statement: $0.statement.trimmingCharacters(in: .whitespacesAndNewlines), successCriterion: $0.successCriterion.trimmingCharacters(in: .whitespacesAndNewlines),
                            assessment: $0.assessment, evidence: $0.evidence.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        next.lessons = lessons
        next.documentation = documentation.map { DocumentationItem(title: $0.title.trimmingCharacters(in: .whitespaces), done: $0.done) }
        next.closure = closure
        return next
    }

    /// Published with the facts as they stand, or every reason it cannot be yet: each objective
    /// assessed and a closure code.
    public func publishing(facts: ReviewFacts, by username: String, at now: Date) throws(CoreError) -> Review {
        guard status == .draft else { throw .notAllowed("the review of \(release) is already published") }
        var problems: [FieldError] = []
        for (index, objective) in objectives.enumerated() where objective.assessment == nil {
            problems.append(FieldError("objectives[\(index)].assessment", "\"\(objective.statement.prefix(60))\" is not assessed (met, partly or notMet)"))
        }
        if closure == nil { problems.append(FieldError("closure", "is required: successful, successfulWithIssues or unsuccessful")) }
        guard problems.isEmpty else { throw .invalid(problems) }
        var next = self
        next.status = .published
        next.facts = facts
        next.publishedAt = now
        next.publishedBy = username
        return next
    }
}

/// A stakeholder's or a user's word on the release: a rating and a comment.
public struct ReviewFeedback: Sendable, Equatable {
    public let id: UUID
    /// The signed-in person, or nil for someone who came through the review's feedback link.
    public let author: String?
    /// The name an end user gave, if any.
    public let name: String
    public let rating: Int
    public let comment: String
    public let at: Date

    public init(id: UUID = UUID(), author: String?, name: String, rating: Int, comment: String, at: Date) {
        self.id = id
        self.author = author
        self.name = name
        self.rating = rating
        self.comment = comment
        self.at = at
    }

    /// Checked as typed: a rating of 1 to 5 stars, a comment and a name of reasonable length.
    public static func checked(author: String?, name: String, rating: Int, comment: String, at: Date) throws(CoreError) -> ReviewFeedback {
        var problems: [FieldError] = []
        if !(1...5).contains(rating) { problems.append(FieldError("rating", "must be 1 to 5")) }
        let comment = comment.trimmingCharacters(in: .whitespacesAndNewlines), name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if comment.count > 5_000 { problems.append(FieldError("comment", "must be at most 5000 characters")) }
        if let refused = TextRule.checkDocument(comment, field: "comment") { problems.append(refused) }
        if name.count > 100 { problems.append(FieldError("name", "must be at most 100 characters")) }
        if let refused = TextRule.checkSingleLine(name, field: "name") { problems.append(refused) }
        guard problems.isEmpty else { throw .invalid(problems) }
        return ReviewFeedback(author: author, name: name, rating: rating, comment: comment, at: at)
    }
}
