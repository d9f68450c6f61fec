import ArgumentParser
import BasculeAPI
import Foundation

/// `bascule report daily|weekly|monthly --format md|html|csv|json`: the period report, to a
/// terminal, a file, a mail or a wiki.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "The daily, weekly or monthly report (Markdown, HTML, CSV or JSON).")

    @OptionGroup var remote: RemoteOptions
    @Argument(help: "daily, weekly or monthly.") var period: String
    @Option(help: "md, html, csv or json.") var format: String = "md"
    @Option(help: "A day inside the period (YYYY-MM-DD); the last complete period without it.") var at: String?
    @Option(help: "en or fr.") var lang: String = "en"
    @Option(help: "Only releases deployed to this environment.") var environment: String?
    @Option(help: "Only releases with this application tag.") var tag: String?
    @Option(help: "Only releases whose changes touch this configuration item.") var item: String?
    @Option(help: "Only releases touching items this team owns.") var team: String?
    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?

    func run() async throws {
        guard ["daily", "weekly", "monthly"].contains(period) else { throw CLIError.invalidOption("the period is daily, weekly or monthly, not \(period)") }
        guard ["en", "fr"].contains(lang) else { throw CLIError.invalidOption("--lang is en or fr") }
        var day: Date?
        if let at {
            guard let parsed = try? Date(at + "T12:00:00Z", strategy: .iso8601) else { throw CLIError.invalidOption("--at is a day such as 2026-11-23") }
            day = parsed
        }
        let text: String
        switch format {
        case "html":
            var path = "/reports?period=\(period)&print=1"
            if let at { path += "&at=\(at)" }
            for (name, value) in [("environment", environment), ("tag", tag), ("item", item), ("team", team)] {
                if let value, let encoded = value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) { path += "&\(name)=\(encoded)" }
            }
            text = try await remote.page(path, language: lang)
        case "md", "csv", "json":
            let client = try remote.client()
            let query = Operations.GetReport.Input.Query(at: day, environment: environment, tag: tag, item: item, team: team,
                                                         format: .init(rawValue: format), lang: .init(rawValue: lang))
            switch try await remote.call({ try await client.getReport(path: .init(period: period), query: query) }) {
            case .ok(let ok):
                switch ok.body {
                case .json(let report):
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    encoder.dateEncodingStrategy = .iso8601
                    text = String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
                case .textMarkdown(let body): text = try await String(collecting: body, upTo: 20 * 1024 * 1024)
                case .csv(let body): text = try await String(collecting: body, upTo: 20 * 1024 * 1024)
                }
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        default:
            throw CLIError.invalidOption("--format is md, html, csv or json, not \(format)")
        }
        if let output {
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: output)) } catch { throw CLIError.invalidOption("cannot write \(output): \(error.localizedDescription)") }
            print("\(period) report written to \(output)")
        } else {
            print(text, terminator: "")
        }
    }
}
