import Foundation

/// How a person is told: the in-app inbox, or an e-mail to the address of their account.
public enum NoticeChannel: String, Sendable, CaseIterable, Codable, Hashable, Comparable {
    case inbox, email

    public static func < (lhs: NoticeChannel, rhs: NoticeChannel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a subscription follows: one release, an application (a tag of releases or a
/// configuration item they change), an environment, or every release (then narrowed by kind).
public enum SubscriptionScope: Sendable, Equatable, Hashable {
    case release(String)
    case tag(String)
    case item(String)
    case environment(String)
    case everything

    public var kind: String {
        switch self {
        case .release: return "release"
        case .tag: return "tag"
        case .item: return "item"
        case .environment: return "environment"
        case .everything: return "everything"
        }
    }

    public var value: String {
        switch self {
        case .release(let key): return key
        case .tag(let tag): return tag
        case .item(let item): return item
        case .environment(let name): return name
        case .everything: return ""
        }
    }

    /// A scope from its kind and value, each checked with a message naming the field.
    public static func parse(kind: String, value: String) throws -> SubscriptionScope {
        let value = value.trimmingCharacters(in: .whitespaces)
        func required() throws -> String {
            guard !value.isEmpty else { throw CoreError.invalid([FieldError("value", "must name the \(kind) to follow")]) }
            guard value.count <= 100 else { throw CoreError.invalid([FieldError("value", "must be at most 100 characters")]) }
            return value
        }
        switch kind {
        case "release":
            guard let key = ReleaseKey(try required()) else { throw CoreError.invalid([FieldError("value", "\"\(value)\" is not a release key (REL-12)")]) }
            return .release(key.description)
        case "tag": return .tag(try required().lowercased())
        case "item":
            guard let key = CIKey(try required()) else { throw CoreError.invalid([FieldError("value", "\"\(value)\" is not a configuration item key")]) }
            return .item(key.text)
        case "environment": return .environment(try required())
        case "everything": return .everything
        default:
            throw CoreError.invalid([FieldError("scope", "\"\(kind)\" is not a scope (one of: release, tag, item, environment, everything)")])
        }
    }

    func covers(_ release: NoticeRelease?) -> Bool {
        switch self {
        case .everything: return true
        case .release(let key): return release?.key == key
        case .tag(let tag): return release?.tags.contains { $0.lowercased() == tag } == true
        case .item(let item): return release?.items.contains(item) == true
        case .environment(let name): return release?.environment == name
        }
    }
}

/// A person's wish to be told of some events, on some channels.
public struct Subscription: Sendable, Equatable, Identifiable {
    public static let maximumPerUser = 200

    public let id: UUID
    public let username: String
    public let scope: SubscriptionScope
    /// The kinds followed; empty follows every kind.
    public let kinds: Set<NoticeKind>
    public let channels: Set<NoticeChannel>
    public let createdAt: Date

    public init(id: UUID = UUID(), username: String, scope: SubscriptionScope, kinds: Set<NoticeKind>, channels: Set<NoticeChannel>, createdAt: Date) throws {
        guard !channels.isEmpty else { throw CoreError.invalid([FieldError("channels", "must name at least one channel (inbox, email)")]) }
        if let personal = kinds.first(where: \.isPersonal) {
            throw CoreError.invalid([FieldError("kinds", "\"\(personal.rawValue)\" is sent to one person only and cannot be followed")])
        }
        self.id = id
        self.username = username
        self.scope = scope
        self.kinds = kinds
        self.channels = channels
        self.createdAt = createdAt
    }

    public func matches(_ notice: Notice) -> Bool {
        guard !notice.kind.isPersonal, kinds.isEmpty || kinds.contains(notice.kind) else { return false }
        return scope.covers(notice.release)
    }
}
