import AsyncHTTPClient
import BasculeCore
import BasculeServer
import Foundation
import NIOConcurrencyHelpers

/// What `bascule agent` was started with.
public struct AgentOptions: Sendable {
    public var server: String
    public var name: String
    public var labels: [String: String]
    public var registrationToken: String?
    /// Where the agent keeps its credential (`NAME.credential`, readable by its user only).
    public var stateDirectory: URL
    public var pollWait: TimeInterval

    public init(server: String, name: String, labels: [String: String], registrationToken: String?, stateDirectory: URL, pollWait: TimeInterval = 20) {
        self.server = server
        self.name = name
        self.labels = labels
        self.registrationToken = registrationToken
        self.stateDirectory = stateDirectory
        self.pollWait = pollWait
    }
}

/// The agent: registers once, then pulls one step at a time and runs it, its output streamed
/// and its heartbeat kept while it runs. Asked to stop (`shutdown`), it takes no more work and
/// ends once the running step has ended; asked again (`abort`), it ends the step's process group.
public final class AgentRuntime: Sendable {
    let options: AgentOptions
    let http: HTTPClient
    let say: @Sendable (String) -> Void
    public let shutdown = StopSignal()
    private let current = NIOLockedValueBox<StopSignal?>(nil)
    private let backoff = Backoff()

    public init(options: AgentOptions, http: HTTPClient, say: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.http = http
        self.say = say
    }

    /// A second Ctrl-C: the running step's processes are ended now.
    public func abort() { current.withLockedValue { $0 }?.stop("the agent was stopped") }

    public func run() async throws {
        let client = try await credentialed()
        var failures = 0
        while true {
            do {
                try await client.describe(AgentWire.Description(labels: options.labels, version: BasculeVersion.current, host: ProcessInfo.processInfo.hostName))
                break
            } catch AgentError.unreachable(let why) {
                failures += 1
                if failures == 1 { say("agent \(options.name): \(why); trying again") }
                try await Task.sleep(for: backoff.delay(after: failures))
            }
        }
        failures = 0
        say("agent \(options.name) connected to \(options.server), labels \(AgentTarget.text(options.labels))")
        while shutdown.stopped == nil {
            let work: AgentWire.Work?
            do {
                work = try await client.poll(wait: options.pollWait)
                if failures > 0 { say("agent \(options.name): server reached again") }
                failures = 0
            } catch AgentError.unreachable(let why) {
                failures += 1
                if failures == 1 { say("agent \(options.name): \(why); trying again") }
                try? await Task.sleep(for: backoff.delay(after: failures))
                continue
            }
            // Each result asks for the next step unless a stop was asked; a step given with the
            // answer is run even if the stop came meanwhile (it is this agent's now).
            var next = work
            while let work = next { next = await execute(work, client: client) }
        }
        say("agent \(options.name) stopped")
    }

