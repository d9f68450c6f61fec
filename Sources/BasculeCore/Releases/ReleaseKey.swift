/// The human key of a release, `REL-42`: what people say in meetings and type in URLs.
public struct ReleaseKey: NumberedHumanKey {
    public static let prefix = "REL-"
    public let number: Int

    public init(number: Int) {
        self.number = number
    }
}

/// A human key made of a prefix and a number (`MTG-3`, `ACT-12`): what people say and type.
public protocol NumberedHumanKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    static var prefix: String { get }
    var number: Int { get }
    init(number: Int)
}

extension NumberedHumanKey {
    /// Accepts the prefix in any letter case followed by digits; nothing else.
    public init?(_ text: String) {
        guard let number = NumberedKey.number(in: text, prefix: Self.prefix) else { return nil }
        self.init(number: number)
    }

    public var description: String { "\(Self.prefix)\(number)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.number < rhs.number }
}

/// The shape shared by the human keys (`REL-42`, `CHG-7`): a prefix and a positive number.
enum NumberedKey {
    /// The number of `text` when it is `prefix` followed by digits, in any letter case.
    static func number(in text: String, prefix: String) -> Int? {
        let upper = text.uppercased()
        guard upper.hasPrefix(prefix) else { return nil }
        let digits = upper.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let number = Int(digits), number > 0
        else { return nil }
        return number
    }
}
