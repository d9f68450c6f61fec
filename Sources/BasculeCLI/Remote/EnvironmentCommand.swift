import ArgumentParser
import BasculeAPI

struct EnvironmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "environment", abstract: "Work with environments on a Bascule server.", subcommands: [List.self, Create.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List environments in promotion order.")
        @OptionGroup var remote: RemoteOptions

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.listEnvironments(query: .init(limit: 200)) }
            switch output {
            case .ok(let ok):
                let page = try ok.body.json
                if remote.json { return try remote.printJSON(page) }
                print(TextTable.render(["NAME", "KIND", "ORDER"], page.items.map { [$0.name, $0.kind.rawValue, String($0.order)] }))
            case .badRequest(let problem): throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an environment.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "Name: letters, digits, '.', '-', '_'.") var name: String
        @Option(help: "development, test, preproduction or production.") var kind: String
        @Option(help: "Position on the promotion path (default: after the last).") var order: Int?

        func run() async throws {
            guard let kind = Components.Schemas.EnvironmentKind(rawValue: kind) else {
                throw CLIError.invalidOption("--kind must be one of: development, test, preproduction, production")
            }
            let client = try remote.client()
            let output = try await remote.call { try await client.createEnvironment(body: .json(.init(name: name, kind: kind, order: order))) }
            switch output {
            case .created(let created):
                let environment = try created.body.json
                if remote.json { return try remote.printJSON(environment) }
                print("created environment \(environment.name) (\(environment.kind.rawValue), order \(environment.order))")
            case .badRequest(let problem), .conflict(let problem), .unprocessableContent(let problem):
                throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}
