@testable import BasculeCore
import Foundation
import Testing

/// Dependencies between releases: cycles refused and named, the order the calendar flags and
/// what the gate into ready checks.
@Suite("Release dependencies")
struct ReleaseDependencyTests {
    static func key(_ number: Int) -> ReleaseKey { ReleaseKey(number: number) }
    static func requires(_ a: Int, _ b: Int) -> ReleaseDependency { ReleaseDependency(release: key(a), on: key(b), kind: .requires) }
    static func with(_ a: Int, _ b: Int) -> ReleaseDependency { ReleaseDependency(release: key(a), on: key(b), kind: .with) }
    static let day = Date(timeIntervalSince1970: 1_800_000_000)
    static func window(_ fromHour: Double, _ toHour: Double) -> PlannedWindow {
        PlannedWindow(start: day.addingTimeInterval(fromHour * 3600), end: day.addingTimeInterval(toHour * 3600))!
    }

    @Test("a cycle is refused and named release by release")
    func cycleNamed() {
        // given REL-2 requires REL-3, which requires REL-4
        let existing = [Self.requires(2, 3), Self.requires(3, 4)]
        // when
        let cycle = DependencyRules.cycle(adding: Self.requires(4, 2), to: existing)
        // then
        #expect(cycle == [Self.key(4), Self.key(2), Self.key(3), Self.key(4)])
        #expect(throws: CoreError.invalid([FieldError("release", "this would make a cycle: REL-4 → REL-2 → REL-3 → REL-4")])) {
            try DependencyRules.validate(Self.requires(4, 2), existing: existing, target: .planned)
        }
    }

    @Test("two releases going together are no cycle; requiring the one a release goes with is")
    func withPairs() {
        // when / then
        #expect(DependencyRules.cycle(adding: Self.with(1, 2), to: []) == nil)
        #expect(DependencyRules.cycle(adding: Self.with(2, 1), to: [Self.with(1, 2)]) == nil)
        #expect(DependencyRules.cycle(adding: Self.requires(1, 2), to: [Self.with(1, 2)]) == [Self.key(1), Self.key(2), Self.key(1)])
        #expect(DependencyRules.cycle(adding: Self.requires(3, 1), to: [Self.with(1, 2), Self.requires(2, 3)]) != nil)
        #expect(DependencyRules.cycle(adding: Self.requires(3, 1), to: [Self.requires(1, 2)]) == nil)
    }

    @Test("a release cannot depend on itself, nor on a cancelled, failed or rolled-back release")
    func refused() {
        // when / then
        #expect(throws: CoreError.self) { try DependencyRules.validate(Self.requires(1, 1), existing: [], target: .planned) }
        for status in [ReleaseStatus.cancelled, .failed, .rolledBack] {
            #expect(throws: CoreError.invalid([FieldError("release", "REL-2 is \(status.rawValue): nothing can depend on it")])) {
                try DependencyRules.validate(Self.requires(1, 2), existing: [], target: status)
            }
        }
    }

    @Test("the calendar flags a release planned before what it requires, apart from what it goes with, or on a release that will not happen")
    func orderProblems() {
        // given REL-1 (10:00–12:00) requires REL-2 (11:00–13:00); REL-3 goes with REL-4 on another day; REL-5 requires cancelled REL-6
        let dependencies = [Self.requires(1, 2), Self.with(3, 4), Self.requires(5, 6), Self.requires(7, 2)]
        let standings: [ReleaseKey: DependencyRules.Standing] = [
            Self.key(1): .init(status: .planned, window: Self.window(10, 12)), Self.key(2): .init(status: .approved, window: Self.window(11, 13)),
            Self.key(3): .init(status: .planned, window: Self.window(10, 12)), Self.key(4): .init(status: .planned, window: Self.window(34, 36)),
            Self.key(5): .init(status: .planned, window: Self.window(10, 12)), Self.key(6): .init(status: .cancelled, window: nil),
            Self.key(7): .init(status: .planned, window: Self.window(14, 15)),
        ]
        // when
        let problems = DependencyRules.orderProblems(dependencies, standings: standings)
        // then REL-7, after REL-2's window, is fine
        #expect(problems.map(\.reason) == [.plannedBefore, .notTogether, .wontHappen])
        #expect(problems.map(\.dependency.release) == [Self.key(1), Self.key(3), Self.key(5)])
    }

    @Test("the gate into ready waits for each required release to be deployed and each partner to be ready too")
    func unmetAtTheGate() {
        // given
        let dependencies = [Self.requires(1, 2), Self.with(1, 3), Self.requires(1, 4)]
        let standings: [ReleaseKey: DependencyRules.Standing] = [
            Self.key(2): .init(status: .inProgress, window: nil), Self.key(3): .init(status: .ready, window: nil), Self.key(4): .init(status: .deployed, window: nil),
        ]
        // when
        let unmet = DependencyRules.unmet(dependencies, of: Self.key(1), gate: .ready, standings: standings)
        let earlier = DependencyRules.unmet([Self.with(1, 3)], of: Self.key(1), gate: .ready,
                                            standings: [Self.key(3): .init(status: .approved, window: nil)])
        // then
        #expect(unmet == [Self.requires(1, 2)])
        #expect(earlier == [Self.with(1, 3)])
    }
}
