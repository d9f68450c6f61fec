import ArgumentParser
import BasculeAPI
import Foundation

extension RunCommand {
    /// `bascule run logs RUN STEP --follow`: an automated step's output as an agent sends it.
    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the output of an automated step (its latest attempt unless --attempt); --follow waits for more.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The run id.") var id: String
        @Argument(help: "The step key.") var step: String
        @Option(help: "The attempt's number (default: the latest).") var attempt: Int?
        @Flag(help: "Keep printing as output arrives, until the attempt ends.") var follow = false

        func run() async throws {
            let client = try remote.client()
            let number: Int
            if let attempt {
                guard attempt >= 1 else { throw CLIError.invalidOption("--attempt must be 1 or more") }
                number = attempt
            } else {
                number = try await latest(client)
            }
            var from = 0
            while true {
                let output = try await remote.call { try await client.getAttemptLog(path: .init(id: id, step: step, number: number), query: .init(from: from)) }
                let log: Components.Schemas.AttemptLog
                switch output {
                case .ok(let ok): log = try ok.body.json
                case .badRequest(let problem), .notFound(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
                case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
                }
                var position = from
                for chunk in log.chunks {
                    // The chunks between a capped log's head and tail were not kept.
                    if chunk.offset > position { FileHandle.standardError.write(Data("[… \(chunk.offset - position) bytes cut …]\n".utf8)) }
                    let handle = chunk.stream == .stderr ? FileHandle.standardError : FileHandle.standardOutput
                    handle.write(Data(chunk.text.utf8))
                    position = chunk.offset + chunk.text.utf8.count
                }
                from = max(from, log.end)
                let running = log.attempt.state == .running
                if !follow || (!running && log.chunks.isEmpty) {
                    if !running {
                        FileHandle.standardError.write(Data("attempt \(number) on \(log.attempt.agent): \(log.attempt.state.rawValue)\(log.attempt.outcome.isEmpty ? "" : " (\(log.attempt.outcome))")\n".utf8))
                    }
                    return
                }
                if log.chunks.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
            }
        }

        private func latest(_ client: Client) async throws -> Int {
            let output = try await remote.call { try await client.listAttempts(path: .init(id: id), query: .init(step: step)) }
            switch output {
            case .ok(let ok):
                guard let latest = try ok.body.json.items.first else { throw CLIError.invalidOption("\(step) has no attempt by an agent in this run") }
                return latest.number
            case .badRequest(let problem), .notFound(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}
