import ArgumentParser
import BasculeAPI
import Foundation

extension ReleaseCommand {
    /// `bascule release conflicts REL-17`: exits 1 when there is any, for scripts.
    struct Conflicts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Explain what clashes with a release's window; exit 1 if anything does.")

        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key.") var key: String

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.getReleaseConflicts(path: .init(key: key)) }
            switch output {
            case .ok(let ok):
                let list = try ok.body.json
                if remote.json { try remote.printJSON(list) } else if list.items.isEmpty {
                    print("\(list.release): no conflict")
                } else {
                    print("\(list.release): \(list.items.count) conflict(s)")
                    for conflict in list.items { print("  [\(conflict.kind.rawValue)] \(conflict.explanation)") }
                }
                if !list.items.isEmpty { throw ExitCode(1) }
            case .badRequest(let problem), .notFound(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    /// `bascule release slots REL-17 --within 90d --duration 4h`
    struct Slots: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Offer the next windows in which the release passes the policy with no conflict.")

        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key.") var key: String
        @Option(help: "How far ahead to look, such as 90d (at most 366d).") var within = "90d"
        @Option(help: "How long the cutover lasts, such as 4h; defaults to the planned window's.") var duration: String?
        @Option(help: "How many windows, 1 to 20.") var limit = 5

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call {
                try await client.getReleaseSlots(path: .init(key: key), query: .init(within: within, duration: duration, limit: limit))
            }
            switch output {
            case .ok(let ok):
                let list = try ok.body.json
                if remote.json { return try remote.printJSON(list) }
                if list.items.isEmpty { print("\(list.release): no free window of \(list.durationMinutes) min within \(within)") }
                let iso = ISO8601DateFormatter()
                for slot in list.items { print("\(iso.string(from: slot.start))  →  \(iso.string(from: slot.end))") }
            case .badRequest(let problem), .notFound(let problem), .unprocessableContent(let problem): throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}
