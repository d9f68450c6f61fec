import BasculeCore
import Foundation
import Testing

@Suite("Policy rules about the planned window")
struct WindowRuleTests {
    let noFriday = AllowedDaysRule(id: "no-friday", environment: "production", days: [.mon, .tue, .wed, .thu])

    @Test("a production release on a Friday fails the allowed days rule and says when, in both languages")
    func fridayIsRefused() {
        // given
        let dossier = Paris.dossier(Paris.release("2027-03-05 14:00", "2027-03-05 16:00"))
        // when
        let result = Paris.evaluate(noFriday, dossier)
        // then
        #expect(result.verdict == .fail)
        #expect(result.explanation.en == "the planned window starts Friday 2027-03-05 14:00 Europe/Paris; production releases are not allowed on Friday, Saturday and Sunday (rule `no-friday`)")
        #expect(result.explanation.fr.contains("vendredi 2027-03-05 14:00 Europe/Paris"))
        #expect(result.explanation.fr.contains("interdites le vendredi, samedi et dimanche"))
    }

    @Test("a production release on a Thursday passes the allowed days rule")
    func thursdayPasses() {
        // given
        let dossier = Paris.dossier(Paris.release("2027-03-04 20:00", "2027-03-04 23:00"))
        // when
        let result = Paris.evaluate(noFriday, dossier)
        // then
        #expect(result.verdict == .pass)
    }

    @Test("days are judged in the policy's time zone: Thursday 23:30 UTC is already Friday in Paris")
    func daysAreLocal() {
        // given
        let start = ISO8601DateFormatter().date(from: "2027-03-04T23:30:00Z")!
        let release = Release(key: ReleaseKey(number: 1), fields: ReleaseFields(
            title: "t", version: "1", type: .minor, window: PlannedWindow(start: start, end: start.addingTimeInterval(3600)),
            environment: "production"), status: .planned, createdAt: start)
        // when
        let result = Paris.evaluate(noFriday, Paris.dossier(release))
        // then
        #expect(result.verdict == .fail)
        #expect(result.explanation.en.contains("Friday 2027-03-05 00:30 Europe/Paris"))
    }

    @Test("a window that runs from Thursday into Friday is refused where it reaches Friday")
    func windowReachingFridayIsRefused() {
        // given
        let dossier = Paris.dossier(Paris.release("2027-03-04 22:00", "2027-03-05 02:00"))
        // when
        let result = Paris.evaluate(noFriday, dossier)
        // then
        #expect(result.verdict == .fail)
        #expect(result.explanation.en.contains("reaches Friday 2027-03-05 00:00"))
    }

    @Test("allowed hours refuse a window outside them on an allowed day")
    func hoursAreEnforced() {
        // given
        let rule = AllowedDaysRule(id: "office-hours", environment: "production", days: Set(Weekday.allCases), hours: DailyHours("06:00-22:00")!)
        // when
        let result = Paris.evaluate(rule, Paris.dossier(Paris.release("2027-03-03 21:00", "2027-03-03 23:00")))
        // then
        #expect(result.verdict == .fail)
        #expect(result.explanation.en.contains("allowed only between 06:00-22:00"))
    }

    @Test("a rule about production does not apply to a test release")
    func otherEnvironmentIsNotApplicable() {
        // given
        let dossier = Paris.dossier(Paris.release("2027-03-05 14:00", "2027-03-05 16:00", environment: "test"))
        // when
        let result = Paris.evaluate(noFriday, dossier)
        // then
        #expect(result.verdict == .notApplicable)
    }

    @Test("a one-off freeze refuses an overlapping window and names its reason")
    func oneOffFreezeRefuses() {
        // given
        let freeze = FreezeRule(id: "year-end", reason: "Year-end closing", period: .oneOff(DateInterval(start: Paris.at("2026-12-20 00:00"), end: Paris.at("2027-01-04 00:00"))))
        // when
        let inside = Paris.evaluate(freeze, Paris.dossier(Paris.release("2027-01-03 22:00", "2027-01-04 02:00")))
        let after = Paris.evaluate(freeze, Paris.dossier(Paris.release("2027-01-04 00:00", "2027-01-04 02:00")))
        // then
        #expect(inside.verdict == .fail)
        #expect(inside.explanation.en.contains("freeze \"Year-end closing\""))
        #expect(after.verdict == .pass)
    }

    @Test("a freeze scoped to tags applies only to releases carrying one of them")
    func tagScopedFreeze() {
        // given
        let freeze = FreezeRule(id: "payroll-days", reason: "Payroll run", period: .recurring(RecurringSchedule(days: .daysOfMonth([27, 28]))), scope: .tags(["payroll"]))
        // when
        let tagged = Paris.evaluate(freeze, Paris.dossier(Paris.release("2027-01-27 20:00", "2027-01-27 22:00", tags: ["payroll"])))
        let other = Paris.evaluate(freeze, Paris.dossier(Paris.release("2027-01-27 20:00", "2027-01-27 22:00", tags: ["shop"])))
        // then
        #expect(tagged.verdict == .fail)
        #expect(other.verdict == .notApplicable)
    }

    @Test("a freeze scoped to an environment ignores releases to other environments")
    func environmentScopedFreeze() {
        // given
        let freeze = FreezeRule(id: "weekend", reason: "Weekend", period: .recurring(RecurringSchedule(days: .weekdays([.sat, .sun]))), scope: .environment("production"))
        // when
        let production = Paris.evaluate(freeze, Paris.dossier(Paris.release("2027-03-06 10:00", "2027-03-06 12:00")))
        let test = Paris.evaluate(freeze, Paris.dossier(Paris.release("2027-03-06 10:00", "2027-03-06 12:00", environment: "test")))
        // then
        #expect(production.verdict == .fail)
        #expect(test.verdict == .notApplicable)
    }

