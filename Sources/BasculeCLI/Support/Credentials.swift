import Foundation

/// What `bascule login` leaves behind for the other commands: the server and a token, in
/// `~/.config/bascule/credentials` (or `$XDG_CONFIG_HOME/bascule/credentials`), readable by
/// its owner only.
struct Credentials: Codable, Equatable {
    var server: String
    var token: String
    var tokenID: String?
    var username: String?

    static var file: URL {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CONFIG_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config")
        return base.appendingPathComponent("bascule").appendingPathComponent("credentials")
    }

    static func load() -> Credentials? {
        guard let data = try? Data(contentsOf: file) else { return nil }
        return try? JSONDecoder().decode(Credentials.self, from: data)
    }

    func save() throws {
        let folder = Self.file.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            // Created empty with owner-only rights first, so the token is never readable by others.
            _ = FileManager.default.createFile(atPath: Self.file.path, contents: nil, attributes: [.posixPermissions: 0o600])
            try encoder.encode(self).write(to: Self.file)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: Self.file.path)
        } catch {
            throw CLIError.invalidOption("cannot write \(Self.file.path): \(error.localizedDescription)")
        }
    }

    static func remove() {
        try? FileManager.default.removeItem(at: file)
    }
}
