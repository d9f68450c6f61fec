import ArgumentParser
import BasculeAPI
import Foundation
import OpenAPIRuntime

struct RunbookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbook", abstract: "Write and read a release's cutover runbook.", subcommands: [Import.self, Export.self])

    /// `bascule runbook import REL-19 cutover.yaml`
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a release's runbook from YAML; a cycle or an unknown predecessor imports nothing.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key.") var key: String
        @Argument(help: "The YAML file.") var file: String

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError.invalidOption("cannot read \(file)") }
            let client = try remote.client()
            let output = try await remote.call { try await client.importRunbook(path: .init(key: key), body: .yaml(HTTPBody(data))) }
            switch output {
            case .ok(let ok):
                let runbook = try ok.body.json
                if remote.json { return try remote.printJSON(runbook) }
                print("\(runbook.release): runbook of \(runbook.steps.count) steps, \(Int(runbook.plannedMinutes)) min planned; critical path \(runbook.criticalPath.joined(separator: " → "))")
            case .badRequest(let problem), .notFound(let problem), .conflict(let problem), .preconditionFailed(let problem), .unprocessableContent(let problem):
                throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a release's runbook as YAML, in the form import reads.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key.") var key: String

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.exportRunbook(path: .init(key: key)) }
            switch output {
            case .ok(let ok):
                guard case .yaml(let body) = ok.body else { return }
                FileHandle.standardOutput.write(try await Data(collecting: body, upTo: 16 * 1024 * 1024))
            case .badRequest(let problem), .notFound(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}

/// `bascule run start REL-19 --rehearsal`, `bascule run complete RUN C05`, …
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Rehearse and run cutovers step by step.",
        subcommands: [Start.self, List.self, Show.self, Step.self, Decide.self, Rollback.self, Abort.self, Logs.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a rehearsal (default) or the live run of a release.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key.") var key: String
        @Flag(help: "The live cutover (the release must be ready and pass the policy).") var live = false

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.createRun(path: .init(key: key), body: .json(.init(kind: live ? .live : .rehearsal))) }
            switch output {
            case .created(let created): try RunCommand.print(try created.body.json, remote)
            case .badRequest(let problem), .notFound(let problem), .conflict(let problem), .unprocessableContent(let problem): throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the runs of a release.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key.") var key: String

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.listRuns(path: .init(key: key)) }
            switch output {
            case .ok(let ok):
                let runs = try ok.body.json.items
                if remote.json { return try remote.printJSON(runs) }
                let iso = ISO8601DateFormatter()
                Swift.print(TextTable.render(["RUN", "KIND", "STATUS", "CREATED"], runs.map { [$0.id, $0.kind.rawValue, $0.status.rawValue, iso.string(from: $0.createdAt)] }))
            case .badRequest(let problem), .notFound(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a run: steps, forecast, last actions.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The run id.") var id: String

        func run() async throws {
            try await Self.print(id, remote, client: try remote.client())
        }

        static func print(_ id: String, _ remote: RemoteOptions, client: Client) async throws {
            let output = try await remote.call { try await client.getRun(path: .init(id: id)) }
            switch output {
            case .ok(let ok): try RunCommand.print(try ok.body.json, remote)
            case .badRequest(let problem), .notFound(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    /// `bascule run step RUN C05 complete`
    struct Step: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Act on a step: start, complete, fail, skip, note or retry a failed one (fail, skip and note need --comment).")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The run id.") var id: String
        @Argument(help: "The step key.") var step: String
        @Argument(help: "start, complete, fail, skip, note or retry.") var action: String
        @Option(help: "Why, what went wrong, or the note.") var comment: String?

        func run() async throws {
            guard let kind = Components.Schemas.RunActionInput.ActionPayload(rawValue: action), [.start, .complete, .fail, .skip, .note, .retry].contains(kind) else {
                throw CLIError.invalidOption("the action must be start, complete, fail, skip, note or retry")
            }
            try await RunCommand.act(id, .init(action: kind, step: step, comment: comment), remote)
        }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record the go/no-go decision of a step, with its reason.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The run id.") var id: String
        @Argument(help: "The go/no-go step.") var step: String
        @Argument(help: "go or noGo.") var decision: String
        @Option(help: "Why (required).") var reason: String

        func run() async throws {
            guard let value = Components.Schemas.RunActionInput.DecisionPayload(rawValue: decision) else { throw CLIError.invalidOption("the decision must be go or noGo") }
            try await RunCommand.act(id, .init(action: .decide, step: step, comment: reason, decision: value), remote)
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Roll a live run back: the undo steps of what was done, in reverse.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The run id.") var id: String
        @Option(help: "Why (required).") var reason: String

        func run() async throws {
            try await RunCommand.act(id, .init(action: .rollback, comment: reason), remote)
        }
    }

    struct Abort: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a run where it stands; a live run leaves its release failed.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The run id.") var id: String
        @Option(help: "Why (required).") var reason: String

        func run() async throws {
            try await RunCommand.act(id, .init(action: .abort, comment: reason), remote)
        }
    }

    static func act(_ id: String, _ body: Components.Schemas.RunActionInput, _ remote: RemoteOptions) async throws {
        let client = try remote.client()
        let output = try await remote.call { try await client.actOnRun(path: .init(id: id), body: .json(body)) }
        switch output {
        case .ok(let ok):
            // The answer says what changed; the run with its new forecast is read to show it.
            if remote.json { return try remote.printJSON(try ok.body.json) }
            try await Show.print(id, remote, client: client)
        case .badRequest(let problem), .notFound(let problem), .conflict(let problem), .unprocessableContent(let problem): throw CLIError.refusal(problem)
        case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
        case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
        }
    }

    /// "pace: 14 % slower than rehearsals (±6 %) from 12 finished steps; prior: 3 cutovers of the application, 12 % slower than rehearsed".
    static func paceLine(_ pace: Components.Schemas.PaceView) -> String {
        func percent(_ value: Double) -> Int { Int((value * 100).rounded()) }
        let change = percent(abs(pace.factor - 1)), planned = pace.basis.rawValue == "plan"
        let speed = change == 0 ? "as \(planned ? "planned" : "rehearsed")"
            : "\(change) % \(pace.factor > 1 ? "slower" : "faster") than \(planned ? "planned" : "rehearsals")"
        let prior = pace.prior, lean = percent(prior.factor - 1)
        let learned = lean >= 0 ? "\(lean) % slower than rehearsed" : "\(-lean) % faster than rehearsed"
        let source = switch prior.source {
        case .rehearsals: "no finished cutover yet, as rehearsed"
        case .application: "\(prior.cutovers) cutovers of the application, \(learned)"
        case .installation: "\(prior.cutovers) cutovers of the installation, \(learned)"
        }
        return "pace: \(speed) (±\(max(1, percent(pace.uncertainty))) %) from \(pace.steps) finished steps; prior: \(source)"
    }

    static func print(_ run: Components.Schemas.RunView, _ remote: RemoteOptions) throws {
        if remote.json { return try remote.printJSON(run) }
        let time = DateFormatter()
        time.dateFormat = "HH:mm"
        let f = run.forecast
        Swift.print("\(run.release) \(run.kind.rawValue) run \(run.id): \(run.status.rawValue)")
        let late = Int(f.delayMinutes.rounded())
        Swift.print("expected end \(time.string(from: f.expectedEnd)) (P90 \(time.string(from: f.p90End))), \(late > 0 ? "\(late) min behind plan" : late < 0 ? "\(-late) min ahead of plan" : "on plan"); downtime so far \(Int(f.downtimeSoFarMinutes)) min, expected \(Int(f.expectedDowntimeMinutes.rounded()))")
        Swift.print(paceLine(f.pace))
        let active = run.steps.filter { $0.state == .running || $0.state == .failed || ($0.state == .pending && $0.waitingFor.isEmpty) }
        Swift.print(TextTable.render(["STEP", "STATE", "TITLE"], active.map { [$0.key, $0.state.rawValue, $0.title] }))
        if let last = run.log.last { Swift.print("last: \(last.actor) \(last.kind) \(last.step ?? "") \(last.text)") }
    }
}
