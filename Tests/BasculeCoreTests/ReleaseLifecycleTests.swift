import BasculeCore
import Testing

/// The lifecycle written out by hand, independently of the implementation: every pair of
/// statuses is either in this table or forbidden.
private let allowedMoves: Set<String> = [
    "draft>planned", "draft>cancelled",
    "planned>approved", "planned>draft", "planned>cancelled",
    "approved>ready", "approved>planned", "approved>cancelled",
    "ready>inProgress", "ready>approved", "ready>planned", "ready>cancelled",
    "inProgress>deployed", "inProgress>rolledBack", "inProgress>failed",
    "deployed>closed", "deployed>rolledBack", "deployed>failed",
    "rolledBack>planned", "rolledBack>closed",
    "failed>rolledBack", "failed>planned", "failed>closed",
    "cancelled>draft", "cancelled>closed",
]

private let everyPair: [(ReleaseStatus, ReleaseStatus)] = ReleaseStatus.allCases.flatMap { from in
    ReleaseStatus.allCases.map { (from, $0) }
}

@Suite("Release lifecycle")
struct ReleaseLifecycleTests {
    @Test("every pair of statuses is allowed or forbidden as the table says", arguments: everyPair)
    func movesFollowTheTable(from: ReleaseStatus, to: ReleaseStatus) {
        // given
        let expected = allowedMoves.contains("\(from.rawValue)>\(to.rawValue)")
        // when
        let allowed = ReleaseLifecycle.canMove(from: from, to: to, type: .minor)
        // then
        #expect(allowed == expected)
    }

    @Test("a forbidden move is refused with the statuses that are allowed", arguments: everyPair.filter {
        !allowedMoves.contains("\($0.0.rawValue)>\($0.1.rawValue)")
    })
    func forbiddenMoveListsAllowed(from: ReleaseStatus, to: ReleaseStatus) {
        // given
        let release = Fixtures.release(status: from)
        // when
        let outcome = Result { () throws(CoreError) in try release.transitioned(to: to, at: Fixtures.t0) }
        // then
        guard case .failure(.forbiddenTransition(let actualFrom, let actualTo, let allowed)) = outcome else {
            Issue.record("expected a forbidden transition, got \(outcome)")
            return
        }
        #expect(actualFrom == from)
        #expect(actualTo == to)
        #expect(Set(allowed.map(\.rawValue)) == Set(allowedMoves.filter { $0.hasPrefix("\(from.rawValue)>") }.map { String($0.split(separator: ">")[1]) }))
    }

    @Test("an allowed move changes the status, bumps the revision and the update time", arguments: everyPair.filter {
        allowedMoves.contains("\($0.0.rawValue)>\($0.1.rawValue)")
    })
    func allowedMoveIsApplied(from: ReleaseStatus, to: ReleaseStatus) throws {
        // given
        let release = Fixtures.release(status: from)
        let later = Fixtures.t0.addingTimeInterval(60)
        // when
        let moved = try release.transitioned(to: to, at: later)
        // then
        #expect(moved.status == to)
        #expect(moved.revision == release.revision + 1)
        #expect(moved.updatedAt == later)
    }

    @Test("an emergency release may go from planned straight to ready")
    func emergencyShortPath() throws {
        // given
        let release = Fixtures.release(status: .planned, type: .emergency)
        // when
        let moved = try release.transitioned(to: .ready, at: Fixtures.t0)
        // then
        #expect(moved.status == .ready)
    }

    @Test("a non-emergency release may not skip approval")
    func normalReleaseCannotSkipApproval() {
        // given
        let release = Fixtures.release(status: .planned, type: .major)
        // when / then
        #expect(throws: CoreError.self) { try release.transitioned(to: .ready, at: Fixtures.t0) }
    }

    @Test("closed is the only terminal status")
    func closedIsTerminal() {
        for status in ReleaseStatus.allCases {
            #expect(ReleaseLifecycle.allowedTransitions(from: status, type: .minor).isEmpty == (status == .closed))
        }
    }
}

@Suite("Transition guards")
struct TransitionGuardTests {
    @Test("planning a release without a window is refused naming the field")
    func planningNeedsWindow() {
        // given
        let release = Fixtures.release(window: nil)
        // when
        let outcome = Result { () throws(CoreError) in try release.transitioned(to: .planned, at: Fixtures.t0) }
        // then
        guard case .failure(.requirementsNotMet(.planned, let errors)) = outcome else {
            Issue.record("expected unmet requirements, got \(outcome)")
            return
        }
        #expect(errors.map(\.field) == ["plannedStart"])
    }

    @Test("planning a release without an environment is refused naming the field")
    func planningNeedsEnvironment() {
        // given
        let release = Fixtures.release(environment: nil)
        // when
        let outcome = Result { () throws(CoreError) in try release.transitioned(to: .planned, at: Fixtures.t0) }
        // then
        guard case .failure(.requirementsNotMet(_, let errors)) = outcome else {
            Issue.record("expected unmet requirements, got \(outcome)")
            return
        }
        #expect(errors.map(\.field) == ["environment"])
    }

    @Test("cancelling a draft needs neither window nor environment")
    func cancellingNeedsNothing() throws {
        // given
        let release = Fixtures.release(window: nil, environment: nil)
        // when
        let moved = try release.transitioned(to: .cancelled, at: Fixtures.t0)
        // then
        #expect(moved.status == .cancelled)
    }

    @Test("a guard added by a later capability can refuse a move")
    func extraGuardPlugsIn() {
        // given
        struct NoFriday: TransitionGuard {
            func failures(for release: Release, to target: ReleaseStatus) -> [FieldError] {
                [FieldError("plannedStart", "no production release on Friday")]
            }
        }
        let release = Fixtures.release()
        // when / then
        #expect(throws: CoreError.requirementsNotMet(to: .planned, [FieldError("plannedStart", "no production release on Friday")])) {
            try release.transitioned(to: .planned, at: Fixtures.t0, guards: [RequiredFieldsGuard(), NoFriday()])
        }
    }
}
