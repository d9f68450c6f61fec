import Foundation

/// One deployment of a release to one environment of its promotion path: when, by which run
/// (when a run of the release did it), and how it ended.
public struct EnvironmentDeployment: Sendable, Equatable, Identifiable {
    public enum Outcome: String, Sendable, Equatable, CaseIterable, Codable {
        case deployed, failed, rolledBack

        public var succeeded: Bool { self == .deployed }
    }

    public static let noteLimit = 2_000

    public let id: UUID
    public let release: ReleaseKey
    public let environment: String
    public let outcome: Outcome
    public let at: Date
    public let run: UUID?
    public let recordedBy: String
    public let note: String

    public init(id: UUID = UUID(), release: ReleaseKey, environment: String, outcome: Outcome, at: Date, run: UUID?, recordedBy: String,
                note: String = "") {
        self.id = id
        self.release = release
        self.environment = environment
        self.outcome = outcome
        self.at = at
        self.run = run
        self.recordedBy = recordedBy
        self.note = note
    }

    /// A note is one paragraph of free text; a deployment is not recorded in the future.
    public static func validate(note rawNote: String, at: Date, now: Date) throws(CoreError) -> String {
        let note = rawNote.trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [FieldError] = []
        if note.textLength > noteLimit { errors.append(FieldError("note", "must be at most \(noteLimit) characters")) }
        if let refused = TextRule.check(note, field: "note") { errors.append(refused) }
        if at > now.addingTimeInterval(60) { errors.append(FieldError("at", "must not be in the future")) }
        guard errors.isEmpty else { throw .invalid(errors) }
        return note
    }
}
