import ArgumentParser
import BasculeAPI
import Foundation
import OpenAPIRuntime

struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "review", abstract: "The post-implementation review of a release.",
                                                    subcommands: [Show.self, Publish.self, Link.self])

    static func print(_ review: Components.Schemas.ReviewDetail) {
        let iso = ISO8601DateFormatter()
        func span(_ timing: Components.Schemas.ReviewTiming?) -> String {
            guard let timing else { return "-" }
            return "\(timing.start.map(iso.string) ?? "-") → \(timing.end.map(iso.string) ?? "-")\(timing.durationSeconds.map { " (\(Int($0 / 60)) min)" } ?? "")"
        }
        Swift.print("\(review.release)  \(review.title)  \(review.outcome.rawValue)  review \(review.status.rawValue)\(review.closure.map { ", \($0.rawValue)" } ?? "")")
        Swift.print("planned \(span(review.facts.planned))")
        Swift.print("actual  \(span(review.facts.live))")
        if let planned = review.facts.plannedDowntimeSeconds, let actual = review.facts.actualDowntimeSeconds {
            Swift.print("downtime \(Int(actual / 60)) min (planned \(Int(planned / 60)) min)")
        }
        for deviation in review.facts.deviations {
            Swift.print("deviation \(deviation.step) \(deviation.title): \(Int(deviation.actualSeconds / 60)) min for \(Int(deviation.plannedSeconds / 60)) planned")
        }
        for rollback in review.facts.rollbacks { Swift.print("undone: \(rollback)") }
        for incident in review.facts.incidents { Swift.print("incident \(incident.reference) S\(incident.severity) \(incident.title)\(incident.confirmed ? " (confirmed)" : "")") }
        for objective in review.objectives {
            Swift.print("objective [\(objective.assessment?.rawValue ?? "not assessed")] \(objective.statement)")
        }
        if !review.feedback.isEmpty {
            let average = Double(review.feedback.map(\.rating).reduce(0, +)) / Double(review.feedback.count)
            Swift.print(String(format: "feedback: %.1f/5 from %d", average, review.feedback.count))
        }
        for action in review.actions { Swift.print("action \(action.key) \(action.status.rawValue)\(action.overdue ? " OVERDUE" : "") \(action.owner) — \(action.title)") }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A release's review: its facts from the records, objectives, feedback and actions.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "REL-12") var release: String

        func run() async throws {
            let client = try remote.client()
            switch try await remote.call({ try await client.getReview(path: .init(key: release)) }) {
            case .ok(let ok):
                let review = try ok.body.json
                if remote.json { return try remote.printJSON(review) }
                ReviewCommand.print(review)
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a review (every objective assessed, a closure code): it is locked from then on.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "REL-12") var release: String

        func run() async throws {
            let client = try remote.client()
            switch try await remote.call({ try await client.publishReview(path: .init(key: release)) }) {
            case .ok(let ok):
                let review = try ok.body.json
                if remote.json { return try remote.printJSON(review) }
                ReviewCommand.print(review)
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem), .conflict(let problem),
                 .preconditionFailed(let problem), .unprocessableContent(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A link for end users to rate the release without an account (shown once).")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "REL-12") var release: String

        func run() async throws {
            let client = try remote.client()
            switch try await remote.call({ try await client.createFeedbackLink(path: .init(key: release)) }) {
            case .created(let created):
                let link = try created.body.json
                if remote.json { return try remote.printJSON(link) }
                Swift.print("feedback link (shown only now): \(remote.serverURL)\(link.path)")
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem), .conflict(let problem):
                throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}
