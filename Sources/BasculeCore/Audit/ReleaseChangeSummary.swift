import Foundation

/// Says in one line what an edit changed, for the audit trail and the release's history.
public enum ReleaseChangeSummary {
    public static func created(_ release: Release) -> String {
        var parts = ["\"\(release.title)\" \(release.version) (\(release.type.rawValue))"]
        if let window = release.window { parts.append("window \(stamp(window.start)) → \(stamp(window.end))") }
        if let environment = release.environment { parts.append("environment \(environment)") }
        return "created " + parts.joined(separator: ", ")
    }

    public static func changes(from before: Release, to after: Release) -> String {
        var changes: [String] = []
        func note<T: Equatable>(_ name: String, _ old: T, _ new: T, _ show: (T) -> String) {
            if old != new { changes.append("\(name): \(show(old)) → \(show(new))") }
        }
        note("title", before.title, after.title) { "\"\($0)\"" }
        note("version", before.version, after.version) { $0 }
        note("type", before.type, after.type) { $0.rawValue }
        note("window", before.window, after.window) { $0.map { "\(stamp($0.start)) → \(stamp($0.end))" } ?? "none" }
        note("environment", before.environment, after.environment) { $0 ?? "none" }
        note("owner", before.owner, after.owner) { $0 ?? "none" }
        if before.description != after.description { changes.append("description edited") }
        note("tags", before.tags, after.tags) { $0.isEmpty ? "none" : $0.joined(separator: ", ") }
        note("status", before.status, after.status) { $0.rawValue }
        return changes.isEmpty ? "no change" : changes.joined(separator: "; ")
    }

    private static func stamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }
}