    @Test("a yearly freeze comes back on its dates every year")
    func yearlyFreeze() {
        // given
        let freeze = FreezeRule(id: "christmas", reason: "Christmas", period: .recurring(RecurringSchedule(days: .yearly([MonthDay("12-24")!, MonthDay("12-25")!]))))
        // when
        let christmas2028 = Paris.evaluate(freeze, Paris.dossier(Paris.release("2028-12-25 09:00", "2028-12-25 10:00")))
        let boxingDay = Paris.evaluate(freeze, Paris.dossier(Paris.release("2028-12-26 09:00", "2028-12-26 10:00")))
        // then
        #expect(christmas2028.verdict == .fail)
        #expect(boxingDay.verdict == .pass)
    }

    @Test("a recurring freeze with hours only covers those hours")
    func recurringHoursFreeze() {
        // given
        let freeze = FreezeRule(id: "batch", reason: "Night batch", period: .recurring(RecurringSchedule(days: .everyDay, hours: DailyHours("23:00-02:00")!)))
        // when
        let night = Paris.evaluate(freeze, Paris.dossier(Paris.release("2027-03-03 01:00", "2027-03-03 03:00")))
        let evening = Paris.evaluate(freeze, Paris.dossier(Paris.release("2027-03-03 20:00", "2027-03-03 22:30")))
        // then
        #expect(night.verdict == .fail)
        #expect(evening.verdict == .pass)
    }

    @Test("on the spring-forward night a 00:00-06:00 freeze lasts five hours")
    func springForwardNight() {
        // given
        let schedule = RecurringSchedule(days: .everyDay, hours: DailyHours("00:00-06:00")!)
        let night = DateInterval(start: Paris.at("2027-03-28 00:00"), duration: 3600)
        // when
        let occurrence = schedule.occurrences(overlapping: night, clock: Paris.clock).first
        // then
        #expect(occurrence?.duration == TimeInterval(5 * 3600))
    }

    @Test("on the fall-back night a 00:00-06:00 freeze lasts seven hours")
    func fallBackNight() {
        // given
        let schedule = RecurringSchedule(days: .everyDay, hours: DailyHours("00:00-06:00")!)
        let night = DateInterval(start: Paris.at("2027-10-31 00:00"), duration: 3600)
        // when
        let occurrence = schedule.occurrences(overlapping: night, clock: Paris.clock).first
        // then
        #expect(occurrence?.duration == TimeInterval(7 * 3600))
    }

    @Test("a time skipped by the spring-forward change is read as the first instant after the gap")
    func skippedLocalTime() {
        // given / when
        let skipped = Paris.at("2027-03-28 02:30")
        // then
        #expect(Paris.clock.stamp(skipped) == "2027-03-28 03:00")
    }

    @Test("a maintenance window crossing the spring-forward night still holds a release inside it")
    func maintenanceWindowOverDST() {
        // given
        let rule = MaintenanceWindowRule(id: "prod-nights", environment: "production", windows: [RecurringSchedule(days: .weekdays([.sat]), hours: DailyHours("20:00-06:00")!)])
        let release = Paris.release("2027-03-27 22:00", "2027-03-28 05:30")
        // when
        let result = Paris.evaluate(rule, Paris.dossier(release))
        // then
        #expect(result.verdict == .pass)
        #expect(release.window!.end.timeIntervalSince(release.window!.start) == 6.5 * 3600)
    }

    @Test("a release outside every maintenance window fails, naming the windows")
    func outsideMaintenanceWindow() {
        // given
        let rule = MaintenanceWindowRule(id: "prod-nights", environment: "production", windows: [RecurringSchedule(days: .weekdays([.tue, .wed, .thu]), hours: DailyHours("20:00-06:00")!)])
        // when
        let result = Paris.evaluate(rule, Paris.dossier(Paris.release("2027-03-03 14:00", "2027-03-03 16:00")))
        // then
        #expect(result.verdict == .fail)
        #expect(result.explanation.en.contains("Tuesday, Wednesday, Thursday, 20:00-06:00"))
    }

    @Test("a release straddling two maintenance windows is not inside one")
    func straddlingWindows() {
        // given
        let rule = MaintenanceWindowRule(id: "prod-nights", environment: "production", windows: [RecurringSchedule(days: .everyDay, hours: DailyHours("22:00-04:00")!)])
        // when
        let result = Paris.evaluate(rule, Paris.dossier(Paris.release("2027-03-03 23:00", "2027-03-04 23:00")))
        // then
        #expect(result.verdict == .fail)
    }

    @Test("the lead time counts from now to the planned start, by release type")
    func leadTime() {
        // given
        let rule = LeadTimeRule(id: "lead-time", minimum: [.major: 14 * 86_400, .minor: 5 * 86_400])
        let soon = Paris.release("2027-01-13 20:00", "2027-01-13 22:00", type: .major)
        let later = Paris.release("2027-01-30 20:00", "2027-01-30 22:00", type: .major)
        // when
        let refused = Paris.evaluate(rule, Paris.dossier(soon))
        let passed = Paris.evaluate(rule, Paris.dossier(later))
        let patch = Paris.evaluate(rule, Paris.dossier(Paris.release("2027-01-11 20:00", "2027-01-11 22:00", type: .patch)))
        // then
        #expect(refused.verdict == .fail)
        #expect(refused.explanation.en == "the planned window starts in 3 d 11 h; a major release needs 14 d notice (rule `lead-time`)")
        #expect(passed.verdict == .pass)
        #expect(patch.verdict == .notApplicable)
    }
}
