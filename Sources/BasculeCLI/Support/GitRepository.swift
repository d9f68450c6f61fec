import BasculeCore
import Foundation

/// A git repository on this machine, read with the `git` program: what `bascule release commits`
/// sends to the server.
struct GitRepository {
    let path: String

    /// Refuses a path that is not a git repository, or a machine without git.
    init(path: String) throws {
        self.path = path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CLIError.invalidOption("\(path) is not a folder")
        }
        guard (try? run(["rev-parse", "--git-dir"]))?.status == 0 else {
            throw CLIError.invalidOption("\(path) is not a git repository")
        }
    }

    /// The commit a ref names (a tag, a branch, a hash), or a message naming the ref.
    func resolve(_ ref: String) throws -> String {
        guard !ref.hasPrefix("-") else { throw CLIError.invalidOption("unknown ref \(ref) in \(path)") }
        let answer = try run(["rev-parse", "--verify", "--quiet", "\(ref)^{commit}"])
        let hash = String(decoding: answer.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard answer.status == 0, !hash.isEmpty else { throw CLIError.invalidOption("unknown ref \(ref) in \(path)") }
        return hash
    }

    /// The commits after `from` up to `to` (all of `to`'s history without `from`), oldest first.
    func commits(from: String?, to: String) throws -> [GitLog.Entry] {
        let range = from.map { "\($0)..\(to)" } ?? to
        let answer = try run(["log", "-z", "--reverse", "--encoding=UTF-8", "--format=\(GitLog.format)", range, "--"])
        guard answer.status == 0 else {
            throw CLIError.invalidOption("git log \(range) failed in \(path): \(answer.errors.split(separator: "\n").first ?? "")")
        }
        do {
            return try GitLog.entries(Array(answer.output)).entries
        } catch {
            throw CLIError.invalidOption(error.description)
        }
    }

    /// Runs git in the repository; its output read while it runs (a full pipe would stop it).
    func run(_ arguments: [String]) throws -> (status: Int32, output: Data, errors: String) {
        guard let git = Self.locate() else { throw CLIError.invalidOption("git was not found: install it (Debian: git)") }
        let process = Process()
        process.executableURL = git
        process.arguments = ["-C", path, "-c", "core.quotepath=off"] + arguments
        process.standardInput = FileHandle.nullDevice
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let reading = DispatchGroup()
        nonisolated(unsafe) var errorBytes = Data()
        reading.enter()
        DispatchQueue.global().async {
            errorBytes = errors.fileHandleForReading.readDataToEndOfFile()
            reading.leave()
        }
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        reading.wait()
        process.waitUntilExit()
        return (process.terminationStatus, bytes, String(decoding: errorBytes, as: UTF8.self))
    }

    static func locate() -> URL? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent("git") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
