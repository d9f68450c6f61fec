import BasculeAPI
import BasculeCore
import Foundation
import OpenAPIRuntime

extension APIHandler {
    func getReview(_ input: Operations.GetReview.Input) async throws -> Operations.GetReview.Output {
        .ok(.init(body: .json(.init(try await reviews.get(input.path.key)))))
    }

    func updateReview(_ input: Operations.UpdateReview.Input) async throws -> Operations.UpdateReview.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let edit = ReviewService.Edit(
            objectives: body.objectives.map {
                Review.ObjectiveResult(statement: $0.statement, successCriterion: $0.successCriterion ?? "", assessment: mapped($0.assessment),
                                       evidence: $0.evidence ?? "")
            },
            lessons: body.lessons, documentation: body.documentation.map { Review.DocumentationItem(title: $0.title, done: $0.done) },
            closure: mapped(body.closure))
        return .ok(.init(body: .json(.init(try await reviews.update(input.path.key, edit)))))
    }

    func publishReview(_ input: Operations.PublishReview.Input) async throws -> Operations.PublishReview.Output {
        .ok(.init(body: .json(.init(try await reviews.publish(input.path.key)))))
    }

    func addReviewFeedback(_ input: Operations.AddReviewFeedback.Input) async throws -> Operations.AddReviewFeedback.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        return .created(.init(body: .json(.init(try await reviews.addFeedback(input.path.key, rating: body.rating, comment: body.comment ?? "")))))
    }

    func createFeedbackLink(_ input: Operations.CreateFeedbackLink.Input) async throws -> Operations.CreateFeedbackLink.Output {
        .created(.init(body: .json(.init(path: "/feedback/" + (try await reviews.createFeedbackLink(input.path.key))))))
    }

    func getRecommendations(_ input: Operations.GetRecommendations.Input) async throws -> Operations.GetRecommendations.Output {
        let found = try await reviews.recommendations(for: input.path.key)
        let now = Date()
        return .ok(.init(body: .json(.init(
            lessons: found.lessons.map { .init(release: $0.release.description, title: $0.title, closure: mapped($0.closure), lessons: $0.lessons) },
            actions: found.actions.map { .init($0, at: now) }))))
    }
}

extension Components.Schemas.ReviewDetail {
    init(_ detail: ReviewService.Detail) {
        let review = detail.review
        let now = Date()
        self.init(
            release: review.release.description, title: detail.release.fields.title, outcome: .init(review.outcome), status: mapped(review.status, or: .draft),
            openedAt: review.openedAt,
            objectives: review.objectives.map {
                .init(statement: $0.statement, successCriterion: $0.successCriterion, assessment: mapped($0.assessment), evidence: $0.evidence)
            },
            lessons: review.lessons, documentation: review.documentation.map { .init(title: $0.title, done: $0.done) }, closure: mapped(review.closure),
            publishedAt: review.publishedAt, publishedBy: review.publishedBy, revision: review.revision, facts: .init(detail.facts),
            feedback: detail.feedback.map { .init(author: $0.author, name: $0.name, rating: $0.rating, comment: $0.comment, at: $0.at) },
            actions: detail.actions.map { .init($0, at: now) })
    }
}

extension Components.Schemas.ReviewFacts {
    init(_ facts: ReviewFacts) {
        func timing(_ timing: ReviewFacts.Timing) -> Components.Schemas.ReviewTiming {
            .init(start: timing.start, end: timing.end, durationSeconds: timing.duration)
        }
        self.init(
            planned: timing(facts.planned), live: facts.live.map(timing), rehearsals: facts.rehearsals.map(timing),
            plannedDowntimeSeconds: facts.plannedDowntime, actualDowntimeSeconds: facts.actualDowntime,
            deviations: facts.deviations.map { .init(step: $0.step, title: $0.title, plannedSeconds: $0.planned, actualSeconds: $0.actual) },
            rollbacks: facts.rollbacks.map { $0.kind.rawValue + ($0.number.map { " \($0)" } ?? "") },
            overrides: facts.overrides.map { .init(target: $0.target, rules: $0.rules, reason: $0.reason, actor: $0.actor, at: $0.at) },
            incidents: facts.incidents.map { .init(reference: $0.reference, title: $0.title, severity: $0.severity, confirmed: $0.confirmed) })
    }
}
