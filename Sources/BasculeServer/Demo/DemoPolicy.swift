import BasculeCore
import BasculeStore
import Foundation

/// The demo's release policy and four releases that show its gates: one blocked by the Friday
/// rule, one by a freeze, one by missing approvals, and one that passes.
enum DemoPolicy {
    static func document(freezeFrom: String, freezeTo: String) -> String {
        """
        # The demo's release policy. Times are Paris time, clock changes included.
        version: 1
        timeZone: Europe/Paris
        overrideRoles: [admin, releaseManager]
        emergency:
          skips: [no-friday, lead-time, cab]
          approvalsWithinHours: 48
        rules:
          - id: no-friday
            kind: allowedDays
            description: No production release on Friday, nor at the weekend
            environment: production
            days: [mon, tue, wed, thu]
          - id: quarter-end
            kind: freeze
            reason: Quarter-end closing
            from: \(freezeFrom)
            to: \(freezeTo)
            scope: {environment: production}
          - id: christmas
            kind: freeze
            reason: Christmas shopping peak
            recurring: {dates: ["12-24", "12-25", "12-26"]}
            scope: {tags: [shop]}
          - id: payroll-run
            kind: freeze
            reason: Monthly payroll run
            recurring: {daysOfMonth: [27, 28], hours: "06:00-22:00"}
            scope: {tags: [payroll]}
          - id: lead-time
            kind: leadTime
            minimum: {major: 7d, minor: 2d, patch: 1d}
          - id: cab
            kind: approvals
            when: {environments: [production], types: [major, minor]}
            roles: [approver]
            count: 1
          - id: rollback-plan
            kind: artefacts
            require: [rollbackPlan]
            scope: {environment: production}
          - id: no-conflicts
            kind: conflicts
            description: No clash in the calendar when a release is approved or made ready
          - id: ready-to-run
            kind: artefacts
            gates: [ready]
            require: [readinessComplete, releaseNotes]
            tests:
              - {kinds: [regression], minPassRate: 95}
          - id: imperceptible
            kind: rehearsedInterruption
            description: A rolling update goes live only if its latest rehearsal measured at most 2 s of interruption
            maxInterruption: 2s
        """
    }

    /// Returns how many releases it added, and those the last CAB approved.
    static func seed(_ services: BasculeServices, today: Date, calendar: Calendar) async throws -> (count: Int, decidedInCAB: [String]) {
        func day(_ offset: Int) -> Date { calendar.date(byAdding: .day, value: offset, to: today) ?? today }
        /// The first day at least `after` days ahead that falls on `weekday` (1 is Sunday).
        func next(_ weekday: Int, after: Int) -> Int {
            (after..<(after + 7)).first { calendar.component(.weekday, from: day($0)) == weekday } ?? after
        }
        func at(_ offset: Int, _ hour: Int, _ hours: Int) -> (Date, Date) {
            let start = calendar.date(bySettingHour: hour, minute: 0, second: 0, of: day(offset)) ?? day(offset)
            return (start, start.addingTimeInterval(Double(hours) * 3600))
        }
        func stamp(_ offset: Int) -> String {
            let parts = calendar.dateComponents([.year, .month, .day], from: day(offset))
            return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 1, parts.day ?? 1)
        }
        let freezeMonday = next(2, after: 21)
        _ = try await services.policy.replace(with: document(freezeFrom: stamp(freezeMonday), freezeTo: stamp(freezeMonday + 5)))

