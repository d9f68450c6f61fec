/// The human key of a meeting, `MTG-3`, numbered across the installation.
public struct MeetingKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let prefix = "MTG-"
    public let number: Int

    public init(number: Int) {
        self.number = number
    }

    public init?(_ text: String) {
        guard let number = NumberedKey.number(in: text, prefix: Self.prefix) else { return nil }
        self.number = number
    }

    public var description: String { "\(Self.prefix)\(number)" }

    public static func < (lhs: MeetingKey, rhs: MeetingKey) -> Bool { lhs.number < rhs.number }
}

/// The human key of an action item, `ACT-12`: what its owner is reminded of.
public struct ActionKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let prefix = "ACT-"
    public let number: Int

    public init(number: Int) {
        self.number = number
    }

    public init?(_ text: String) {
        guard let number = NumberedKey.number(in: text, prefix: Self.prefix) else { return nil }
        self.number = number
    }

    public var description: String { "\(Self.prefix)\(number)" }

    public static func < (lhs: ActionKey, rhs: ActionKey) -> Bool { lhs.number < rhs.number }
}
