import BasculeCore
import Foundation
import Testing

@Suite("Conflicts")
struct ConflictDetectorTests {
    @Test("two overlapping releases on the same item conflict, and the other release is named")
    func sameItem() {
        // given
        let mine = Inventory.scheduled(1, "2027-03-03 20:00", "2027-03-03 23:00", items: ["payroll-api"])
        let theirs = Inventory.scheduled(2, "2027-03-03 22:00", "2027-03-04 01:00", items: ["payroll-api"])
        // when
        let found = Inventory.conflicts(of: mine, in: Inventory.detector([mine, theirs]))
        // then
        #expect(found.map(\.kind) == [.sameItem, .teamBooked])
        #expect(found.first?.other == ReleaseKey(number: 2))
        #expect(found.first?.period == DateInterval(start: Paris.at("2027-03-03 22:00"), end: Paris.at("2027-03-03 23:00")))
    }

    @Test("a release on an item that depends on mine conflicts, in both directions, with the path explained")
    func dependentBothWays() {
        // given the shop front depends on the shop database, which depends on the cluster
        let cluster = Inventory.scheduled(1, "2027-03-03 20:00", "2027-03-03 23:00", items: ["pg-cluster"])
        let front = Inventory.scheduled(2, "2027-03-03 21:00", "2027-03-03 22:00", items: ["shop-front"])
        let detector = Inventory.detector([cluster, front])
        // when
        let fromCluster = Inventory.conflicts(of: cluster, in: detector)
        let fromFront = Inventory.conflicts(of: front, in: detector)
        // then
        #expect(fromCluster.map(\.kind) == [.dependentItem])
        #expect(fromCluster.first?.items.map(\.text) == ["pg-cluster", "shop-db", "shop-front"])
        #expect(fromCluster.first?.explanation.en.contains("modifies shop-front, which depends on pg-cluster modified here") == true)
        #expect(fromFront.map(\.kind) == [.dependentItem])
        #expect(fromFront.first?.explanation.en.contains("modifies pg-cluster, on which shop-front modified here depends") == true)
    }

    @Test("releases to different environments or at different times do not conflict on items")
    func noConflict() {
        let mine = Inventory.scheduled(1, "2027-03-03 20:00", "2027-03-03 23:00", items: ["shop-db"])
        let otherEnvironment = Inventory.scheduled(2, "2027-03-03 20:00", "2027-03-03 23:00", items: ["shop-db"], environment: "recette")
        let later = Inventory.scheduled(3, "2027-03-03 23:00", "2027-03-04 01:00", items: ["shop-db"])
        let draft = Inventory.scheduled(4, "2027-03-03 20:00", "2027-03-03 23:00", items: ["shop-db"], status: .draft)
        let found = Inventory.conflicts(of: mine, in: Inventory.detector([mine, otherEnvironment, later, draft]))
        #expect(found.filter { $0.kind != .teamBooked }.isEmpty)
        #expect(found.map(\.other) == [ReleaseKey(number: 2)])
    }

    @Test("a team owning items of two overlapping cutovers is booked twice, whatever the environment")
    func teamBooked() {
        let payroll = Inventory.scheduled(1, "2027-03-03 20:00", "2027-03-03 23:00", items: ["payroll-db"])
        let shop = Inventory.scheduled(2, "2027-03-03 21:00", "2027-03-03 22:00", items: ["shop-db"], environment: "recette")
        let found = Inventory.conflicts(of: payroll, in: Inventory.detector([payroll, shop]))
        #expect(found.map(\.kind) == [.teamBooked])
        #expect(found.first?.explanation.en == "the team dba is booked on REL-2 (Release 2 1.2) at the same time")
    }

