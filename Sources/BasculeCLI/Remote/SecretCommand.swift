import ArgumentParser
import BasculeAPI
import Foundation

/// `bascule secret set|list|delete`: the secrets automated steps use as `{{secret.NAME}}`.
struct SecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "secret", abstract: "Set, list and delete the secrets automated steps use (admins).",
                                                    subcommands: [Set.self, List.self, Delete.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a secret; its value is read from standard input, never from the command line.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The secret's name, as steps write it in {{secret.NAME}}.") var name: String

        func run() async throws {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            var value = String(decoding: input, as: UTF8.self)
            if value.hasSuffix("\n") { value.removeLast() }
            if value.hasSuffix("\r") { value.removeLast() }
            guard !value.isEmpty else { throw CLIError.invalidOption("give the value on standard input: printf %s \"$VALUE\" | bascule secret set \(name)") }
            let client = try remote.client()
            let output = try await remote.call { try await client.setSecret(path: .init(name: name), body: .json(.init(value: value))) }
            switch output {
            case .created: print("secret \(name) created")
            case .ok: print("secret \(name) replaced")
            case .badRequest(let problem), .unprocessableContent(let problem), .serviceUnavailable(let problem): throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The secrets' names, who made them and when they changed (never their values).")
        @OptionGroup var remote: RemoteOptions

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.listSecrets() }
            switch output {
            case .ok(let ok):
                let items = try ok.body.json.items
                if remote.json { return try remote.printJSON(items) }
                let iso = ISO8601DateFormatter()
                print(TextTable.render(["SECRET", "CREATED BY", "UPDATED"], items.map { [$0.name, $0.createdBy, iso.string(from: $0.updatedAt)] }))
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a secret: steps that use it fail when they start.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The secret's name.") var name: String

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.deleteSecret(path: .init(name: name)) }
            switch output {
            case .noContent: print("secret \(name) deleted")
            case .badRequest(let problem), .notFound(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}
