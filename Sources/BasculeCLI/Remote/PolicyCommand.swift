import ArgumentParser
import BasculeAPI
import BasculeCore
import Foundation
import OpenAPIRuntime

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Check, show and publish the release policy.",
        subcommands: [Check.self, Show.self, Push.self])

    /// Works offline: the same parser as the server's.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a policy document (YAML) without a server; each error names its line.")

        @Argument(help: "The policy file.") var file: String

        func run() throws {
            let text = try PolicyFile.read(file)
            do {
                let policy = try PolicyDocument.parse(text)
                let kinds = Dictionary(grouping: policy.rules, by: \.kind).map { "\($0.value.count) \($0.key)" }.sorted().joined(separator: ", ")
                print("\(file): valid, \(policy.rules.count) rule(s)\(kinds.isEmpty ? "" : " (\(kinds))"), time zone \(policy.clock.timeZone.identifier)")
            } catch {
                guard case .invalid(let errors) = error else { throw CLIError.invalidOption("\(file): \(error)") }
                for found in errors { FileHandle.standardError.write(Data("\(file):\(found.line.map(String.init) ?? "-"): \(found.field): \(found.message)\n".utf8)) }
                throw ExitCode(1)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the policy in force (its YAML document).")

        @OptionGroup var remote: RemoteOptions
        @Option(help: "An older version.") var version: Int?

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.getPolicy(query: .init(version: version)) }
            switch output {
            case .ok(let ok):
                let policy = try ok.body.json
                if remote.json { return try remote.printJSON(policy) }
                print("# version \(policy.version) by \(policy.author), \(policy.rules.count) rule(s), time zone \(policy.timeZone)")
                print(policy.document, terminator: policy.document.hasSuffix("\n") ? "" : "\n")
            case .badRequest(let problem), .notFound(let problem): throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a policy document as the next version (validated whole by the server).")

        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The policy file.") var file: String
        @Option(name: .customLong("if-version"), help: "Refuse if the version in force is not this one.") var version: Int?

        func run() async throws {
            let text = try PolicyFile.read(file)
            let client = try remote.client()
            let output = try await remote.call {
                try await client.replacePolicy(headers: .init(ifMatch: version.map { "\"\($0)\"" }), body: .yaml(HTTPBody(text)))
            }
            switch output {
            case .ok(let ok):
                let policy = try ok.body.json
                if remote.json { return try remote.printJSON(policy) }
                print("policy version \(policy.version) in force: \(policy.rules.count) rule(s)")
            case .badRequest(let problem), .preconditionFailed(let problem), .unprocessableContent(let problem):
                throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}

enum PolicyFile {
    static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError.invalidOption("cannot read \(path)") }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError.invalidOption("\(path) is not UTF-8 text") }
        return text
    }
}
