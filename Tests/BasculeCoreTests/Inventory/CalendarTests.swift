import BasculeCore
import Foundation
import Testing

@Suite("Calendar, feed and scheduling assistant")
struct CalendarTests {
    static let march = DateInterval(start: Paris.at("2027-03-01 00:00"), end: Paris.at("2027-04-01 00:00"))

    @Test("the calendar lists releases with their conflicts, maintenance occurrences and freezes, filtered by item")
    func entries() throws {
        // given
        let policy = try Paris.policy("rules:\n  - {id: close, kind: freeze, reason: Closing, from: 2027-03-29, to: 2027-03-31}\n")
        let cluster = Inventory.scheduled(1, "2027-03-03 20:00", "2027-03-03 23:00", items: ["pg-cluster"])
        let front = Inventory.scheduled(2, "2027-03-03 21:00", "2027-03-03 22:00", items: ["shop-front"])
        let intranet = Inventory.scheduled(3, "2027-03-10 21:00", "2027-03-10 22:00", items: ["intranet"])
        let nights = try MaintenanceWindowInput(name: "Sundays", environments: ["production"],
                                                recurrence: .init(days: ["sun"], hours: "01:00-05:00", timeZone: "Europe/Paris")).validate()
        let releases = [cluster, front, intranet]
        let calendar = ReleaseCalendar(detector: Inventory.detector(releases, policy: policy), releases: releases, milestones: [:],
                                       maintenance: [nights], policy: policy)
        // when
        let all = calendar.entries(CalendarQuery(period: Self.march))
        let forShop = calendar.entries(CalendarQuery(period: Self.march, item: Inventory.key("shop-db")))
        // then
        #expect(all.filter { $0.kind == .release }.count == 3)
        #expect(all.filter { $0.kind == .maintenance }.count == 4)
        #expect(all.filter { $0.kind == .freeze }.count == 1)
        #expect(all.first { $0.release == ReleaseKey(number: 2) }?.conflicts.map(\.kind) == [.dependentItem])
        #expect(forShop.filter { $0.kind == .release }.map(\.release) == [ReleaseKey(number: 1)])
        // and for a feed, the recurring window once, not its four occurrences
        #expect(calendar.entries(CalendarQuery(period: Self.march), expandingRecurringMaintenance: false).filter { $0.kind == .maintenance }.isEmpty)
        #expect(calendar.recurringMaintenance(CalendarQuery(period: Self.march)).map(\.name) == ["Sundays"])
    }

    @Test("a period of more than 400 days or ending before it starts is refused")
    func queryLimits() {
        #expect(throws: CoreError.self) { try CalendarQuery.validated(from: Paris.at("2027-01-01 00:00"), to: Paris.at("2028-03-01 00:00")) }
        #expect(throws: CoreError.self) { try CalendarQuery.validated(from: Paris.at("2027-01-02 00:00"), to: Paris.at("2027-01-01 00:00")) }
    }

    @Test("the feed writes local times with their zone, escapes text and folds long lines at 75 octets")
    func feedFormat() {
        // given
        let entry = CalendarEntry(uid: "release-REL-1", kind: .release, title: "REL-1 Paie; bonus, \"été\" 11.2", start: Paris.at("2027-03-28 01:30"),
                                  end: Paris.at("2027-03-28 04:00"), environment: "production", release: ReleaseKey(number: 1), status: .approved,
                                  items: [], detail: String(repeating: "é", count: 60), conflicts: [])
        let feed = ICalendarFeed(name: "Bascule", timeZone: Paris.zone, releaseURL: "https://bascule.example/releases/", generatedAt: Paris.at("2027-03-01 09:00"))
        // when
        let text = feed.render([entry], period: Self.march)
        let lines = text.components(separatedBy: "\r\n")
        // then the spring-forward night: 01:30 is still winter time, 04:00 summer time
        #expect(lines.contains("DTSTART;TZID=Europe/Paris:20270328T013000"))
        #expect(lines.contains("DTEND;TZID=Europe/Paris:20270328T040000"))
        #expect(lines.contains("SUMMARY:REL-1 Paie\\; bonus\\, \"été\" 11.2"))
        #expect(lines.contains("DTSTART:20270328T020000"))
        #expect(lines.contains("TZOFFSETTO:+0200"))
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(lines.contains("URL:https://bascule.example/releases/REL-1"))
    }

