import BasculeCore
import Foundation

/// The post-implementation review of a release: what the records say (planned against actual,
/// the steps that deviated most, rollbacks, overrides, incidents), each objective assessed, the
/// feedback, the lessons, the documentation to update, the actions and the closure code; a form
/// while it is a draft, read only once published.
enum ReviewPage {
    struct Row: Sendable {
        let label: String
        let planned: String
        let actual: String
    }

    struct Objective: Sendable {
        let index: Int
        let statement: String
        let criterion: String
        let evidence: String
        let assessment: String?
        let choices: [Choice]
    }

    struct Document: Sendable {
        let index: Int
        let title: String
        let done: Bool
    }

    struct Feedback: Sendable {
        let who: String
        let stars: String
        let rating: String
        let comment: String
        let at: String
    }

    struct ActionRow: Sendable {
        let key: String
        let title: String
        let owner: String
        let due: String
        let status: String
        let overdue: Bool
    }

    struct Model: Sendable {
        let key: String
        let title: String
        let action: String
        let releaseHref: String
        let status: String
        let draft: Bool
        let outcome: String
        let opened: String
        let published: String?
        let timings: [Row]
        let rehearsals: [String]
        let deviations: [Row]
        let rollbacks: [String]
        let overrides: [String]
        let incidents: [String]
        let objectives: [Objective]
        let objectiveCount: Int
        let newObjective: Int
        let lessonsHTML: String?
        let lessons: String
        let documents: [Document]
        let documentCount: Int
        let newDocument: Int
        let closure: String?
        let closures: [Choice]
        let feedback: [Feedback]
        let averageRating: String?
        let ratings: [Choice]
        let feedbackLink: String?
        let actions: [ActionRow]
        let mayEdit: Bool
        let mayHandOut: Bool
        let mayGiveFeedback: Bool
        let revision: Int
        let errors: [String]
    }

    static func model(_ detail: ReviewService.Detail, feedbackLink: String? = nil, now: Date, errors: [FieldError] = [], _ words: Words) -> Model {
        let review = detail.review, facts = detail.facts
        let origin = RequestOrigin.current
        let draft = review.status == .draft
        func when(_ date: Date?) -> String { date.map(words.date) ?? "—" }
        func span(_ seconds: TimeInterval?) -> String { seconds.map { words.duration($0) } ?? "—" }
        let actual = facts.live
        let key = review.release.description
        let ratings = detail.feedback.map(\.rating)
        return Model(
            key: key, title: detail.release.fields.title, action: "/releases/\(key)/review", releaseHref: "/releases/\(key)",
            status: words.label(review.status), draft: draft, outcome: words.label(review.outcome), opened: words.date(review.openedAt),
            published: review.publishedAt.map { words.text("review_published_by", ["who": review.publishedBy ?? "", "at": words.date($0)]) },
            timings: [
                Row(label: words.text("review_start"), planned: when(facts.planned.start), actual: when(actual?.start)),
                Row(label: words.text("review_end"), planned: when(facts.planned.end), actual: when(actual?.end)),
                Row(label: words.text("review_duration"), planned: span(facts.planned.duration), actual: span(actual?.duration)),
                Row(label: words.text("review_downtime"), planned: span(facts.plannedDowntime), actual: span(facts.actualDowntime)),
            ],
            rehearsals: facts.rehearsals.enumerated().map { index, timing in
                words.text("review_rehearsal", ["n": words.number(index + 1), "start": when(timing.start), "duration": span(timing.duration)])
            },
            deviations: facts.deviations.map { Row(label: "\($0.step) \($0.title)", planned: words.duration($0.planned), actual: words.duration($0.actual)) },
            rollbacks: facts.rollbacks.map { words.text("review_rollback_\($0.kind.rawValue)", ["n": $0.number.map(words.number) ?? ""]) },
            overrides: facts.overrides.map { "\($0.rules.joined(separator: ", ")) — \($0.reason) (\($0.actor), \(words.date($0.at)))" },
            incidents: facts.incidents.map {
                "\($0.reference) \($0.title) · \(words.text("severity_\($0.severity)")) · \(words.text($0.confirmed ? "review_incident_confirmed" : "review_incident_candidate"))"
            },
            objectives: review.objectives.enumerated().map { index, objective in
                Objective(index: index, statement: objective.statement, criterion: objective.successCriterion, evidence: objective.evidence,
                          assessment: objective.assessment.map(words.label),
                          choices: [Choice(value: "", label: words.text("review_not_assessed"), selected: objective.assessment == nil)]
                              + BasculeCore.Objective.Assessment.allCases.map { Choice(value: $0.rawValue, label: words.label($0), selected: $0 == objective.assessment) })
            },
            objectiveCount: review.objectives.count + 1, newObjective: review.objectives.count,
            lessonsHTML: review.lessons.isEmpty ? nil : MarkdownRenderer.html(review.lessons), lessons: review.lessons,
            documents: review.documentation.enumerated().map { Document(index: $0.offset, title: $0.element.title, done: $0.element.done) },
            documentCount: review.documentation.count + 1, newDocument: review.documentation.count,
            closure: review.closure.map(words.label),
            closures: [Choice(value: "", label: words.text("review_no_closure"), selected: review.closure == nil)]
                + Review.Closure.allCases.map { Choice(value: $0.rawValue, label: words.label($0), selected: $0 == review.closure) },
            feedback: detail.feedback.map { feedback in
                Feedback(who: feedback.author ?? (feedback.name.isEmpty ? words.text("review_anonymous") : feedback.name),
                         stars: String(repeating: "★", count: feedback.rating) + String(repeating: "☆", count: 5 - feedback.rating),
                         rating: words.text("review_rating", ["n": words.number(feedback.rating)]), comment: feedback.comment, at: words.date(feedback.at))
            },
            averageRating: ratings.isEmpty ? nil : words.text("review_average", [
                "average": IndicatorWording.decimal(Double(ratings.reduce(0, +)) / Double(ratings.count), digits: 1, words), "count": words.number(ratings.count),
            ]),
            ratings: (1...5).reversed().map { Choice(value: String($0), label: String(repeating: "★", count: $0), selected: $0 == 4) },
            feedbackLink: feedbackLink,
            actions: detail.actions.map {
                ActionRow(key: $0.key.description, title: $0.title, owner: $0.owner, due: words.date($0.dueAt), status: words.label($0.status),
                          overdue: $0.isOverdue(at: now))
            },
            mayEdit: draft && origin.may(.meetingManage), mayHandOut: draft && origin.may(.actionManage),
            mayGiveFeedback: draft, revision: review.revision, errors: errors.map(words.error))
    }
}

/// The page an end user reaches through a review's feedback link, with no account.
enum FeedbackPage {
    struct Model: Sendable {
        let release: String
        let title: String
        let action: String
        let ratings: [Choice]
        let thanks: Bool
        let errors: [String]
    }

    static func model(_ release: Release, token: String, thanks: Bool = false, errors: [FieldError] = [], _ words: Words) -> Model {
        Model(release: release.key.description, title: release.fields.title, action: "/feedback/\(token)",
              ratings: (1...5).reversed().map { Choice(value: String($0), label: String(repeating: "★", count: $0), selected: $0 == 4) },
              thanks: thanks, errors: errors.map(words.error))
    }
}
