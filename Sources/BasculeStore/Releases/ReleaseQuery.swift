import BasculeCore
import Foundation

/// The filters of the releases list.
public struct ReleaseQuery: Sendable, Equatable {
    public var statuses: [ReleaseStatus]
    public var environment: String?
    /// Releases whose window ends at or after this instant.
    public var from: Date?
    /// Releases whose window starts before this instant.
    public var to: Date?
    /// Text found in the key, title, version, owner or tags, ignoring case.
    public var text: String?
    public var types: [ReleaseType]
    /// The owner, exactly.
    public var owner: String?
    /// A tag the release carries, exactly.
    public var tag: String?

    public init(statuses: [ReleaseStatus] = [], environment: String? = nil, from: Date? = nil, to: Date? = nil, text: String? = nil,
                types: [ReleaseType] = [], owner: String? = nil, tag: String? = nil) {
        self.statuses = statuses
        self.environment = environment
        self.from = from
        self.to = to
        self.text = text
        self.types = types
        self.owner = owner
        self.tag = tag
    }
}

/// The orders a list of releases may be read in; ties are broken by key.
public enum ReleaseSort: String, Sendable, CaseIterable {
    case window, key, title, status, type, environment, owner
}