    @Test("a meeting in the feed carries its place, its attendees' addresses and a link to it")
    func meetingInFeed() throws {
        // given
        let start = Paris.at("2027-03-09 14:00")
        let meeting = Meeting(key: MeetingKey(number: 3), fields: MeetingFields(kind: .cab, title: "CAB", start: start, end: start.addingTimeInterval(3600),
                                                                               place: "Room 4; floor 2"), createdBy: "claire", createdAt: start)
        let entry = CalendarEntry(meeting, attendees: [CalendarEntry.Attendee(name: "ana", email: "ana@example.com"),
                                                       CalendarEntry.Attendee(name: "Bob; Jr", email: "bob@example.com")])
        let feed = ICalendarFeed(name: "Bascule", timeZone: Paris.zone, releaseURL: "https://bascule.example/releases/", generatedAt: start)
        // when
        let lines = feed.render([entry], period: Self.march).components(separatedBy: "\r\n")
        // then
        #expect(lines.contains("DTSTART;TZID=Europe/Paris:20270309T140000"))
        #expect(lines.contains("LOCATION:Room 4\\; floor 2"))
        #expect(lines.contains("ATTENDEE;CN=ana;ROLE=REQ-PARTICIPANT:mailto:ana@example.com"))
        #expect(lines.contains("ATTENDEE;CN=\"Bob; Jr\";ROLE=REQ-PARTICIPANT:mailto:bob@example.com"))
        #expect(lines.contains("STATUS:CONFIRMED"))
        #expect(lines.contains("URL:https://bascule.example/meetings/MTG-3"))
        #expect(lines.contains("CATEGORIES:meeting"))
    }

    @Test("the assistant offers the earliest window per day that avoids a conflicting release, the freeze and the Friday rule")
    func slots() throws {
        // given Wednesday 3rd is taken by a release on the same database, Thursday 4th is frozen, Friday is forbidden
        let policy = try Paris.policy("""
            rules:
              - {id: weekdays, kind: allowedDays, environment: production, days: [mon, tue, wed, thu], hours: "20:00-23:59"}
              - {id: thursday, kind: freeze, reason: Audit, from: 2027-03-04, to: 2027-03-05}
            """)
        let mine = Inventory.scheduled(1, "2027-03-02 08:00", "2027-03-02 10:00", items: ["shop-db"])
        let taken = Inventory.scheduled(2, "2027-03-03 19:00", "2027-03-04 00:00", items: ["shop-front"])
        let finder = SlotFinder(policy: policy, detector: Inventory.detector([mine, taken], policy: policy))
        let request = try SlotRequest.parse(within: "14d", duration: "2h", defaultDuration: nil, limit: 3)
        // when
        let slots = finder.slots(for: mine, request: request, now: Paris.at("2027-03-02 12:10"))
        // then
        #expect(slots.map(\.start) == [Paris.at("2027-03-02 20:00"), Paris.at("2027-03-08 20:00"), Paris.at("2027-03-09 20:00")])
    }

    @Test("a horizon over a year, a bad duration and no duration at all are refused")
    func slotRequestLimits() {
        #expect(throws: CoreError.self) { try SlotRequest.parse(within: "400d", duration: "4h", defaultDuration: nil, limit: nil) }
        #expect(throws: CoreError.self) { try SlotRequest.parse(within: "90d", duration: "4 hours", defaultDuration: nil, limit: nil) }
        #expect(throws: CoreError.self) { try SlotRequest.parse(within: "90d", duration: nil, defaultDuration: nil, limit: nil) }
        #expect((try? SlotRequest.parse(within: nil, duration: nil, defaultDuration: 7200, limit: nil))?.within == 90 * 86_400)
    }

    @Test("a maintenance window with an unknown zone, end before start or both forms at once is refused")
    func maintenanceValidation() {
        let fields: (MaintenanceWindowInput) -> [String] = { input in
            do { _ = try input.validate(); return [] } catch let CoreError.invalid(errors) { return errors.map(\.field) } catch { return ["?"] }
        }
        #expect(fields(MaintenanceWindowInput(name: "x", recurrence: .init(hours: "22:00-04:00", timeZone: "Mars/Olympus"))) == ["recurrence.timeZone"])
        #expect(fields(MaintenanceWindowInput(name: "x", start: Paris.at("2027-03-02 10:00"), end: Paris.at("2027-03-02 09:00"))) == ["end"])
        #expect(fields(MaintenanceWindowInput(name: "x", start: Paris.at("2027-03-02 10:00"), end: Paris.at("2027-03-02 12:00"),
                                              recurrence: .init(hours: "22:00-04:00", timeZone: "UTC"))) == ["recurrence"])
        #expect(fields(MaintenanceWindowInput(name: "x", recurrence: .init(days: ["dimanche"], hours: "25:00-04:00", timeZone: "UTC"))) == ["recurrence.hours", "recurrence.days"])
    }
}