        let friday = at(next(6, after: 9), 14, 2)
        let frozen = at(freezeMonday + 1, 21, 2)
        let waiting = at(next(4, after: 12), 21, 3)
        let passing = at(next(3, after: 13), 20, 2)
        let releases: [(ReleaseInput, approved: Bool)] = [
            (ReleaseInput(title: "Payroll 11.2: bonus scheme", version: "11.2.0", type: .minor, plannedStart: friday.0, plannedEnd: friday.1,
                          environment: "production", owner: "Nathalie Moreau", description: "Annual bonus computation. Planned on a Friday afternoon: the policy says no.",
                          tags: ["payroll"]), true),
            (ReleaseInput(title: "Shop catalogue 7.1", version: "7.1.0", type: .minor, plannedStart: frozen.0, plannedEnd: frozen.1,
                          environment: "production", owner: "Julien Bernard", description: "New product families. Falls in the quarter-end freeze.",
                          tags: ["shop"]), true),
            (ReleaseInput(title: "CRM 8.4: consent management", version: "8.4.0", type: .minor, plannedStart: waiting.0, plannedEnd: waiting.1,
                          environment: "production", owner: "Isabelle Roux", description: "GDPR consent screens. Waiting for the CAB.", tags: ["crm"]), false),
            (ReleaseInput(title: "Intranet 2.1: news feed", version: "2.1.0", type: .minor, plannedStart: passing.0, plannedEnd: passing.1,
                          environment: "production", owner: "Marc Dubois", description: "Passes every rule of the policy: ready to be approved.",
                          tags: ["intranet"]), true),
        ]
        var decidedInCAB: [String] = []
        for (input, approved) in releases {
            let key = try await services.releases.create(input).key.description
            _ = try await services.releases.transition(key, to: .planned)
            _ = try await services.plans.replacePlan(of: key, with: plan(for: input.title, today: today))
            _ = try await services.plans.writeDocument(.rollbackPlan, of: key, content: "1. Stop the application.\n2. Restore the database dump taken at the start.\n3. Redeploy the previous version.\n4. Check the probes.")
            _ = try await services.changes.create(in: key, ChangeFields(
                title: "\(input.title): application update", description: "Deploy \(input.version).", category: .normal, kind: .software,
                link: "https://git.example.com/\(input.tags.first ?? "app")/-/merge_requests/\(input.version)", risk: .medium,
                rollback: "Redeploy the previous version.", items: DemoInventory.items(for: input.title)))
            _ = try await services.tests.record(in: key, .init(kind: .regression, environment: "recette", evidence: "https://ci.example.com/\(key)"),
                                               result: TestResult(passed: 412, failed: approved ? 0 : 9, skipped: 3,
                                                                  failingTests: approved ? [] : ["ConsentTests.testWithdrawal"]))
            _ = try await services.approvals.request(key)
            // The approver approves these in the last CAB meeting (DemoMeetings).
            if approved { decidedInCAB.append(key) }
        }
        return (releases.count, decidedInCAB)
    }

    static func plan(for title: String, today: Date) -> ReleasePlan {
        ReleasePlan(
            objectives: [Objective(statement: "\(title) live without incident", successCriterion: "No priority-1 incident in the week after")],
            scopeIn: ["Application servers", "Database schema"], scopeOut: ["Reporting"],
            risks: [
                Risk(title: "Database migration longer than planned", probability: 2, impact: 4, mitigation: "Rehearsed on a copy of production", owner: "DBA team", status: .mitigated),
                Risk(title: "Users not told in time", probability: 2, impact: 2, mitigation: "Mail two days before", owner: "Release manager"),
            ],
            milestones: [
                Milestone(name: "Code freeze", due: today.addingTimeInterval(3 * 86_400)),
                Milestone(name: "Acceptance sign-off", due: today.addingTimeInterval(-1 * 86_400)),
            ],
            resources: [Resource(name: "Claire Martin", kind: .person, role: .accountable), Resource(name: "ops", kind: .team, role: .responsible)],
            training: [TrainingItem(title: "Support briefing", audience: .itStaff, due: today.addingTimeInterval(5 * 86_400))],
            requirements: [NonFunctionalRequirement(category: .performance, target: "p95 under 500 ms", verification: "Load test in preproduction")],
            readiness: [ReadinessItem(title: "Monitoring probes in place", done: true), ReadinessItem(title: "Backups of every configuration touched", done: true),
                        ReadinessItem(title: "Known failures documented"), ReadinessItem(title: "Support team briefed")])
    }
}
