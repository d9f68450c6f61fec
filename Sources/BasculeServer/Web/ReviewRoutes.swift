import BasculeCore
import BasculeStore
import Foundation
import Hummingbird

/// The review page of a release and its forms, and the feedback page an end user reaches
/// through a review's link without an account.
struct ReviewRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer
    /// The server's public address, to show the feedback link whole.
    let siteURL: String?

    func register(on router: Router<Context>) {
        router.get("/releases/{key}/review", use: show)
        router.post("/releases/{key}/review", use: save)
        router.post("/releases/{key}/review/publish", use: publish)
        router.post("/releases/{key}/review/feedback", use: feedback)
        router.post("/releases/{key}/review/feedback-link", use: feedbackLink)
        router.post("/releases/{key}/review/actions", use: handOut)
        router.get("/feedback/{token}", use: publicForm)
        router.post("/feedback/{token}", use: publicFeedback)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try await page(request, key: try context.parameters.require("key"))
    }

    @Sendable func save(_ request: Request, context: Context) async throws -> Response {
        try await onReview(request, context, limit: 400_000) { key, fields in
            _ = try await services.reviews.update(key, Self.edit(fields), ifRevision: fields["revision"].flatMap { Int($0) })
            return "review_saved"
        }
    }

    @Sendable func publish(_ request: Request, context: Context) async throws -> Response {
        try await onReview(request, context) { key, _ in
            _ = try await services.reviews.publish(key)
            return "review_published"
        }
    }

    @Sendable func feedback(_ request: Request, context: Context) async throws -> Response {
        try await onReview(request, context) { key, fields in
            _ = try await services.reviews.addFeedback(key, rating: Int(fields["rating"] ?? "") ?? 0, comment: fields["comment"] ?? "")
            return "feedback_given"
        }
    }

    @Sendable func feedbackLink(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        _ = try await WebRoutes<Context>.form(request)
        return try await renderer.acting(request, page: { try await page(request, key: key, errors: $0, status: $1) }) {
            let token = try await services.reviews.createFeedbackLink(key)
            // Shown once, on this answer only: only the token's hash is kept.
            return try await page(request, key: key, link: (siteURL ?? "") + "/feedback/" + token)
        }
    }

    @Sendable func handOut(_ request: Request, context: Context) async throws -> Response {
        let words = renderer.words(request)
        return try await onReview(request, context) { key, fields in
            let dueText = (fields["dueAt"] ?? "").trimmingCharacters(in: .whitespaces)
            let due = dueText.isEmpty ? nil : words.formatting.parseInput(dueText)
            if !dueText.isEmpty, due == nil { throw ServiceError.invalid([FieldError("dueAt", "is not a date and time")]) }
            let owner = (fields["owner"] ?? "").trimmingCharacters(in: .whitespaces)
            _ = try await services.actions.create(.init(title: fields["title"] ?? "", owner: owner.isEmpty ? nil : owner, dueAt: due, review: key))
            return "action_created"
        }
    }

    // MARK: - The end user's feedback

    @Sendable func publicForm(_ request: Request, context: Context) async throws -> Response {
        let token = try context.parameters.require("token")
        return try await publicPage(request, token: token)
    }

    @Sendable func publicFeedback(_ request: Request, context: Context) async throws -> Response {
        let token = try context.parameters.require("token")
        let fields = try await WebRoutes<Context>.form(request)
        return try await renderer.acting(request, page: { try await publicPage(request, token: token, errors: $0, status: $1) }) {
            try await services.reviews.addPublicFeedback(token: token, name: fields["name"] ?? "", rating: Int(fields["rating"] ?? "") ?? 0,
                                                         comment: fields["comment"] ?? "")
            return try await publicPage(request, token: token, thanks: true)
        }
    }

    private func publicPage(_ request: Request, token: String, thanks: Bool = false, errors: [FieldError] = [],
                            status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        do {
            let release = try await services.reviews.feedbackForm(token: token)
            let model = FeedbackPage.model(release, token: token, thanks: thanks, errors: errors, words)
            return renderer.page("feedback", title: words.text("feedback_title", ["release": release.fields.title]), model: model, request: request, status: status)
        } catch let error as ServiceError where thanks && error.status == 410 {
            // The review was published between the form and the answer: the feedback was kept.
            return renderer.errorPage(words.text("feedback_thanks"), request: request, status: .ok)
        } catch let error as ServiceError {
            return renderer.errorPage(error.status == 410 ? words.text("feedback_closed") : error.description, request: request, status: .init(code: error.status))
        }
    }

    // MARK: -

    private func onReview(_ request: Request, _ context: Context, limit: Int = 65_536,
                          _ body: (String, [String: String]) async throws -> String) async throws -> Response {
        let key = try context.parameters.require("key")
        let fields = try await WebRoutes<Context>.form(request, limit: limit)
        return try await renderer.acting(request, page: { try await page(request, key: key, errors: $0, status: $1) }) {
            let done = try await body(key, fields)
            return WebRoutes<Context>.redirect("/releases/\(SitePath.segment(key))/review?done=\(done)")
        }
    }

    /// The review form's rows (`objective-N-…`, `document-N-…`); a row left empty is dropped.
    static func edit(_ fields: [String: String]) throws -> ReviewService.Edit {
        var objectives: [Review.ObjectiveResult] = []
        for index in 0..<min(Int(fields["objectives"] ?? "") ?? 0, 101) {
            let statement = (fields["objective-\(index)-statement"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !statement.isEmpty else { continue }
            let assessment = (fields["objective-\(index)-assessment"] ?? "")
            objectives.append(Review.ObjectiveResult(statement: statement, successCriterion: fields["objective-\(index)-criterion"] ?? "",
                                                     assessment: Objective.Assessment(rawValue: assessment), evidence: fields["objective-\(index)-evidence"] ?? ""))
        }
        var documentation: [Review.DocumentationItem] = []
        for index in 0..<min(Int(fields["documents"] ?? "") ?? 0, 101) {
            let title = (fields["document-\(index)-title"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !title.isEmpty else { continue }
            documentation.append(Review.DocumentationItem(title: title, done: fields["document-\(index)-done"] == "on"))
        }
        return ReviewService.Edit(objectives: objectives, lessons: (fields["lessons"] ?? "").replacingOccurrences(of: "\r\n", with: "\n"),
                                  documentation: documentation, closure: Review.Closure(rawValue: fields["closure"] ?? ""))
    }

    private func page(_ request: Request, key: String, link: String? = nil, errors: [FieldError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        do {
            let detail = try await services.reviews.get(key)
            let model = ReviewPage.model(detail, feedbackLink: link, now: Date(), errors: errors, words)
            return renderer.page("review", title: words.text("review_title", ["release": "\(detail.release.key) \(detail.release.fields.title)"]), model: model,
                                 request: request, status: status)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
