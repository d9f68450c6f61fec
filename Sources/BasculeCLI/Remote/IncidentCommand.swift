import ArgumentParser
import BasculeAPI
import Foundation
import OpenAPIRuntime

/// `bascule incident add|list|show|import|resolve|confirm|reject|source`: incidents after
/// releases and the releases that may have caused them.
struct IncidentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "incident", abstract: "Incidents after releases and their attribution.",
                                                    subcommands: [Add.self, List.self, Show.self, Import.self, Resolve.self, Confirm.self, Reject.self, Source.self])

    static func refused(_ problem: Components.Responses.Problem) -> CLIError { CLIError.refusal(problem) }

    static func print(_ detail: Components.Schemas.IncidentDetail) {
        let incident = detail.incident
        let iso = ISO8601DateFormatter()
        Swift.print("\(incident.reference)  S\(incident.severity)  \(incident.title)")
        Swift.print("opened \(iso.string(from: incident.openedAt))\(incident.resolvedAt.map { ", resolved \(iso.string(from: $0))" } ?? ", open")  items: \(incident.items.joined(separator: ", "))")
        if detail.attributions.isEmpty { Swift.print("no candidate release: nothing deployed in the window touched what it affects"); return }
        Swift.print(TextTable.render(["RELEASE", "STATE", "CONFIDENCE", "SINCE DEPLOYMENT", "PATH"], detail.attributions.map {
            [$0.release, $0.state.rawValue, "\(Int(($0.confidence * 100).rounded())) %", "\(Int($0.sinceDeploymentSeconds / 3600)) h", $0.path.joined(separator: " → ")]
        }))
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record an incident; prints the releases that may have caused it.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The ITSM's reference, such as INC0012345.") var reference: String
        @Argument(help: "What went wrong.") var title: String
        @Option(help: "1 (the worst) to 4.") var severity: Int
        @Option(help: "When it opened (RFC 3339, or now).") var opened: String = "now"
        @Option(help: "When it was resolved (RFC 3339, or now).") var resolved: String?
        @Option(name: .customLong("item"), help: "An affected configuration item (repeat it).") var items: [String] = []
        @Option(help: "A link to the incident in its tool.") var link: String?

        func run() async throws {
            let openedAt = try DateArgument.parse(opened, option: "--opened")
            let resolvedAt = try resolved.map { try DateArgument.parse($0, option: "--resolved") }
            let client = try remote.client()
            let body = Components.Schemas.IncidentInput(reference: reference, title: title, severity: severity, openedAt: openedAt, resolvedAt: resolvedAt,
                                                        items: items, link: link)
            switch try await remote.call({ try await client.recordIncident(body: .json(body)) }) {
            case .created(let created):
                let detail = try created.body.json
                if remote.json { return try remote.printJSON(detail) }
                IncidentCommand.print(detail)
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .conflict(let problem), .unprocessableContent(let problem):
                throw IncidentCommand.refused(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Incidents, newest first.")
        @OptionGroup var remote: RemoteOptions
        @Flag(help: "Unresolved ones only.") var open = false
        @Option(help: "Attributed to this release (not rejected).") var release: String?
        @Option(help: "Affecting this configuration item.") var item: String?
        @Option(help: "How many (1 to 500).") var limit: Int = 50

        func run() async throws {
            let client = try remote.client()
            switch try await remote.call({ try await client.listIncidents(query: .init(open: open ? true : nil, item: item, release: release, limit: limit)) }) {
            case .ok(let ok):
                let page = try ok.body.json
                if remote.json { return try remote.printJSON(page) }
                let iso = ISO8601DateFormatter()
                Swift.print(TextTable.render(["REFERENCE", "SEV", "OPENED", "RESOLVED", "ITEMS", "TITLE"], page.items.map {
                    [$0.reference, "S\($0.severity)", iso.string(from: $0.openedAt), $0.resolvedAt.map(iso.string) ?? "open", $0.items.joined(separator: ","), $0.title]
                }))
                Swift.print("\(page.items.count) of \(page.total)")
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem): throw IncidentCommand.refused(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One incident and its candidate releases with the evidence.")
        @OptionGroup var remote: RemoteOptions
        @Argument var reference: String

        func run() async throws {
            let client = try remote.client()
            switch try await remote.call({ try await client.getIncident(path: .init(reference: reference)) }) {
            case .ok(let ok):
                let detail = try ok.body.json
                if remote.json { return try remote.printJSON(detail) }
                IncidentCommand.print(detail)
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem): throw IncidentCommand.refused(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import incidents from a CSV file: nothing unless every row is good, or --partial.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The CSV file (reference, title, severity, opened, resolved, items, link).") var file: String
        @Flag(help: "Import the good rows and list the refused ones.") var partial = false

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError.invalidOption("cannot read \(file)") }
            let client = try remote.client()
            switch try await remote.call({ try await client.importIncidents(query: .init(partial: partial), body: .csv(HTTPBody(data))) }) {
            case .ok(let ok):
                let result = try ok.body.json
                if remote.json { return try remote.printJSON(result) }
                Swift.print("\(result.imported.count) imported")
                for refused in result.refused { Swift.print("refused line \(refused.line ?? 0): \(refused.message)") }
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .unprocessableContent(let problem): throw IncidentCommand.refused(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark an incident resolved (now, or --at).")
        @OptionGroup var remote: RemoteOptions
        @Argument var reference: String
        @Option(help: "When it was resolved (RFC 3339, or now).") var at: String = "now"

        func run() async throws {
            let resolvedAt = try DateArgument.parse(at, option: "--at")
            let client = try remote.client()
            let current: Components.Schemas.IncidentView
            switch try await remote.call({ try await client.getIncident(path: .init(reference: reference)) }) {
            case .ok(let ok): current = try ok.body.json.incident
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem): throw IncidentCommand.refused(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
            let body = Components.Schemas.IncidentChanges(title: current.title, severity: current.severity, openedAt: current.openedAt, resolvedAt: resolvedAt,
                                                          items: current.items, link: current.link)
            switch try await remote.call({ try await client.updateIncident(path: .init(reference: reference), body: .json(body)) }) {
            case .ok(let ok):
                let detail = try ok.body.json
                if remote.json { return try remote.printJSON(detail) }
                IncidentCommand.print(detail)
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem), .unprocessableContent(let problem):
                throw IncidentCommand.refused(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    static func decide(_ remote: RemoteOptions, _ reference: String, _ release: String, _ decision: Components.Schemas.AttributionDecision.DecisionPayload) async throws {
        let client = try remote.client()
        switch try await remote.call({ try await client.decideAttribution(path: .init(reference: reference, key: release), body: .json(.init(decision: decision))) }) {
        case .ok(let ok):
            let detail = try ok.body.json
            if remote.json { return try remote.printJSON(detail) }
            IncidentCommand.print(detail)
        case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem), .conflict(let problem):
            throw IncidentCommand.refused(problem)
        case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Confirm that a release caused the incident.")
        @OptionGroup var remote: RemoteOptions
        @Argument var reference: String
        @Argument var release: String

        func run() async throws { try await IncidentCommand.decide(remote, reference, release, .confirmed) }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a candidate release: it did not cause the incident.")
        @OptionGroup var remote: RemoteOptions
        @Argument var reference: String
        @Argument var release: String

        func run() async throws { try await IncidentCommand.decide(remote, reference, release, .rejected) }
    }

    struct Source: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The tools allowed to send incidents (admins).", subcommands: [SourceAdd.self, SourceList.self, SourceRemove.self])
    }

    struct SourceAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Allow a tool to send incidents; prints its token, shown only now.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "A name: letters, digits, dashes.") var name: String

        func run() async throws {
            let client = try remote.client()
            switch try await remote.call({ try await client.addIncidentSource(body: .json(.init(name: name))) }) {
            case .created(let created):
                let made = try created.body.json
                if remote.json { return try remote.printJSON(made) }
                Swift.print("incident source \(made.name) added; its token (shown only now): \(made.token)")
                Swift.print("it sends: POST \(remote.serverURL)/api/v1/inbound/incidents with Authorization: Bearer <token>")
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .conflict(let problem), .unprocessableContent(let problem):
                throw IncidentCommand.refused(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct SourceList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The incident sources and when each last sent.")
        @OptionGroup var remote: RemoteOptions

        func run() async throws {
            let client = try remote.client()
            switch try await remote.call({ try await client.listIncidentSources() }) {
            case .ok(let ok):
                let sources = try ok.body.json
                if remote.json { return try remote.printJSON(sources) }
                let iso = ISO8601DateFormatter()
                Swift.print(TextTable.render(["NAME", "ADDED BY", "ADDED", "LAST USED"], sources.map {
                    [$0.name, $0.createdBy, iso.string(from: $0.createdAt), $0.lastUsedAt.map(iso.string) ?? "never"]
                }))
            case .unauthorized(let problem), .forbidden(let problem): throw IncidentCommand.refused(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct SourceRemove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Stop a tool from sending incidents.")
        @OptionGroup var remote: RemoteOptions
        @Argument var name: String

        func run() async throws {
            let client = try remote.client()
            switch try await remote.call({ try await client.removeIncidentSource(path: .init(name: name)) }) {
            case .noContent: Swift.print("incident source \(name) removed")
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem), .notFound(let problem): throw IncidentCommand.refused(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}
