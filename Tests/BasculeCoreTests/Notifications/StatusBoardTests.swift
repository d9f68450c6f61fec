import BasculeCore
import Foundation
import Testing

@Suite("The status page's board")
struct StatusBoardTests {
    static let payroll = StatusPublication.Service(key: "payroll", name: "Payroll")
    static let portal = StatusPublication.Service(key: "portal", name: "Customer portal")

    static func disruption(_ key: String, _ state: DisruptionState, startsInHours hours: Double, services: [StatusPublication.Service] = [payroll]) -> Disruption {
        let start = Fixtures.t0.addingTimeInterval(hours * 3600)
        return Disruption(release: key, title: key, environment: "production", services: services, start: start, end: start.addingTimeInterval(3 * 3600),
                          state: state, expectedEnd: nil, updatedAt: Fixtures.t0)
    }

    @Test("a release's status says what end users read: planned, in progress or verifying, completed, rolled back, cancelled; a draft says nothing")
    func states() {
        #expect(DisruptionState.of(.draft, verifying: false) == nil)
        #expect(DisruptionState.of(.approved, verifying: false) == .scheduled)
        #expect(DisruptionState.of(.inProgress, verifying: false) == .inProgress)
        #expect(DisruptionState.of(.inProgress, verifying: true) == .verifying)
        #expect(DisruptionState.of(.closed, verifying: false) == .completed)
        #expect(DisruptionState.of(.failed, verifying: false) == .rolledBack)
        #expect(DisruptionState.of(.cancelled, verifying: false) == .cancelled)
    }

    @Test("under way first, then the planned ones by start, then the past newest first; older than 30 days or beyond 60 is left out")
    func sorting() {
        // given
        let board = StatusBoard([
            Self.disruption("REL-3", .scheduled, startsInHours: 48), Self.disruption("REL-2", .scheduled, startsInHours: 24),
            Self.disruption("REL-1", .inProgress, startsInHours: -1), Self.disruption("REL-0", .completed, startsInHours: -30),
            Self.disruption("REL-9", .completed, startsInHours: -24 * 40), Self.disruption("REL-8", .scheduled, startsInHours: 24 * 70),
        ], now: Fixtures.t0)
        // then
        #expect(board.current.map(\.release) == ["REL-1"])
        #expect(board.upcoming.map(\.release) == ["REL-2", "REL-3"])
        #expect(board.history.map(\.release) == ["REL-0"])
    }

    @Test("one service's board shows only what touches it")
    func oneService() {
        // given
        let board = StatusBoard([Self.disruption("REL-1", .scheduled, startsInHours: 5),
                                 Self.disruption("REL-2", .scheduled, startsInHours: 6, services: [Self.portal, Self.payroll]),
                                 Self.disruption("REL-3", .scheduled, startsInHours: 7, services: [Self.portal])], service: "portal", now: Fixtures.t0)
        // then
        #expect(board.upcoming.map(\.release) == ["REL-2", "REL-3"])
    }

    @Test("a cutover under way reads as verifying once its preparation and cutover steps are done and only checks remain")
    func verifying() throws {
        // given
        let steps = [RunbookStep(key: "stop", title: "Stop", phase: .cutover, plannedDuration: 600),
                     RunbookStep(key: "check", title: "Check", phase: .verification, plannedDuration: 600, predecessors: ["stop"])]
        var run = Run(releaseKey: ReleaseKey(number: 1), kind: .live, runbook: Runbook(steps: steps), at: Fixtures.t0)
        // when
        try run.apply(.start("stop"), by: "op", at: Fixtures.t0)
        let during = DisruptionState.of(.inProgress, liveRun: run)
        try run.apply(.complete("stop"), by: "op", at: Fixtures.t0.addingTimeInterval(600))
        // then
        #expect(during == .inProgress)
        #expect(DisruptionState.of(.inProgress, liveRun: run) == .verifying)
        #expect(DisruptionState.of(.inProgress, liveRun: nil) == .inProgress)
    }
}