    /// The saved credential, or a new one from the registration token.
    private func credentialed() async throws -> AgentClient {
        let file = options.stateDirectory.appendingPathComponent("\(options.name).credential")
        let client = AgentClient(server: options.server, credential: nil, http: http)
        if let saved = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !saved.isEmpty {
            return client.with(credential: saved)
        }
        guard let token = options.registrationToken, !token.isEmpty else {
            throw AgentError.invalidSetup("no credential saved in \(file.path): give a registration token (--token or BASCULE_AGENT_TOKEN) from `bascule agent-token create`")
        }
        var failures = 0
        while true {
            do {
                let registered = try await client.register(AgentWire.Registration(
                    token: token, name: options.name, labels: options.labels, version: BasculeVersion.current, host: ProcessInfo.processInfo.hostName))
                try FileManager.default.createDirectory(at: options.stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                FileManager.default.createFile(atPath: file.path, contents: Data((registered.credential + "\n").utf8), attributes: [.posixPermissions: 0o600])
                say("agent \(options.name) registered; its credential is in \(file.path)")
                return client.with(credential: registered.credential)
            } catch AgentError.unreachable(let why) {
                failures += 1
                if failures == 1 { say("agent \(options.name): \(why); trying again") }
                try await Task.sleep(for: backoff.delay(after: failures))
            }
        }
    }

    /// Runs an instance's command for a rolling update another agent runs, and returns its exit
    /// status and output to the server (the update's agent reads them there).
    private func runTask(_ work: AgentWire.Work, _ task: AgentWire.TaskWork, client: AgentClient) async {
        let stop = StopSignal()
        current.withLockedValue { $0 = stop }
        defer { current.withLockedValue { $0 = nil } }
        say("agent \(options.name): \(work.release) \(work.step): \(task.instance) \(task.action) for a rolling update")
        let beat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int64(work.heartbeatSeconds * 1000)))
                guard !Task.isCancelled else { return }
                if let answer = try? await client.heartbeat(AgentWire.Heartbeat(attempt: nil, task: task.id)), answer.stop {
                    stop.stop("the server stopped the task (\(answer.attemptState ?? "?"))")
                }
            }
        }
        defer { beat.cancel() }
        let capture = LogShipper(capturing: InstanceTask.outputCap, client: client, redact: work.redact)
        let result: AgentWire.TaskResult
        if let command = work.command {
            let end = await CommandRunner.run(command, shipper: capture, stop: stop)
            await capture.close()
            var output = String(decoding: await capture.captured, as: UTF8.self)
            let cut = await capture.capturedCut
            if cut > 0 { output += "\n[\(cut) more bytes not kept]" }
            switch end {
            case .exited(let code): result = AgentWire.TaskResult(outcome: "exited", exitCode: code, summary: nil, output: output)
            case .timedOut: result = AgentWire.TaskResult(outcome: "timedOut", exitCode: nil, summary: nil, output: output)
            case .stopped(let why): result = AgentWire.TaskResult(outcome: "couldNotStart", exitCode: nil, summary: "stopped: \(why)", output: output)
            case .couldNotStart(let why): result = AgentWire.TaskResult(outcome: "couldNotStart", exitCode: nil, summary: why, output: output)
            }
        } else {
            result = AgentWire.TaskResult(outcome: "couldNotStart", exitCode: nil, summary: "the task carries no command", output: "")
        }
        var failures = 0
        while true {
            do {
                try await client.taskResult(task.id, result)
                return
            } catch AgentError.refused(_, let detail, _) {
                say("agent \(options.name): \(task.instance) \(task.action): result refused: \(detail)")
                return
            } catch {
                failures += 1
                if failures > 20 { return }
                try? await Task.sleep(for: backoff.delay(after: failures))
            }
        }
    }

    /// Runs the step and reports it; the next step when the server gave one with its answer.
    private func execute(_ work: AgentWire.Work, client: AgentClient) async -> AgentWire.Work? {
        if let task = work.task {
            await runTask(work, task, client: client)
            return nil
        }
        let stop = StopSignal()
        let rollBack = StopSignal()
        current.withLockedValue { $0 = stop }
        defer { current.withLockedValue { $0 = nil } }
        say("agent \(options.name): \(work.release) \(work.runKind) \(work.step) attempt \(work.number) started")
        let shipper = LogShipper(client: client, attempt: work.attempt, redact: work.redact)
        // The attempt's start counts as its first heartbeat: a step shorter than one interval
        // costs the server no heartbeat at all.
        let beat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int64(work.heartbeatSeconds * 1000)))
                guard !Task.isCancelled else { return }
                let answer = try? await client.heartbeat(AgentWire.Heartbeat(attempt: work.attempt))
                if let answer, answer.stop {
                    stop.stop("the server stopped the attempt (\(answer.attemptState ?? "?"))")
                }
                if answer?.rollBack == true { rollBack.stop(answer?.rollBackReason ?? "rolled back by hand") }
            }
        }
        let flusher = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                await shipper.drain(until: Date().addingTimeInterval(1))
            }
        }
        let result: AgentWire.Result
        if let command = work.command {
            let end = await CommandRunner.run(command, shipper: shipper, stop: stop)
            flusher.cancel()
            let size = await flushed(shipper, stop: stop)
            switch end {
            case .exited(let code): result = AgentWire.Result(outcome: "exited", exitCode: code, logSize: size)
            case .timedOut: result = AgentWire.Result(outcome: "timedOut", logSize: size)
            case .stopped(let why): result = AgentWire.Result(outcome: "couldNotStart", summary: "stopped: \(why)", logSize: size)
            case .couldNotStart(let why): result = AgentWire.Result(outcome: "couldNotStart", summary: why, logSize: size)
            }
        } else if let check = work.httpCheck {
            let (passed, summary) = await HTTPChecker.run(check, http: http, shipper: shipper, stop: stop)
            flusher.cancel()
            result = AgentWire.Result(outcome: "checked", passed: passed, summary: summary, logSize: await flushed(shipper, stop: stop))
        } else if let update = work.rollingUpdate {
            let updater = RollingUpdater(spec: update, http: http, shipper: shipper, stop: stop, rollBackAsked: rollBack,
                                         elsewhere: RemoteInstances(client: client, attempt: work.attempt, agent: options.name, labels: options.labels)) { report in
                try? await client.report(attempt: work.attempt, report)
            }
            let outcome = await updater.run()
            flusher.cancel()
            result = AgentWire.Result(outcome: "checked", passed: outcome.passed, summary: String(outcome.summary.prefix(500)), logSize: await flushed(shipper, stop: stop),
                                      interruption: outcome.interruption)
        } else {
            flusher.cancel()
            result = AgentWire.Result(outcome: "couldNotStart", summary: "the step says neither a command, an HTTP check nor a rolling update", logSize: await flushed(shipper, stop: stop))
        }
        var asking = result
        asking.takeNext = shutdown.stopped == nil
        let next = await report(asking, of: work, client: client)
        beat.cancel()
        return next
    }

    /// Every byte sent before the result, whatever the connection does meanwhile.
    private func flushed(_ shipper: LogShipper, stop: StopSignal) async -> Int64 {
        await shipper.close()
        var failures = 0
        while await !shipper.isEmpty {
            await shipper.drain(until: Date().addingTimeInterval(5))
            failures += 1
            if await !shipper.isEmpty { try? await Task.sleep(for: backoff.delay(after: failures)) }
        }
        return await shipper.written
    }

    /// The result, sent until the server has it: the server answers the same result twice alike.
    private func report(_ result: AgentWire.Result, of work: AgentWire.Work, client: AgentClient) async -> AgentWire.Work? {
        var failures = 0
        while true {
            do {
                let answer = try await client.result(attempt: work.attempt, result)
                say("agent \(options.name): \(work.step) attempt \(work.number) \(answer.state): \(answer.outcome)")
                return answer.next
            } catch AgentError.refused(412, _, _) {
                // The run kept moving under the result (agents racing on one run): send it again.
                failures += 1
                try? await Task.sleep(for: backoff.delay(after: failures))
            } catch AgentError.refused(_, let detail, _) {
                say("agent \(options.name): \(work.step) attempt \(work.number): result refused: \(detail)")
                return nil
            } catch {
                failures += 1
                try? await Task.sleep(for: backoff.delay(after: failures))
            }
        }
    }
}
