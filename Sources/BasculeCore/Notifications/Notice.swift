import Foundation

/// What happened that someone may want to be told of. One list for every channel: the inbox,
/// e-mail, webhooks and the status page read the same events. Later capabilities add theirs
/// (an action overdue, an incident attributed).
public enum NoticeKind: String, Sendable, CaseIterable, Codable, Hashable {
    case releaseMoved = "release.moved"
    case releaseTransitioned = "release.transitioned"
    case approvalRequested = "approval.requested"
    case approvalDecided = "approval.decided"
    case policyOverridden = "policy.overridden"
    case runStarted = "run.started"
    case stepFailed = "step.failed"
    case goNoGoDecided = "gonogo.decided"
    case runFinished = "run.finished"
    case runRolledBack = "run.rolledback"
    case conflictAppeared = "conflict.appeared"
    case freezeTomorrow = "freeze.tomorrow"
    /// A runbook's communication step, sent to the release's stakeholders.
    case announcement = "announcement"
    /// An endpoint failing for days was switched off; told to its owner.
    case webhookDisabled = "webhook.disabled"
    /// `bascule notify test`: proves every channel of the one who asked.
    case test = "test"

    /// What a release's stakeholders are told without subscribing: what they will see happen,
    /// not the release team's own workings (approvals, overrides, a failed step).
    public var concernsStakeholders: Bool {
        switch self {
        case .releaseMoved, .runStarted, .runFinished, .runRolledBack, .announcement: return true
        case .releaseTransitioned, .approvalRequested, .approvalDecided, .policyOverridden, .stepFailed, .goNoGoDecided,
             .conflictAppeared, .freezeTomorrow, .webhookDisabled, .test: return false
        }
    }

    /// Kinds addressed to one person only, never to subscribers or endpoints.
    public var isPersonal: Bool { self == .webhookDisabled || self == .test }

    /// A kind from its name, with a clear error naming the ones that exist.
    public static func parse(_ text: String, field: String) throws -> NoticeKind {
        guard let kind = NoticeKind(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
            throw CoreError.invalid([FieldError(field, "\"\(text)\" is not an event kind (one of: \(allCases.map(\.rawValue).joined(separator: ", ")))")])
        }
        return kind
    }
}

/// The release a notice is about, as it stood when the notice was written: enough to route it
/// (environment, tags, configuration items) and to word it without reading the release again.
public struct NoticeRelease: Sendable, Equatable, Codable {
    public let key: String
    public let title: String
    public let version: String
    public let status: String
    public let environment: String?
    public let tags: [String]
    public let items: [String]
    public let windowStart: Date?
    public let windowEnd: Date?

    public init(key: String, title: String, version: String, status: String, environment: String?, tags: [String], items: [String],
                windowStart: Date?, windowEnd: Date?) {
        self.key = key
        self.title = title
        self.version = version
        self.status = status
        self.environment = environment
        self.tags = tags
        self.items = items
        self.windowStart = windowStart
        self.windowEnd = windowEnd
    }

    public init(_ release: Release, items: [String]) {
        self.init(key: release.key.description, title: release.title, version: release.version, status: release.status.rawValue,
                  environment: release.fields.environment, tags: release.fields.tags, items: items.sorted(),
                  windowStart: release.fields.window?.start, windowEnd: release.fields.window?.end)
    }
}

/// One event to tell people of: its kind, who caused it, the release, and the facts that word
/// it (`from`, `to`, `decision`, `step`, `reason`…), each a short value.
public struct Notice: Sendable, Equatable, Codable {
    public let kind: NoticeKind
    public let at: Date
    public let actor: String
    public let release: NoticeRelease?
    public let facts: [String: String]
    /// Who a personal notice is for (a username), nil for everyone concerned.
    public let addressee: String?

    public init(kind: NoticeKind, at: Date, actor: String, release: NoticeRelease?, facts: [String: String] = [:], addressee: String? = nil) {
        self.kind = kind
        self.at = at
        self.actor = actor
        self.release = release
        self.facts = facts
        self.addressee = addressee
    }

    public func fact(_ name: String) -> String? { facts[name] }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    /// The form kept in the events table.
    public func stored() throws -> String {
        String(decoding: try Self.encoder.encode(self), as: UTF8.self)
    }

    public static func stored(_ text: String) throws -> Notice {
        try decoder.decode(Notice.self, from: Data(text.utf8))
    }
}
