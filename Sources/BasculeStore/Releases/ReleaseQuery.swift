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
    /// Text found in the key, title, version or owner, ignoring case.
    public var text: String?

    public init(statuses: [ReleaseStatus] = [], environment: String? = nil, from: Date? = nil, to: Date? = nil, text: String? = nil) {
        self.statuses = statuses
        self.environment = environment
        self.from = from
        self.to = to
        self.text = text
    }
}
