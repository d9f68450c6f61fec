/// A rule consulted before a release changes status. The lifecycle says which moves exist;
/// guards say whether this release, now, may make one. The release policy of a later
/// capability plugs in here as another guard.
public protocol TransitionGuard: Sendable {
    /// The reasons the move is refused, empty when the guard lets it pass.
    func failures(for release: Release, to target: ReleaseStatus) -> [FieldError]
}

/// A release committed to a date needs that date and a target environment.
public struct RequiredFieldsGuard: TransitionGuard {
    public init() {}

    public func failures(for release: Release, to target: ReleaseStatus) -> [FieldError] {
        guard target.needsWindowAndEnvironment else { return [] }
        var errors: [FieldError] = []
        if release.window == nil {
            errors.append(FieldError("plannedStart", "a \(target.rawValue) release needs a planned window"))
        }
        if release.environment == nil {
            errors.append(FieldError("environment", "a \(target.rawValue) release needs a target environment"))
        }
        return errors
    }
}
