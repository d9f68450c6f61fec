import ArgumentParser
import AsyncHTTPClient
import BasculeAgent
import BasculeCore
import Dispatch
import Foundation

/// `bascule agent`: runs automated steps on this host, pulled from a server over outbound HTTP.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run automated steps on this host: pulls them from a server over outbound HTTP (no port opened here).",
        discussion: """
            The first start registers the agent with a one-time token from `bascule agent-token create`
            and saves its own credential in the state directory; later starts use the credential.
            Ctrl-C or SIGTERM: no more work is taken and the running step ends first (or times out);
            a second Ctrl-C ends the step's processes now.
            """)

    @Option(help: "Base URL of the Bascule server (or BASCULE_SERVER).") var server: String?
    @Option(help: "One-time registration token (or BASCULE_AGENT_TOKEN); needed on the first start only.") var token: String?
    @Option(help: "This agent's name: letters, digits, '.', '-' or '_'; the host name by default.") var name: String?
    @Option(name: .customLong("label"), help: "A label steps can ask for, as name=value; repeat for several.") var labels: [String] = []
    @Option(help: "Where the agent keeps its credential (default ~/.bascule/agent).") var stateDir: String?
    @Option(help: "Seconds a poll waits for work before asking again.") var pollWait: Double = 20

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let server = server ?? environment["BASCULE_SERVER"] ?? "http://127.0.0.1:8080"
        guard let url = URL(string: server), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw CLIError.invalidOption("--server must be an http(s) URL such as http://127.0.0.1:8080")
        }
        let name = name ?? ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "agent"
        guard AgentRules.isName(name) else { throw CLIError.invalidOption("--name \(AgentRules.nameRule)") }
        let labels: [String: String]
        do { labels = try AgentTarget.labels(self.labels.joined(separator: ","), field: "--label") } catch {
            throw CLIError.invalidOption("--label must be name=value with letters, digits, '.', '-' or '_', each name once")
        }
        guard pollWait >= 1, pollWait <= 60 else { throw CLIError.invalidOption("--poll-wait must be from 1 to 60 seconds") }
        let home = FileManager.default.homeDirectoryForCurrentUser
        let state = stateDir.map { URL(fileURLWithPath: $0) } ?? home.appendingPathComponent(".bascule/agent")
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(5)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let runtime = AgentRuntime(
            options: AgentOptions(server: server, name: name, labels: labels, registrationToken: token ?? environment["BASCULE_AGENT_TOKEN"],
                                  stateDirectory: state, pollWait: pollWait),
            http: http, say: { Console.say($0) })
        let signals = Self.trapSignals(runtime)
        defer { signals.forEach { $0.cancel() } }
        do {
            try await runtime.run()
        } catch let error as AgentError {
            try? await http.shutdown()
            throw CLIError.invalidOption(error.description)
        }
        try? await http.shutdown()
    }

    /// First SIGINT or SIGTERM: finish the running step, take no more. Second: end it now.
    private static func trapSignals(_ runtime: AgentRuntime) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if runtime.shutdown.stopped == nil {
                    runtime.shutdown.stop("signal \(number)")
                    Console.say("stopping: the running step ends first (Ctrl-C again to end it now)")
                } else {
                    runtime.abort()
                }
            }
            source.resume()
            return source
        }
    }
}
