import ArgumentParser
import BasculeAPI

struct EnvironmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "environment", abstract: "Work with environments on a Bascule server.", subcommands: [List.self, Create.self, Mirror.self, Refresh.self])

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
                let zone = try DateArgument.timeZone(nil)
                print(TextTable.render(["NAME", "KIND", "ORDER", "MIRRORS", "REFRESHED"], page.items.map {
                    [$0.name, $0.kind.rawValue, String($0.order), $0.mirrors ?? "", $0.refreshedAt.map { DateArgument.display($0, zone) } ?? ""]
                }))
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

    struct Mirror: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say which environment this one mirrors (--of), or that it mirrors none (--none).")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The environment.") var name: String
        @Option(help: "The environment it copies, for example production.") var of: String?
        @Flag(help: "It mirrors no environment.") var none = false

        func run() async throws {
            guard (of != nil) != none else { throw CLIError.invalidOption("give either --of ENVIRONMENT or --none") }
            let client = try remote.client()
            switch try await remote.call({ try await client.setEnvironmentMirror(path: .init(name: name), body: .json(.init(mirrors: of ?? ""))) }) {
            case .ok(let ok):
                let environment = try ok.body.json
                if remote.json { return try remote.printJSON(environment) }
                print(environment.mirrors.map { "\(name) mirrors \($0)" } ?? "\(name) mirrors no environment")
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem), .unprocessableContent(let problem):
                throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that an environment was refreshed from the one it mirrors.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The environment.") var name: String
        @Option(help: "When: 2027-03-05T22:00 in BASCULE_TIMEZONE, or RFC 3339; default now.") var at: String?

        func run() async throws {
            let when = try at.map { try DateArgument.parse($0, option: "--at") }
            let client = try remote.client()
            switch try await remote.call({ try await client.refreshEnvironment(path: .init(name: name), body: .json(.init(at: when))) }) {
            case .ok(let ok):
                let environment = try ok.body.json
                if remote.json { return try remote.printJSON(environment) }
                let zone = try DateArgument.timeZone(nil)
                print("\(name) refreshed from \(environment.mirrors ?? "?") at \(environment.refreshedAt.map { DateArgument.display($0, zone) } ?? "?")")
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem), .unprocessableContent(let problem):
                throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}
