import ArgumentParser
import BasculeAPI
import Foundation
import OpenAPIRuntime

struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Record test evidence for a release.", subcommands: [Import.self])

    /// `bascule test import REL-3 report.xml --kind regression`
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import a JUnit XML report as a test campaign; a broken file imports nothing.")

        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key.") var key: String
        @Argument(help: "The JUnit XML report (swift test --xunit-output, pytest --junitxml…).") var file: String
        @Option(help: "functional, regression, performance, security, acceptance or installationProcedure.") var kind: String
        @Option(help: "The environment the tests ran in.") var environment: String?
        @Option(help: "A link to the evidence (CI run, report).") var evidence: String?

        func run() async throws {
            guard let testKind = Components.Schemas.TestKind(rawValue: kind) else {
                throw CLIError.invalidOption("--kind must be one of: " + Components.Schemas.TestKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError.invalidOption("cannot read \(file)") }
            let client = try remote.client()
            let name = URL(fileURLWithPath: file).lastPathComponent
            let output = try await remote.call {
                try await client.importJUnitReport(
                    path: .init(key: key), query: .init(kind: testKind, environment: environment, evidence: evidence, fileName: name),
                    body: .xml(HTTPBody(data)))
            }
            switch output {
            case .created(let created):
                let campaign = try created.body.json
                if remote.json { return try remote.printJSON(campaign) }
                let rate = campaign.passRate.map { String(format: "%.1f %%", $0) } ?? "nothing executed"
                print("\(key.uppercased()): \(campaign.kind.rawValue) campaign recorded: \(campaign.passed) passed, \(campaign.failed) failed, \(campaign.skipped) skipped (\(rate))")
                for name in campaign.failingTests.prefix(20) { print("  ✗ \(name)") }
            case .badRequest(let problem), .notFound(let problem), .unprocessableContent(let problem): throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}
