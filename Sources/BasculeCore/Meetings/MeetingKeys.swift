/// The human key of a meeting, `MTG-3`, numbered across the installation.
public struct MeetingKey: NumberedHumanKey {
    public static let prefix = "MTG-"
    public let number: Int

    public init(number: Int) {
        self.number = number
    }
}

/// The human key of an action item, `ACT-12`: what its owner is reminded of.
public struct ActionKey: NumberedHumanKey {
    public static let prefix = "ACT-"
    public let number: Int

    public init(number: Int) {
        self.number = number
    }
}
