import ArgumentParser
import BasculeAPI
import Foundation
import OpenAPIRuntime

struct InventoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory", abstract: "Configuration items: import, export, impact.", subcommands: [Import.self, Export.self, Impact.self])

    /// `bascule inventory import cmdb.csv --partial`
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upsert items by key from a CSV or YAML file; a file with any refused row imports nothing unless --partial.")

        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The file: .csv, or .yaml/.yml.") var file: String
        @Flag(help: "Import the valid rows even if some are refused.") var partial = false
        @Flag(help: "Report what would happen without writing anything.") var dryRun = false

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError.invalidOption("cannot read \(file)") }
            let lower = file.lowercased()
            let body: Operations.ImportInventory.Input.Body = lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") ? .yaml(HTTPBody(data)) : .csv(HTTPBody(data))
            let client = try remote.client()
            let output = try await remote.call { try await client.importInventory(query: .init(partial: partial, dryRun: dryRun), body: body) }
            switch output {
            case .ok(let ok):
                let report = try ok.body.json
                if remote.json { return try remote.printJSON(report) }
                let verb = report.dryRun ? "would create" : "created"
                print("\(file): \(verb) \(report.created.count), \(report.dryRun ? "would update" : "updated") \(report.updated.count), unchanged \(report.unchanged.count), rejected \(report.rejected.count)")
                for rejection in report.rejected { print("  line \(rejection.line) \(rejection.key): \(rejection.errors.joined(separator: "; "))") }
            case .badRequest(let problem), .unprocessableContent(let problem): throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    /// `bascule inventory export --format yaml > cmdb.yaml`
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every item as CSV or YAML, in the form import reads.")

        @OptionGroup var remote: RemoteOptions
        @Option(help: "csv or yaml.") var format = "csv"

        func run() async throws {
            guard let chosen = Operations.ExportInventory.Input.Query.FormatPayload(rawValue: format) else {
                throw CLIError.invalidOption("--format must be csv or yaml")
            }
            let client = try remote.client()
            let output = try await remote.call { try await client.exportInventory(query: .init(format: chosen)) }
            switch output {
            case .ok(let ok):
                let body: HTTPBody
                switch ok.body {
                case .csv(let content): body = content
                case .yaml(let content): body = content
                }
                FileHandle.standardOutput.write(try await Data(collecting: body, upTo: 256 * 1024 * 1024))
            case .badRequest(let problem): throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    /// `bascule inventory impact payroll-db`
    struct Impact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every item that depends on one, directly or not, with its depth and path.")

        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The item's key.") var key: String
        @Option(help: "Stop at this depth.") var maxDepth: Int?

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.getItemImpact(path: .init(ci: key), query: .init(maxDepth: maxDepth)) }
            switch output {
            case .ok(let ok):
                let impact = try ok.body.json
                if remote.json { return try remote.printJSON(impact) }
                print("\(impact.item.key) (\(impact.item.name)): \(impact.impacted.count) item(s) depend on it")
                let rows = impact.impacted.map { [String($0.depth), $0.key, $0._type.rawValue, String($0.criticality), $0.path.joined(separator: " → ")] }
                print(TextTable.render(["DEPTH", "ITEM", "TYPE", "CRIT", "PATH"], rows))
            case .badRequest(let problem), .notFound(let problem): throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}
