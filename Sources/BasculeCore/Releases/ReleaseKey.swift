/// The human key of a release, `REL-42`: what people say in meetings and type in URLs.
public struct ReleaseKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let prefix = "REL-"
    public let number: Int

    public init(number: Int) {
        self.number = number
    }

    /// Accepts `REL-42` in any letter case; nothing else.
    public init?(_ text: String) {
        let upper = text.uppercased()
        guard upper.hasPrefix(Self.prefix) else { return nil }
        let digits = upper.dropFirst(Self.prefix.count)
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              let number = Int(digits), number > 0
        else { return nil }
        self.number = number
    }

    public var description: String { "\(Self.prefix)\(number)" }

    public static func < (lhs: ReleaseKey, rhs: ReleaseKey) -> Bool { lhs.number < rhs.number }
}
