import ArgumentParser
import BasculeAPI
import Foundation

struct ReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release", abstract: "Work with releases on a Bascule server.",
        subcommands: [List.self, Show.self, Create.self, Transition.self, Check.self, Conflicts.self, Slots.self, Commits.self, Sort.self, Notes.self,
                      Depend.self, Promote.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List releases by planned start.")

        @OptionGroup var remote: RemoteOptions
        @Option(help: "Keep these statuses (repeat, or separate with commas); without it, all but closed and cancelled.") var status: [String] = []
        @Option(help: "Keep releases targeting this environment.") var environment: String?
        @Option(name: .customLong("search"), help: "Text in the key, title, version or owner.") var text: String?
        @Option(help: "Page size, 1 to 200.") var limit: Int?
        @Option(help: "The cursor printed after the previous page.") var cursor: String?
        @Option(name: .long, help: "Time zone of the printed windows (or BASCULE_TIMEZONE; default Europe/Paris).") var timeZone: String?

        func run() async throws {
            let zone = try DateArgument.timeZone(timeZone)
            let statuses = try status.flatMap { $0.split(separator: ",") }.map { name in
                guard let value = Components.Schemas.ReleaseStatus(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    throw CLIError.invalidOption("unknown status \(name); one of: " + Components.Schemas.ReleaseStatus.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return value
            }
            let client = try remote.client()
            let output = try await remote.call {
                try await client.listReleases(query: .init(
                    // As the releases page: what is still to be dealt with, unless statuses are named.
                    status: statuses.isEmpty ? Components.Schemas.ReleaseStatus.allCases.filter { $0 != .closed && $0 != .cancelled } : statuses,
                    environment: environment, q: text, limit: limit, cursor: cursor))
            }
            switch output {
            case .ok(let ok):
                let page = try ok.body.json
                if remote.json { return try remote.printJSON(page) }
                print(TextTable.render(
                    ["KEY", "STATUS", "TYPE", "VERSION", "START", "END", "ENVIRONMENT", "TITLE"],
                    page.items.map { release in
                        [release.key, release.status.rawValue, release._type.rawValue, release.version,
                         release.plannedStart.map { DateArgument.display($0, zone) } ?? "-",
                         release.plannedEnd.map { DateArgument.display($0, zone) } ?? "-",
                         release.environment ?? "-", release.title]
                    }))
                if let next = page.nextCursor { print("more: --cursor \(next)") }
            case .badRequest(let problem): throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one release.")

        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key, for example REL-42.") var key: String
        @Option(name: .long, help: "Time zone of the printed times.") var timeZone: String?

        func run() async throws {
            let zone = try DateArgument.timeZone(timeZone)
            let client = try remote.client()
            let output = try await remote.call { try await client.getRelease(path: .init(key: key)) }
            switch output {
            case .ok(let ok):
                let release = try ok.body.json
                if remote.json { return try remote.printJSON(release) }
                ReleaseCommand.describe(release, zone)
            case .badRequest(let problem), .notFound(let problem): throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a release in draft.")

        @OptionGroup var remote: RemoteOptions
        @Option(help: "Title, at most 200 characters.") var title: String
        @Option(name: .customLong("release-version"), help: "The version delivered, for example 4.2.0.") var version: String
        @Option(help: "major, minor, patch or emergency.") var type: String = "minor"
        @Option(help: "Planned start: 2027-03-05T22:00 (local) or RFC 3339.") var start: String?
        @Option(help: "Planned end, after the start.") var end: String?
        @Option(help: "Target environment's name.") var environment: String?
        @Option(help: "Who owns the release.") var owner: String?
        @Option(help: "Description, in Markdown.") var description: String?
        @Option(name: .customLong("tag"), help: "A tag of what the release touches, as the policy names it (repeat for several).") var tags: [String] = []
        @Option(name: .long, help: "Time zone of --start and --end when they have no offset.") var timeZone: String?

        func run() async throws {
            let zone = try DateArgument.timeZone(timeZone)
            guard let kind = Components.Schemas.ReleaseType(rawValue: type) else {
                throw CLIError.invalidOption("--type must be one of: major, minor, patch, emergency")
            }
            let body = Components.Schemas.ReleaseCreate(
                title: title, version: version, _type: kind,
                plannedStart: try start.map { try DateArgument.parse($0, timeZone: zone, option: "--start") },
                plannedEnd: try end.map { try DateArgument.parse($0, timeZone: zone, option: "--end") },
                environment: environment, owner: owner, description: description,
                tags: tags.isEmpty ? nil : tags)
            let client = try remote.client()
            let output = try await remote.call { try await client.createRelease(body: .json(body)) }
            switch output {
            case .created(let created):
                let release = try created.body.json
                if remote.json { return try remote.printJSON(release) }
                print("created \(release.key) (\(release.status.rawValue))")
            case .badRequest(let problem), .notFound(let problem), .unprocessableContent(let problem):
                throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Transition: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a release along its lifecycle.")

        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key, for example REL-42.") var key: String
        @Argument(help: "The status to move to: planned, approved, ready, inProgress, deployed, closed, rolledBack, failed, cancelled, draft.")
        var to: String
        @Option(name: .customLong("if-match"), help: "Refuse the move if the release changed since this revision.") var revision: Int?
        @Option(help: "Pass a failing policy check, giving this reason (needs one of the policy's override roles).") var override: String?

        func run() async throws {
            guard let target = Components.Schemas.ReleaseStatus(rawValue: to) else {
                throw CLIError.invalidOption("unknown status \(to); one of: " + Components.Schemas.ReleaseStatus.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let client = try remote.client()
            let output = try await remote.call {
                try await client.transitionRelease(
                    path: .init(key: key), headers: .init(ifMatch: revision.map { "\"\($0)\"" }), body: .json(.init(to: target, override: override)))
            }
            switch output {
            case .ok(let ok):
                let release = try ok.body.json
                if remote.json { return try remote.printJSON(release) }
                print("\(release.key) is now \(release.status.rawValue)")
            case .badRequest(let problem), .notFound(let problem), .conflict(let problem), .preconditionFailed(let problem),
                 .unprocessableContent(let problem):
                throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    static func describe(_ release: Components.Schemas.Release, _ zone: TimeZone) {
        let window = zip(release.plannedStart, release.plannedEnd).map { "\(DateArgument.display($0, zone)) → \(DateArgument.display($1, zone)) (\(zone.identifier))" }
        let lines: [(String, String)] = [
            ("Key", release.key), ("Title", release.title), ("Version", release.version), ("Type", release._type.rawValue),
            ("Status", release.status.rawValue), ("Window", window ?? "not planned"), ("Environment", release.environment ?? "-"),
            ("Owner", release.owner ?? "-"), ("Tags", release.tags.isEmpty ? "-" : release.tags.joined(separator: ", ")),
            ("Revision", String(release.revision)),
            ("Next", release.allowedTransitions.map(\.rawValue).joined(separator: ", ")),
        ]
        for (label, value) in lines { print(label.padding(toLength: 12, withPad: " ", startingAt: 0) + value) }
        if !release.description.isEmpty { print("\n" + release.description) }
    }
}

private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
