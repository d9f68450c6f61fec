import ArgumentParser
import BasculeAPI
import Foundation

extension ReleaseCommand {
    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a release's promotion path (recette, preproduction, production…), or record a deployment on it (--to).")

        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key.") var key: String
        @Option(help: "The environment it was deployed to.") var to: String?
        @Option(help: "deployed (default), failed or rolledBack.") var outcome = "deployed"
        @Option(help: "When: 2027-03-05T22:00 in BASCULE_TIMEZONE, or RFC 3339; default now.") var at: String?
        @Option(help: "The run of the release that deployed it.") var run: String?
        @Option(help: "A note kept with the deployment.") var note: String?

        func run() async throws {
            let client = try remote.client()
            let view: Components.Schemas.Promotion
            if let to {
                guard let outcome = Components.Schemas.PromotionInput.OutcomePayload(rawValue: outcome) else {
                    throw CLIError.invalidOption("--outcome must be one of: deployed, failed, rolledBack")
                }
                let when = try at.map { try DateArgument.parse($0, option: "--at") }
                let body = Components.Schemas.PromotionInput(environment: to, outcome: outcome, at: when, run: run, note: note)
                switch try await remote.call({ try await client.recordPromotion(path: .init(key: key), body: .json(body)) }) {
                case .created(let created): view = try created.body.json
                case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem), .conflict(let problem),
                     .unprocessableContent(let problem): throw CLIError.refusal(problem)
                case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
                }
            } else {
                switch try await remote.call({ try await client.getPromotion(path: .init(key: key)) }) {
                case .ok(let ok): view = try ok.body.json
                case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem): throw CLIError.refusal(problem)
                case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
                }
            }
            if remote.json { return try remote.printJSON(view) }
            guard !view.stops.isEmpty else { return print("\(key) has no promotion path: give it an environment") }
            let zone = try DateArgument.timeZone(nil)
            print(TextTable.render(["ENVIRONMENT", "STANDING", "LATEST DEPLOYMENT", "TESTS SINCE", "MIRRORS"], view.stops.map { stop in
                let latest = stop.deployments.first.map { "\($0.outcome.rawValue) \(DateArgument.display($0.at, zone))" } ?? ""
                let failing = stop.campaigns.reduce(0) { $0 + $1.failed }
                let tests = stop.campaigns.isEmpty ? "" : "\(stop.campaigns.count) (\(failing) failed)"
                let mirrors = stop.mirrors.map { mirror in mirror + (stop.refreshedAt.map { ", refreshed \(DateArgument.display($0, zone))" } ?? "") } ?? ""
                return [stop.environment, stop.standing.rawValue, latest, tests, mirrors]
            }))
            if let blocked = view.blocked, let next = view.next { print("\(next) must wait: \(blocked) (rule \(view.rule ?? ""))") }
        }
    }
}
