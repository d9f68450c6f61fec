/// Which releases and incidents a report or an indicator counts: by the environment of the
/// release, an application tag of the release, a configuration item its changes touch (or the
/// incident affects), or the team that owns such an item. Empty: everything.
public struct IndicatorFilter: Sendable, Equatable, Hashable {
    public var environment: String?
    public var tag: String?
    public var item: String?
    public var team: String?

    public init(environment: String? = nil, tag: String? = nil, item: String? = nil, team: String? = nil) {
        func clean(_ text: String?) -> String? {
            guard let trimmed = text?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
            return trimmed
        }
        self.environment = clean(environment)
        self.tag = clean(tag)?.lowercased()
        self.item = clean(item)?.lowercased()
        self.team = clean(team)
    }

    public var isEmpty: Bool { environment == nil && tag == nil && item == nil && team == nil }
}
