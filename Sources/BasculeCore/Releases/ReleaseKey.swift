/// The human key of a release, `REL-42`: what people say in meetings and type in URLs.
public struct ReleaseKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let prefix = "REL-"
    public let number: Int

    public init(number: Int) {
        self.number = number
    }

    /// Accepts `REL-42` in any letter case; nothing else.
    public init?(_ text: String) {
        guard let number = NumberedKey.number(in: text, prefix: Self.prefix) else { return nil }
        self.number = number
    }

    public var description: String { "\(Self.prefix)\(number)" }

    public static func < (lhs: ReleaseKey, rhs: ReleaseKey) -> Bool { lhs.number < rhs.number }
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
