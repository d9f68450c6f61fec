import ArgumentParser
import AsyncHTTPClient
import BasculeAgent
import BasculeCore
import Foundation

/// `bascule probe`: the interruption a service's users see, measured from outside by requests
/// at a steady rate (what a rolling update records while it runs).
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Send requests to a URL at a steady rate and measure the interruption: failed and slow requests, windows without a good answer.",
        discussion: """
            A good answer is a status from 200 to 399 within --slow. A window is measured between the
            arrivals of good answers, so a service that holds its requests for a while counts as
            interrupted even if it answers them all in the end. Exits 1 when --max-interruption is
            given and the total is above it.
            """)

    @Argument(help: "The service's public address, http(s).") var url: String
    @Option(help: "Requests per second (1 to 1000).") var rate: Double = 20
    @Option(name: .customLong("for"), help: "How long to probe: 10s, 2m.") var duration: String = "10s"
    @Option(help: "An answer later than this is slow: 1s, 500ms is 0.5s.") var slow: String = "1s"
    @Option(help: "Seconds a request waits for its answer.") var timeout: Double = 5
    @Option(help: "Exit 1 when the total interruption is above this: 2s.") var maxInterruption: String?
    @Flag(help: "Print the measure as JSON, with every window.") var json = false

    func run() async throws {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw CLIError.invalidOption("the URL must be http(s), such as http://127.0.0.1:8080/health")
        }
        guard rate >= 1, rate <= 1000 else { throw CLIError.invalidOption("--rate must be from 1 to 1000 requests per second") }
        guard timeout > 0, timeout <= 60 else { throw CLIError.invalidOption("--timeout must be more than 0 and at most 60 seconds") }
        let seconds = try DurationArgument.parse(duration, option: "--for")
        guard seconds <= 86_400 else { throw CLIError.invalidOption("--for must be at most a day") }
        let slowAfter = try DurationArgument.parse(slow, option: "--slow")
        let limit = try maxInterruption.map { try DurationArgument.parse($0, option: "--max-interruption") }
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(2)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = Prober.connections
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let outcome = await Prober.run(url: url, rate: rate, duration: seconds, timeout: timeout, http: http)
        try? await http.shutdown()
        let measured = Interruption.measure(outcome.samples, interval: outcome.interval, until: outcome.end, rule: ProbeRule(slowAfter: slowAfter))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            struct Report: Encodable {
                let url: String, rate: Double, requests: Int, failed: Int, slow: Int
                let longestGapSeconds: Double, interruptedSeconds: Double, maxLatenessSeconds: Double
                let windows: [Interruption.Window]
            }
            let report = Report(url: url, rate: rate, requests: measured.requests, failed: measured.failed, slow: measured.slow,
                                longestGapSeconds: measured.longestGap, interruptedSeconds: measured.totalSeconds,
                                maxLatenessSeconds: outcome.maxLateness, windows: measured.windows)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            func ms(_ value: Double) -> String { "\(Int((value * 1000).rounded())) ms" }
            print("\(url): \(measured.requests) requests at \(rate)/s, \(measured.failed) failed, \(measured.slow) slow; "
                  + "longest gap without a good answer \(ms(measured.longestGap)); interrupted \(ms(measured.totalSeconds)) "
                  + "in \(measured.windows.count) window(s); sent at most \(ms(outcome.maxLateness)) late")
            for window in measured.windows { print("  from \(ms(window.start)) to \(ms(window.end)): \(ms(window.seconds))") }
        }
        if let limit, measured.totalSeconds > limit { throw ExitCode(1) }
    }
}
