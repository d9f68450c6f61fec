import BasculeCore
import Foundation
import Testing

@Suite("The policy document")
struct PolicyDocumentTests {
    static let complete = """
        version: 1
        timeZone: Europe/Paris
        overrideRoles: [admin, releaseManager]
        emergency:
          skips: [no-friday, lead-time]
          approvalsWithinHours: 48
        rules:
          - id: no-friday
            kind: allowedDays
            environment: production
            days: [mon, tue, wed, thu]
            description: No production release on Friday
          - id: year-end
            kind: freeze
            reason: Year-end closing
            from: 2026-12-20
            to: 2027-01-04T06:00
            scope: {environment: production}
          - id: payroll
            kind: freeze
            reason: Payroll run
            recurring: {daysOfMonth: [27, 28]}
            scope: {tags: [payroll]}
          - id: christmas
            kind: freeze
            reason: Christmas
            recurring: {dates: ["12-24", "12-25"], hours: "00:00-24:00"}
          - id: prod-nights
            kind: maintenanceWindow
            environment: production
            windows:
              - {days: [tue, wed, thu], hours: "20:00-06:00"}
          - id: lead-time
            kind: leadTime
            minimum: {major: 14d, minor: 5d, patch: 1d12h}
          - id: cab
            kind: approvals
            when: {environments: [production], riskAtLeast: medium}
            roles: [approver]
            count: 2
          - id: dossier
            kind: artefacts
            gates: [approved, ready]
            require: [rollbackPlan, releaseNotes]
            tests:
              - {kinds: [regression, performance], minPassRate: 95}
        """

    @Test("a complete document is read with every rule kind, in order")
    func completeDocument() throws {
        // when
        let policy = try PolicyDocument.parse(Self.complete, version: 3)
        // then
        #expect(policy.version == 3)
        #expect(policy.rules.map(\.kind) == ["allowedDays", "freeze", "freeze", "freeze", "maintenanceWindow", "leadTime", "approvals", "artefacts"])
        #expect(policy.overrideRoles == [.admin, .releaseManager])
        #expect(policy.emergency == EmergencyProvision(skips: ["no-friday", "lead-time"], approvalsWithinHours: 48))
        #expect(policy.clock.timeZone.identifier == "Europe/Paris")
        #expect((policy.rules[5] as? LeadTimeRule)?.minimum[.patch] == TimeInterval(36 * 3600))
        #expect(policy.rules[7].gates == [.approved, .ready])
    }

    @Test("a one-off freeze's dates are local to the policy's time zone")
    func freezeDatesAreLocal() throws {
        // when
        let policy = try PolicyDocument.parse(Self.complete)
        // then
        guard case .oneOff(let interval) = (policy.rules[1] as? FreezeRule)?.period else { Issue.record("not a one-off freeze"); return }
        #expect(interval.start == Paris.at("2026-12-20 00:00"))
        #expect(interval.end == Paris.at("2027-01-04 06:00"))
    }

    @Test("without a time zone the policy is read in Europe/Paris")
    func defaultTimeZone() throws {
        // when
        let policy = try PolicyDocument.parse("rules: []")
        // then
        #expect(policy.clock.timeZone.identifier == "Europe/Paris")
    }

    func errors(_ yaml: String) -> [FieldError] {
        do {
            _ = try PolicyDocument.parse(yaml)
            return []
        } catch {
            if case .invalid(let errors) = error { return errors }
            return []
        }
    }

    @Test("a misspelt day is reported with its line and field")
    func badDay() {
        // when
        let found = errors("""
            rules:
              - id: no-friday
                kind: allowedDays
                environment: production
                days: [mon, fridey]
            """)
        // then
        #expect(found == [FieldError("rules[0].days[1]", "unknown value 'fridey' (use mon, tue, wed, thu, fri, sat, sun)", line: 5)])
    }

    @Test("every broken rule is reported at once, not just the first")
    func everyError() {
        // when
        let found = errors("""
            rules:
              - id: a
                kind: teleport
              - id: b
                kind: approvals
                roles: [approver, pope]
              - id: c
                kind: freeze
                reason: x
                from: 2027-02-30
                to: 2027-03-01
            """)
        // then
        #expect(found.map(\.line) == [2, 6, 10])
        #expect(found[0].message.contains("unknown rule kind 'teleport'"))
        #expect(found[1].field == "rules[1].roles[1]")
        #expect(found[2].field == "rules[2].from")
    }

    @Test("an unknown key is refused rather than ignored")
    func unknownKey() {
        // when
        let found = errors("rules:\n  - id: a\n    kind: leadTime\n    minimum: {major: 2d}\n    minumum: 3\n")
        // then
        #expect(found.first?.field == "rules[0].minumum")
        #expect(found.first?.line == 5)
    }

    @Test("an unknown time zone is refused")
    func unknownTimeZone() {
        #expect(errors("timeZone: Europe/Atlantis\nrules: []").first?.message.contains("unknown time zone 'Europe/Atlantis'") == true)
    }

    @Test("a rule id used twice is refused")
    func duplicateId() {
        // when
        let found = errors("rules:\n  - {id: a, kind: leadTime, minimum: {major: 1d}}\n  - {id: a, kind: leadTime, minimum: {minor: 1d}}\n")
        // then
        #expect(found.first?.message == "the rule id 'a' is used twice")
    }

    @Test("an emergency provision may only skip rules of the policy")
    func emergencySkipsUnknownRule() {
        #expect(errors("emergency: {skips: [nope]}\nrules: []").first?.message == "names no rule of this policy: 'nope'")
    }

    @Test("YAML that does not parse is refused with its line")
    func syntaxError() {
        // when
        let found = errors("rules:\n  - id: a\n    kind: [unclosed\n")
        // then
        #expect(found.first?.field == "document")
        #expect(found.first?.line != nil)
    }

    @Test("hours, durations and dates out of range are refused")
    func outOfRange() {
        #expect(errors("rules:\n  - {id: a, kind: allowedDays, environment: p, days: [mon], hours: '25:00-26:00'}").first?.field == "rules[0].hours")
        #expect(errors("rules:\n  - {id: a, kind: leadTime, minimum: {major: 3 weeks}}").first?.field == "rules[0].minimum.major")
        #expect(errors("rules:\n  - {id: a, kind: freeze, reason: r, recurring: {dates: ['13-01']}}").first?.field == "rules[0].recurring.dates[0]")
        #expect(errors("rules:\n  - {id: a, kind: approvals, roles: [approver], count: 0}").first?.field == "rules[0].count")
    }

    @Test("the rule set is open: a capability adds its own kind")
    func openRuleSet() throws {
        // given
        struct AlwaysFails: PolicyRule {
            let id: String
            let kind = "smokeTests"
            let gates: Set<ReleaseStatus> = [.ready]
            func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation { .fail("no smoke tests", "aucun test de fumée") }
        }
        let kind = PolicyRuleKind(name: "smokeTests", keys: ["suite"]) { id, _, _, _ in AlwaysFails(id: id) }
        // when
        let policy = try PolicyDocument.parse("rules:\n  - {id: smoked, kind: smokeTests, suite: checkout}", kinds: PolicyDocument.standardKinds + [kind])
        // then
        #expect(policy.check(Paris.dossier(Paris.release("2027-03-03 20:00", "2027-03-03 22:00")), to: .ready).failures.map(\.rule) == ["smoked"])
    }
}