    @Test("a window leaving the maintenance windows that cover its items conflicts, saying when")
    func outsideMaintenance() throws {
        // given Sunday nights 01:00-05:00 for the payroll database
        let window = try MaintenanceWindowInput(name: "DB Sundays", items: ["payroll-db"],
                                                recurrence: .init(days: ["sun"], hours: "01:00-05:00", timeZone: "Europe/Paris")).validate()
        let inside = Inventory.scheduled(1, "2027-03-07 01:30", "2027-03-07 04:00", items: ["payroll-db"])
        let overrunning = Inventory.scheduled(2, "2027-03-14 03:00", "2027-03-14 06:00", items: ["payroll-db"])
        let elsewhere = Inventory.scheduled(3, "2027-03-10 14:00", "2027-03-10 15:00", items: ["intranet"])
        let detector = Inventory.detector([inside, overrunning, elsewhere], maintenance: [window])
        // when / then
        #expect(Inventory.conflicts(of: inside, in: detector).isEmpty)
        let found = Inventory.conflicts(of: overrunning, in: detector)
        #expect(found.map(\.kind) == [.outsideMaintenance])
        #expect(found.first?.explanation.en.contains("leaves the maintenance window DB Sundays at Sunday 2027-03-14 05:00 Europe/Paris") == true)
        #expect(Inventory.conflicts(of: elsewhere, in: detector).isEmpty)
    }

    @Test("a window in a freeze of the policy conflicts with the freeze's explanation")
    func freeze() throws {
        let policy = try Paris.policy("rules:\n  - {id: xmas, kind: freeze, reason: Christmas, recurring: {dates: [\"12-24\", \"12-25\"]}}\n")
        let release = Inventory.scheduled(1, "2027-12-24 20:00", "2027-12-24 22:00", items: [])
        let found = Inventory.conflicts(of: release, in: Inventory.detector([release], policy: policy))
        #expect(found.map(\.kind) == [.freeze])
        #expect(found.first?.explanation.en.contains("Christmas") == true)
    }

    @Test("the calendar scan finds each conflict from both sides")
    func scanMirrors() {
        let cluster = Inventory.scheduled(1, "2027-03-03 20:00", "2027-03-03 23:00", items: ["pg-cluster"])
        let front = Inventory.scheduled(2, "2027-03-03 21:00", "2027-03-03 22:00", items: ["shop-front"])
        let alone = Inventory.scheduled(3, "2027-03-05 21:00", "2027-03-05 22:00", items: ["intranet"])
        let found = Inventory.detector([cluster, front, alone]).scan(DateInterval(start: Paris.at("2027-03-01 00:00"), end: Paris.at("2027-03-08 00:00")))
        #expect(found[ReleaseKey(number: 1)]?.map(\.kind) == [.dependentItem])
        #expect(found[ReleaseKey(number: 2)]?.map(\.kind) == [.dependentItem])
        #expect(found[ReleaseKey(number: 2)]?.first?.explanation.en.contains("on which shop-front modified here depends") == true)
        #expect(found[ReleaseKey(number: 3)] == nil)
    }

    @Test("the conflicts rule fails with the conflicts' explanations, passes without, and waits for a window")
    func conflictsRule() throws {
        // given
        let policy = try Paris.policy("rules:\n  - {id: calm, kind: conflicts, kinds: [sameItem]}\n")
        let rule = try #require(policy.rules.first)
        let release = Paris.release("2027-03-03 20:00", "2027-03-03 22:00")
        let clash = Conflict(kind: .sameItem, other: ReleaseKey(number: 2), explanation: LocalizedText(en: "REL-2 modifies db too", fr: "REL-2 modifie aussi db"))
        let team = Conflict(kind: .teamBooked, explanation: LocalizedText(en: "team", fr: "équipe"))
        func dossier(_ conflicts: [Conflict]?, _ release: Release) -> ReleaseDossier { ReleaseDossier(release: release, now: Paris.at("2027-01-10 09:00"), conflicts: conflicts) }
        // when / then
        #expect(Paris.evaluate(rule, dossier([clash, team], release)).verdict == .fail)
        #expect(Paris.evaluate(rule, dossier([clash], release)).explanation.en.contains("REL-2 modifies db too"))
        #expect(Paris.evaluate(rule, dossier([team], release)).verdict == .pass)
        var unplanned = release
        unplanned.fields.window = nil
        #expect(Paris.evaluate(rule, dossier([], unplanned)).verdict == .notApplicable)
    }
}
