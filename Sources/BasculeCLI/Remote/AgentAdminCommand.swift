import ArgumentParser
import BasculeAPI
import Foundation

/// `bascule agent-token create`: a one-time registration token for a new agent.
struct AgentTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agent-token", abstract: "Make registration tokens for agents (admins).", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A one-time token for `bascule agent --token`, shown once.")
        @OptionGroup var remote: RemoteOptions
        @Option(help: "Hours it stays valid (1 to 720).") var hours: Int = 24

        func run() async throws {
            guard (1...720).contains(hours) else { throw CLIError.invalidOption("--hours must be from 1 to 720") }
            let client = try remote.client()
            let output = try await remote.call { try await client.createAgentToken(body: .json(.init(lifetimeHours: hours))) }
            switch output {
            case .created(let created):
                let token = try created.body.json
                if remote.json { return try remote.printJSON(token) }
                print(token.token)
                FileHandle.standardError.write(Data("valid once, until \(ISO8601DateFormatter().string(from: token.expiresAt)); it is not shown again\n".utf8))
            case .badRequest(let problem), .unprocessableContent(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}

/// `bascule agents list|disable|enable|revoke`.
struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agents", abstract: "See and control the registered agents.",
                                                    subcommands: [List.self, Disable.self, Enable.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The agents with their labels, state and last heartbeat.")
        @OptionGroup var remote: RemoteOptions

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.listAgents() }
            switch output {
            case .ok(let ok):
                let page = try ok.body.json
                if remote.json { return try remote.printJSON(page) }
                let iso = ISO8601DateFormatter()
                print(TextTable.render(["AGENT", "STATE", "LABELS", "HOST", "VERSION", "LAST SEEN", "RUNNING"], page.items.map {
                    [$0.name, $0.state.rawValue, $0.labels.additionalProperties.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
                     $0.host, $0.version, $0.lastSeenAt.map(iso.string(from:)) ?? "-", $0.currentAttempt ?? "-"]
                }))
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an agent no more work (what it runs goes on).")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The agent's name.") var name: String
        func run() async throws { try await AgentsCommand.control(name, .disable, remote) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a disabled agent work again.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The agent's name.") var name: String
        func run() async throws { try await AgentsCommand.control(name, .enable, remote) }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End an agent's credential now, on every replica.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The agent's name.") var name: String

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.revokeAgent(path: .init(name: name)) }
            switch output {
            case .ok(let ok): try AgentsCommand.show(try ok.body.json, remote)
            case .badRequest(let problem), .notFound(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    static func control(_ name: String, _ control: Operations.ControlAgent.Input.Path.ControlPayload, _ remote: RemoteOptions) async throws {
        let client = try remote.client()
        let output = try await remote.call { try await client.controlAgent(path: .init(name: name, control: control)) }
        switch output {
        case .ok(let ok): try show(try ok.body.json, remote)
        case .badRequest(let problem), .notFound(let problem), .conflict(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
        case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
        }
    }

    static func show(_ agent: Components.Schemas.AgentView, _ remote: RemoteOptions) throws {
        if remote.json { return try remote.printJSON(agent) }
        print("\(agent.name): \(agent.state.rawValue)")
    }
}
