import ArgumentParser
import BasculeAPI
import Foundation

extension ReleaseCommand {
    /// `bascule release check REL-3 --to approved`: the gate's verdicts, rule by rule.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a release against the release policy for one gate; exits 1 when a rule fails.")

        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key, for example REL-42.") var key: String
        @Option(help: "The status the release would enter (default approved).") var to: String = "approved"
        @Option(help: "Language of the explanations: en or fr.") var language: String = "en"

        func run() async throws {
            guard let target = Components.Schemas.ReleaseStatus(rawValue: to) else {
                throw CLIError.invalidOption("unknown status \(to); one of: " + Components.Schemas.ReleaseStatus.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard ["en", "fr"].contains(language) else { throw CLIError.invalidOption("--language must be en or fr") }
            let client = try remote.client()
            let output = try await remote.call { try await client.checkReleasePolicy(path: .init(key: key), query: .init(to: target)) }
            switch output {
            case .ok(let ok):
                let check = try ok.body.json
                if remote.json { try remote.printJSON(check) } else {
                    print("\(check.release) → \(check.target.rawValue), policy version \(check.policyVersion): \(check.passed ? "passes" : "FAILS")")
                    for outcome in check.outcomes {
                        let mark = ["pass": "✓", "fail": "✗", "notApplicable": "·", "waived": "~"][outcome.verdict.rawValue] ?? "?"
                        print("\(mark) \(outcome.rule.padding(toLength: 20, withPad: " ", startingAt: 0)) \(language == "fr" ? outcome.explanation.fr : outcome.explanation.en)")
                    }
                    for override in check.overrides {
                        print("overridden by \(override.actor) to reach \(override.target.rawValue) (\(override.rules.joined(separator: ", "))): \(override.reason)")
                    }
                }
                if !check.passed { throw ExitCode(1) }
            case .badRequest(let problem), .notFound(let problem): throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}
