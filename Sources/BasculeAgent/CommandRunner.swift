import BasculeServer
import Foundation
import NIOConcurrencyHelpers
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Why an attempt must stop before its process ends by itself.
public final class StopSignal: Sendable {
    public init() {}

    private let reason = NIOLockedValueBox<String?>(nil)

    public func stop(_ why: String) { reason.withLockedValue { if $0 == nil { $0 = why } } }
    public var stopped: String? { reason.withLockedValue { $0 } }
}

/// How a command ended.
enum CommandEnd: Equatable {
    case exited(Int32)
    case timedOut
    case stopped(String)
    case couldNotStart(String)
}

/// Runs a step's command as a real child process in a session of its own, so that the whole
/// process group is ended on a timeout or a cancel, and streams its output to the shipper.
enum CommandRunner {
    /// Seconds between SIGTERM and SIGKILL.
    static let grace: Double = 5

    /// `capture`, when given, also keeps the first 64 KiB of the standard output (a version command's answer).
    static func run(_ command: AgentWire.Command, shipper: LogShipper, stop: StopSignal, capture: NIOLockedValueBox<Data>? = nil) async -> CommandEnd {
        guard let program = command.argv.first, !program.isEmpty else { return .couldNotStart("the command is empty") }
        var options = PlatformOptions()
        options.createSession = true
        var overrides: [Environment.Key: String?] = [:]
        for (name, value) in command.environment {
            if let key = Environment.Key(rawValue: name) { overrides[key] = value }
        }
        if let directory = command.workingDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                return .couldNotStart("no directory \(directory)")
            }
        }
        let configuration = Configuration(
            executable: program.contains("/") ? .path(FilePath(program)) : .name(program),
            arguments: Arguments(Array(command.argv.dropFirst())),
            environment: .inherit.updating(overrides),
            workingDirectory: command.workingDirectory.map { FilePath($0) },
            platformOptions: options)
        let started = ContinuousClock.now
        let timeout = Duration.milliseconds(Int64(command.timeoutSeconds * 1000))
        let ending = NIOLockedValueBox<CommandEnd?>(nil)
        do {
            let result = try await Subprocess.run(configuration, input: .none, output: .sequence, error: .sequence) { execution in
                let watcher = Task {
                    while !Task.isCancelled {
                        let why: CommandEnd? = if let reason = stop.stopped { .stopped(reason) }
                            else if ContinuousClock.now - started > timeout { .timedOut } else { nil }
                        if let why {
                            ending.withLockedValue { $0 = why }
                            try? execution.send(signal: .terminate, toProcessGroup: true)
                            try? await Task.sleep(for: .seconds(grace))
                            try? execution.send(signal: .kill, toProcessGroup: true)
                            return
                        }
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }
                async let out: Void = pump(execution.standardOutput, "stdout", shipper, capture: capture)
                async let err: Void = pump(execution.standardError, "stderr", shipper, capture: nil)
                _ = await (try? out, try? err)
                watcher.cancel()
            }
            if let forced = ending.withLockedValue({ $0 }) { return forced }
            switch result.terminationStatus {
            case .exited(let code): return .exited(Int32(code))
            case .signaled(let signal): return .exited(128 + Int32(signal))
            }
        } catch {
            return .couldNotStart(String(describing: error))
        }
    }

    private static func pump(_ sequence: SubprocessOutputSequence, _ stream: String, _ shipper: LogShipper, capture: NIOLockedValueBox<Data>?) async throws {
        for try await buffer in sequence {
            let data = buffer.withUnsafeBytes { Data($0) }
            capture?.withLockedValue { kept in if kept.count < 65536 { kept.append(data.prefix(65536 - kept.count)) } }
            await shipper.append(stream, data)
        }
    }
}
