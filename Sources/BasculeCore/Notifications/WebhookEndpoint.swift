import Foundation

/// What a webhook's body looks like: the Standard Webhooks envelope (`type`, `timestamp`,
/// `data`), or a chat message that Slack and Mattermost incoming webhooks accept (`text`).
public enum WebhookFormat: String, Sendable, CaseIterable, Codable {
    case standard, slack
}

/// A receiver of events: where, which kinds, in which form, and whether it still gets them.
public struct WebhookEndpoint: Sendable, Equatable, Identifiable {
    public let id: UUID
    public var name: String
    public var url: String
    /// The kinds sent; empty sends every kind that may go out.
    public var kinds: Set<NoticeKind>
    public var format: WebhookFormat
    public let owner: String
    public var enabled: Bool
    /// Why it was switched off, when the server did it (failing for days).
    public var disabledReason: String?
    /// The first failure since the last success: what "failing for days" counts from.
    public var failingSince: Date?
    public var lastSuccessAt: Date?
    public let createdAt: Date

    public init(id: UUID = UUID(), name: String, url: String, kinds: Set<NoticeKind>, format: WebhookFormat, owner: String, enabled: Bool = true,
                disabledReason: String? = nil, failingSince: Date? = nil, lastSuccessAt: Date? = nil, createdAt: Date) throws {
        var problems: [FieldError] = []
        let name = name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > 100 { problems.append(FieldError("name", "must be 1 to 100 characters")) }
        if let problem = Self.urlProblem(url) { problems.append(FieldError("url", problem)) }
        if let personal = kinds.first(where: \.isPersonal) {
            problems.append(FieldError("kinds", "\"\(personal.rawValue)\" is sent to one person only, never to an endpoint"))
        }
        guard problems.isEmpty else { throw CoreError.invalid(problems) }
        self.id = id
        self.name = name
        self.url = url
        self.kinds = kinds
        self.format = format
        self.owner = owner
        self.enabled = enabled
        self.disabledReason = disabledReason
        self.failingSince = failingSince
        self.lastSuccessAt = lastSuccessAt
        self.createdAt = createdAt
    }

    public func wants(_ notice: Notice) -> Bool {
        enabled && !notice.kind.isPersonal && (kinds.isEmpty || kinds.contains(notice.kind))
    }

    /// Why `text` cannot be a webhook's address, nil when it can: http or https, a host, no
    /// credentials in it (they would show on every page that lists it), at most 2,000 characters.
    public static func urlProblem(_ text: String) -> String? {
        guard text.count <= 2_000 else { return "must be at most 2000 characters" }
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased() else { return "\"\(text)\" is not a URL" }
        guard scheme == "http" || scheme == "https" else { return "must be an http or https URL, not \(scheme)" }
        guard let host = url.host, !host.isEmpty else { return "must name a host" }
        guard url.user == nil, url.password == nil else { return "must not hold a user or password (the signature authenticates Bascule)" }
        return nil
    }
}

/// A Standard Webhooks signing secret: `whsec_` then the base64 of 24 to 64 random bytes.
public struct WebhookSecret: Sendable, Equatable {
    public static let prefix = "whsec_"
    public let text: String
    public let key: [UInt8]

    public init(_ text: String) throws {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix(Self.prefix), let data = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))) else {
            throw CoreError.invalid([FieldError("secret", "must be whsec_ followed by base64 (a Standard Webhooks secret)")])
        }
        guard (24...64).contains(data.count) else {
            throw CoreError.invalid([FieldError("secret", "must hold 24 to 64 bytes once decoded, not \(data.count)")])
        }
        self.text = text
        self.key = Array(data)
    }

    private init(key: [UInt8]) {
        self.key = key
        self.text = Self.prefix + Data(key).base64EncodedString()
    }

    /// A new secret of 32 random bytes.
    public static func generate() -> WebhookSecret {
        var generator = SystemRandomNumberGenerator()
        return WebhookSecret(key: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}

/// The secrets an endpoint signs with: the current one, and during a rotation the previous
/// one until it expires, so that a receiver still holding it keeps verifying.
public struct WebhookKeyring: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        public let secret: String
        /// When this secret stops signing; nil for the current one.
        public let until: Date?
    }

    public static let rotationOverlap: TimeInterval = 24 * 3600
    public private(set) var entries: [Entry]

    public init(current: WebhookSecret) {
        entries = [Entry(secret: current.text, until: nil)]
    }

    /// The secrets that sign at `now`, current first.
    public func signing(at now: Date) -> [WebhookSecret] {
        entries.filter { $0.until.map { $0 > now } ?? true }.compactMap { try? WebhookSecret($0.secret) }
    }

    /// `next` becomes current; the one before keeps signing for `overlap`.
    public mutating func rotate(to next: WebhookSecret, at now: Date, overlap: TimeInterval = rotationOverlap) {
        let kept = entries.filter { $0.until.map { $0 > now } ?? true }.map { entry in
            entry.until == nil ? Entry(secret: entry.secret, until: now.addingTimeInterval(overlap)) : entry
        }
        entries = [Entry(secret: next.text, until: nil)] + kept.prefix(3)
    }
}
