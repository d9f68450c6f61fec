import BasculeCore
import Foundation

/// A partial edit of a release: nil leaves a field as it is.
public struct ReleaseChanges: Sendable, Equatable {
    public var title: String?
    public var version: String?
    public var type: ReleaseType?
    public var plannedStart: Date?
    public var plannedEnd: Date?
    public var clearWindow: Bool
    /// An empty string clears the environment.
    public var environment: String?
    /// An empty string clears the owner.
    public var owner: String?
    public var description: String?
    public var tags: [String]?

    public init(
        title: String? = nil, version: String? = nil, type: ReleaseType? = nil, plannedStart: Date? = nil,
        plannedEnd: Date? = nil, clearWindow: Bool = false, environment: String? = nil, owner: String? = nil,
        description: String? = nil, tags: [String]? = nil
    ) {
        self.title = title
        self.version = version
        self.type = type
        self.plannedStart = plannedStart
        self.plannedEnd = plannedEnd
        self.clearWindow = clearWindow
        self.environment = environment
        self.owner = owner
        self.description = description
        self.tags = tags
    }

    /// The full input that results from applying these changes to `current`.
    func applied(to current: ReleaseFields) -> ReleaseInput {
        var input = ReleaseInput(current)
        if let title { input.title = title }
        if let version { input.version = version }
        if let type { input.type = type }
        if clearWindow {
            input.plannedStart = nil
            input.plannedEnd = nil
        }
        if let plannedStart { input.plannedStart = plannedStart }
        if let plannedEnd { input.plannedEnd = plannedEnd }
        if let environment { input.environment = environment }
        if let owner { input.owner = owner }
        if let description { input.description = description }
        if let tags { input.tags = tags }
        return input
    }
}
