/// What a person does in the release process. A user may hold several.
public enum Role: String, Sendable, CaseIterable, Codable, Hashable, Comparable {
    case admin, releaseManager, approver, `operator`, contributor, viewer

    public static func < (lhs: Role, rhs: Role) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}
