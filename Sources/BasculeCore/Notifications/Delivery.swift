import Foundation

/// A notice on its way out to one receiver: a webhook endpoint or an e-mail address. Its id is
/// the Standard Webhooks message id (`webhook-id`), the same on every try, so that a receiver
/// that deduplicates by it processes each event once.
public struct Delivery: Sendable, Equatable {
    public enum Channel: String, Sendable, CaseIterable, Codable {
        case webhook, email
    }

    public enum State: String, Sendable, CaseIterable, Codable {
        /// Waiting for its next try.
        case pending
        case delivered
        /// Given up after the last retry; a person may replay it.
        case failed
    }

    public let id: String
    public let eventID: Int64
    public let channel: Channel
    /// The endpoint's id or the e-mail address.
    public let target: String
    public let webhookID: UUID?
    public let username: String?
    public let language: String
    public let notice: Notice
    public let state: State
    public let attempts: Int
    /// Tries made before the last replay: retries are counted from there.
    public let replayedAfter: Int
    public let nextAt: Date
    public let lastStatus: Int?
    public let lastAnswer: String?
    public let lastAt: Date?
    public let createdAt: Date
    public let deliveredAt: Date?

    public init(id: String, eventID: Int64, channel: Channel, target: String, webhookID: UUID?, username: String?, language: String, notice: Notice,
                state: State, attempts: Int, replayedAfter: Int, nextAt: Date, lastStatus: Int?, lastAnswer: String?, lastAt: Date?,
                createdAt: Date, deliveredAt: Date?) {
        self.id = id
        self.eventID = eventID
        self.channel = channel
        self.target = target
        self.webhookID = webhookID
        self.username = username
        self.language = language
        self.notice = notice
        self.state = state
        self.attempts = attempts
        self.replayedAfter = replayedAfter
        self.nextAt = nextAt
        self.lastStatus = lastStatus
        self.lastAnswer = lastAnswer
        self.lastAt = lastAt
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
    }

    /// A new message id: `msg_` and 26 characters of Crockford's base32 (128 random bits).
    public static func newID() -> String {
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
        var generator = SystemRandomNumberGenerator()
        return "msg_" + String((0..<26).map { _ in alphabet[Int.random(in: 0..<32, using: &generator)] })
    }
}

/// How one try ended: the receiver's status (nil when it never answered) and the start of its
/// answer, or why there was none.
public struct DeliveryResult: Sendable, Equatable {
    public let status: Int?
    public let answer: String
    public let millis: Int

    public init(status: Int?, answer: String, millis: Int) {
        self.status = status
        self.answer = String(answer.prefix(DeliveryResult.keptAnswer))
        self.millis = millis
    }

    /// How much of an answer the log keeps.
    public static let keptAnswer = 1_000

    public var succeeded: Bool { status.map(DeliveryPlan.delivered(status:)) ?? false }
}

/// One try of a delivery, for its log.
public struct DeliveryAttempt: Sendable, Equatable {
    public let number: Int
    public let at: Date
    public let status: Int?
    public let answer: String
    public let millis: Int

    public init(number: Int, at: Date, status: Int?, answer: String, millis: Int) {
        self.number = number
        self.at = at
        self.status = status
        self.answer = answer
        self.millis = millis
    }
}
