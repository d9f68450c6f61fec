import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Post-implementation reviews through the API and the feedback link.
@Suite("Post-implementation reviews")
struct ReviewsAPITests {
    static let assessed = #"""
        {"objectives":[{"statement":"Invoices on time","successCriterion":"All sent by 06:00","assessment":"met","evidence":"Batch report"}],
         "lessons":"- Rehearse on production volumes.","documentation":[{"title":"User manual","done":true}],"closure":"successfulWithIssues"}
        """#

    @Test("a live run that ends opens the release's review, filled with the live run's times and its steps against their plan", arguments: TestEngine.available)
    func openedByTheCutover(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await AfterReleaseAPITests.deployedRelease(client, services)
            // when
            let review = try await client.send(.get, "/api/v1/releases/REL-1/review")
            // then
            #expect(review.status == .ok, "\(review.text)")
            let body = try review.json()
            #expect(body["status"] as? String == "draft")
            #expect(body["outcome"] as? String == "deployed")
            let facts = try #require(body["facts"] as? [String: Any])
            #expect((facts["live"] as? [String: Any])?["start"] != nil)
            #expect((facts["planned"] as? [String: Any])?["durationSeconds"] as? Double == 10_800)
            #expect(try await client.send(.get, "/api/v1/releases/REL-2/review").status == .notFound)
        }
    }

    @Test("publishing needs every objective assessed and a closure code; published, the review is 409 to edit and its feedback link 410", arguments: TestEngine.available)
    func publishingLocks(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await AfterReleaseAPITests.deployedRelease(client, services)
            try await client.send(.put, "/api/v1/releases/REL-1/review", json: #"{"objectives":[{"statement":"Invoices on time"}],"lessons":"","documentation":[]}"#)
            let early = try await client.send(.post, "/api/v1/releases/REL-1/review/publish")
            let link = try await client.send(.post, "/api/v1/releases/REL-1/review/feedback-link").json()["path"] as? String ?? ""
            // when
            try await client.send(.put, "/api/v1/releases/REL-1/review", json: Self.assessed)
            let published = try await client.send(.post, "/api/v1/releases/REL-1/review/publish")
            let edit = try await client.send(.put, "/api/v1/releases/REL-1/review", json: Self.assessed)
            let late = try await client.raw.send(.get, link)
            // then
            #expect(early.status == .unprocessableContent)
            #expect(Set(try early.problemFields()) == ["objectives[0].assessment", "closure"])
            #expect(published.status == .ok, "\(published.text)")
            #expect(try published.json()["status"] as? String == "published")
            #expect(edit.status == .conflict)
            #expect(late.status == .gone)
        }
    }

    @Test("an end user rates the release through the link without an account; a wrong link is 404 and stores nothing", arguments: TestEngine.available)
    func feedbackThroughTheLink(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await AfterReleaseAPITests.deployedRelease(client, services)
            let link = try await client.send(.post, "/api/v1/releases/REL-1/review/feedback-link").json()["path"] as? String ?? ""
            // when
            let form = try await client.raw.send(.get, link)
            let sent = try await client.raw.form(link, ["name": "Accounts", "rating": "2", "comment": "Late invoices"])
            let wrong = try await client.raw.form("/feedback/fbk_not-the-link", ["rating": "5"])
            let review = try await client.send(.get, "/api/v1/releases/REL-1/review").json()
            // then
            #expect(form.status == .ok)
            #expect(sent.status == .ok, "\(sent.text)")
            #expect(wrong.status == .notFound)
            let feedback = try #require(review["feedback"] as? [[String: Any]])
            #expect(feedback.count == 1)
            #expect(feedback.first?["rating"] as? Int == 2)
            #expect(feedback.first?["author"] == nil)
        }
    }

    @Test("the lessons and open actions of a published review show on the next release of the same application", arguments: TestEngine.available)
    func learningCarriedForward(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given: REL-1 (tag billing) reviewed and published with an action
            try await AfterReleaseAPITests.deployedRelease(client, services)
            try await client.send(.put, "/api/v1/releases/REL-1/review", json: Self.assessed)
            let action = try await client.send(.post, "/api/v1/actions", json: #"{"title":"Load test the batch","owner":"admin","dueAt":"2030-01-01T00:00:00Z","review":"REL-1"}"#)
            try await client.send(.post, "/api/v1/releases/REL-1/review/publish")
            try await client.send(.post, "/api/v1/releases", json: #"{"title":"Billing 4.3","version":"4.3.0","type":"minor","tags":["billing"]}"#)
            try await client.send(.post, "/api/v1/releases", json: #"{"title":"HR 2.0","version":"2.0.0","type":"minor","tags":["hr"]}"#)
            // when
            let billing = try await client.send(.get, "/api/v1/releases/REL-2/recommendations").json()
            let other = try await client.send(.get, "/api/v1/releases/REL-3/recommendations").json()
            // then
            #expect(action.status == .created, "\(action.text)")
            #expect((billing["lessons"] as? [[String: Any]])?.first?["release"] as? String == "REL-1")
            #expect((billing["actions"] as? [[String: Any]])?.first?["title"] as? String == "Load test the batch")
            #expect((other["lessons"] as? [Any])?.isEmpty == true)
        }
    }

    static let reviewPolicy = """
        timeZone: Europe/Paris
        rules:
          - id: reviewed
            kind: publishedReview
          - id: lessons-first
            kind: reviewActions
        """

    @Test("with the review rules, a release closes only once its review is published", arguments: TestEngine.available)
    func closingNeedsPublishedReview(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await AfterReleaseAPITests.deployedRelease(client, services)
            try await client.send(.put, "/api/v1/policy", json: Self.reviewPolicy, headers: [.contentType: "application/yaml"])
            // when
            let early = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"closed"}"#)
            try await client.send(.put, "/api/v1/releases/REL-1/review", json: Self.assessed)
            try await client.send(.post, "/api/v1/releases/REL-1/review/publish")
            let closed = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"closed"}"#)
            // then
            #expect(early.status == .unprocessableContent)
            #expect(try early.problemFields() == ["policy.reviewed"])
            #expect(closed.status == .ok, "\(closed.text)")
        }
    }

    @Test("with the review rules, the next release of the application is not approved while an action of the last review is overdue", arguments: TestEngine.available)
    func overdueReviewActionHoldsApproval(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given: REL-1 (tag billing) with an overdue action from its review; REL-2 of the same application
            try await AfterReleaseAPITests.deployedRelease(client, services)
            try await client.send(.post, "/api/v1/actions", json: #"{"title":"Load test the batch","owner":"admin","dueAt":"2020-01-01T00:00:00Z","review":"REL-1"}"#)
            try await client.send(.put, "/api/v1/policy", json: Self.reviewPolicy, headers: [.contentType: "application/yaml"])
            try await client.send(.post, "/api/v1/releases", json: #"{"title":"Billing 4.3","version":"4.3.0","type":"minor","tags":["billing"],"plannedStart":"2027-03-10T20:00:00Z","plannedEnd":"2027-03-10T22:00:00Z","environment":"production"}"#)
            let planned = try await client.send(.post, "/api/v1/releases/REL-2/transitions", json: #"{"to":"planned"}"#)
            try #require(planned.status == .ok, "\(planned.text)")
            // when
            let held = try await client.send(.post, "/api/v1/releases/REL-2/transitions", json: #"{"to":"approved"}"#)
            try await client.send(.patch, "/api/v1/actions/ACT-1", json: #"{"status":"done"}"#)
            let approved = try await client.send(.post, "/api/v1/releases/REL-2/transitions", json: #"{"to":"approved"}"#)
            // then
            #expect(held.status == .unprocessableContent, "\(held.text)")
            #expect(held.text.contains("ACT-1"))
            #expect(approved.status == .ok, "\(approved.text)")
        }
    }
}
