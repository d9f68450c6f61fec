import Foundation

extension PolicyDocument {
    /// The rule kinds of the release policy itself.
    public static let standardKinds: [PolicyRuleKind] = [freeze, allowedDays, maintenanceWindow, leadTime, approvals, artefacts, conflicts, rehearsal, backupBeforeDowntime, rehearsedInterruption,
                                                          publishedReview, reviewActions, dependencies, promotion]

    static let freeze = PolicyRuleKind(name: "freeze", keys: ["reason", "from", "to", "recurring", "scope"]) { id, entries, gates, clock throws(FieldError) in
        let reason = try required(entries, "reason", in: id).string()
        let period: FreezeRule.Period
        switch (entries["from"], entries["to"], entries["recurring"]) {
        case let (from?, to?, nil):
            let start = try localTime(from, clock: clock), end = try localTime(to, clock: clock)
            guard end > start else { throw to.error("must be after from") }
            period = .oneOff(DateInterval(start: start, end: end))
        case let (nil, nil, recurring?):
            period = .recurring(try schedule(recurring))
        default:
            throw FieldError(id, "a freeze needs either from and to, or recurring", line: entries["reason"]?.line)
        }
        return FreezeRule(id: id, reason: reason, period: period, scope: try scope(entries["scope"]), gates: gates ?? FreezeRule.defaultGates)
    }

    static let allowedDays = PolicyRuleKind(name: "allowedDays", keys: ["environment", "days", "hours"]) { id, entries, gates, _ throws(FieldError) in
        let environment = try required(entries, "environment", in: id).string()
        let days = Set(try required(entries, "days", in: id).choices(Weekday.self))
        return AllowedDaysRule(id: id, environment: environment, days: days, hours: try hours(entries["hours"]),
                               gates: gates ?? FreezeRule.defaultGates)
    }

    static let maintenanceWindow = PolicyRuleKind(name: "maintenanceWindow", keys: ["environment", "windows"]) { id, entries, gates, _ throws(FieldError) in
        let environment = try required(entries, "environment", in: id).string()
        var windows: [RecurringSchedule] = []
        for item in try required(entries, "windows", in: id).items() { windows.append(try schedule(item)) }
        return MaintenanceWindowRule(id: id, environment: environment, windows: windows, gates: gates ?? FreezeRule.defaultGates)
    }

    static let leadTime = PolicyRuleKind(name: "leadTime", keys: ["minimum"]) { id, entries, gates, _ throws(FieldError) in
        let node = try required(entries, "minimum", in: id)
        var minimum: [ReleaseType: TimeInterval] = [:]
        for (name, value) in try node.mapping(allowed: Set(ReleaseType.allCases.map(\.rawValue))) {
            if let type = ReleaseType(rawValue: name) { minimum[type] = try value.duration() }
        }
        return LeadTimeRule(id: id, minimum: minimum, gates: gates ?? [.approved])
    }

    static let approvals = PolicyRuleKind(name: "approvals", keys: ["when", "roles", "count"]) { id, entries, gates, _ throws(FieldError) in
        var types: Set<ReleaseType> = [], environments: Set<String> = [], risk: RiskLevel?
        if let when = entries["when"] {
            let conditions = try when.mapping(allowed: ["types", "environments", "riskAtLeast"])
            if let node = conditions["types"] { types = Set(try node.choices(ReleaseType.self)) }
            if let node = conditions["environments"] { environments = Set(try node.strings()) }
            if let node = conditions["riskAtLeast"] { risk = try node.choice(RiskLevel.self) }
        }
        let roles = try required(entries, "roles", in: id).choices(Role.self)
        let count = try entries["count"]?.int(in: 1...20) ?? 1
        return ApprovalRule(id: id, types: types, environments: environments, riskAtLeast: risk, roles: roles, count: count,
                            gates: gates ?? [.approved])
    }

    static let artefacts = PolicyRuleKind(name: "artefacts", keys: ["require", "tests", "scope"]) { id, entries, gates, _ throws(FieldError) in
        let require = try entries["require"]?.choices(ArtefactsRule.Artefact.self) ?? []
        var tests: [ArtefactsRule.TestRequirement] = []
        if let node = entries["tests"] {
            for item in try node.items() {
                let fields = try item.mapping(allowed: ["kinds", "minPassRate"])
                guard let kinds = fields["kinds"] else { throw item.error("needs kinds, such as [regression]") }
                tests.append(ArtefactsRule.TestRequirement(kinds: try kinds.choices(TestKind.self),
                                                           minPassRate: try fields["minPassRate"]?.double(in: 0...100) ?? 100))
            }
        }
        if require.isEmpty, tests.isEmpty { throw FieldError(id, "an artefacts rule needs require or tests") }
        return ArtefactsRule(id: id, require: require, tests: tests, scope: try scope(entries["scope"]), gates: gates ?? [.approved])
    }

    static let conflicts = PolicyRuleKind(name: "conflicts", keys: ["kinds"]) { id, entries, gates, _ throws(FieldError) in
        let kinds = try entries["kinds"]?.choices(ConflictKind.self) ?? ConflictKind.allCases
        return ConflictsRule(id: id, kinds: Set(kinds), gates: gates ?? [.approved, .ready])
    }

    static let rehearsal = PolicyRuleKind(name: "rehearsal", keys: ["within"]) { id, entries, gates, _ throws(FieldError) in
        RehearsalRule(id: id, within: try required(entries, "within", in: id).duration(), gates: gates ?? [.ready])
    }

    static let publishedReview = PolicyRuleKind(name: "publishedReview", keys: []) { id, _, gates, _ throws(FieldError) in
        PublishedReviewRule(id: id, gates: gates ?? [.closed])
    }

    static let reviewActions = PolicyRuleKind(name: "reviewActions", keys: []) { id, _, gates, _ throws(FieldError) in
        ReviewActionsRule(id: id, gates: gates ?? [.approved])
    }

    static let dependencies = PolicyRuleKind(name: "dependencies", keys: []) { id, _, gates, _ throws(FieldError) in
        DependencyRule(id: id, gates: gates ?? [.ready])
    }

    static let promotion = PolicyRuleKind(name: "promotion", keys: ["tests"]) { id, entries, gates, _ throws(FieldError) in
        PromotionRule(id: id, tests: try entries["tests"]?.choice(PromotionRule.Tests.self) ?? .passing, gates: gates ?? [.ready])
    }

    static let backupBeforeDowntime = PolicyRuleKind(name: "backupBeforeDowntime", keys: []) { id, _, gates, _ throws(FieldError) in
        BackupBeforeDowntimeRule(id: id, gates: gates ?? [.ready, .inProgress])
    }

    static let rehearsedInterruption = PolicyRuleKind(name: "rehearsedInterruption", keys: ["maxInterruption"]) { id, entries, gates, _ throws(FieldError) in
        let limit = try required(entries, "maxInterruption", in: id).seconds()
        return RehearsedInterruptionRule(id: id, maxInterruption: limit, gates: gates ?? [.ready])
    }

    // MARK: - Pieces shared by the kinds

    static func required(_ entries: [String: PolicyNode], _ key: String, in id: String) throws(FieldError) -> PolicyNode {
        guard let node = entries[key] else {
            throw FieldError(id, "needs \(key)", line: entries.values.compactMap(\.line).min())
        }
        return node
    }

    static func hours(_ node: PolicyNode?) throws(FieldError) -> DailyHours {
        guard let node else { return .wholeDay }
        guard let hours = DailyHours(try node.string()) else { throw node.error("must be hours such as 06:00-22:00 or 20:00-06:00") }
        return hours
    }

    /// `{days: [sat, sun], hours: 00:00-06:00}`, `{daysOfMonth: [27, 28]}` or `{dates: ["12-24"]}`.
    static func schedule(_ node: PolicyNode) throws(FieldError) -> RecurringSchedule {
        let entries = try node.mapping(allowed: ["days", "daysOfMonth", "dates", "hours"])
        let present = ["days", "daysOfMonth", "dates"].filter { entries[$0] != nil }
        guard present.count <= 1 else { throw node.error("give only one of days, daysOfMonth or dates") }
        var days = RecurringDays.everyDay
        if let list = entries["days"] {
            days = .weekdays(Set(try list.choices(Weekday.self)))
        } else if let list = entries["daysOfMonth"] {
            var numbers: Set<Int> = []
            for item in try list.items() { numbers.insert(try item.int(in: 1...31)) }
            days = .daysOfMonth(numbers)
        } else if let list = entries["dates"] {
            var dates: [MonthDay] = []
            for item in try list.items() {
                guard let date = MonthDay(try item.string()) else { throw item.error("must be a date MM-DD, such as 12-24") }
                dates.append(date)
            }
            days = .yearly(dates)
        }
        return RecurringSchedule(days: days, hours: try hours(entries["hours"]))
    }

    static func scope(_ node: PolicyNode?) throws(FieldError) -> PolicyScope {
        guard let node else { return .everything }
        if let text = node.node.scalar?.string, text == "everything" { return .everything }
        let entries = try node.mapping(allowed: ["environment", "tags"])
        switch (entries["environment"], entries["tags"]) {
        case let (environment?, nil): return .environment(try environment.string())
        case let (nil, tags?): return .tags(Set(try tags.strings()))
        default: throw node.error("must be everything, {environment: NAME} or {tags: [TAG, …]}")
        }
    }

    /// `2026-12-20`, `2026-12-20T18:00` or `2026-12-20 18:00`, in the policy's time zone.
    static func localTime(_ node: PolicyNode, clock: PolicyClock) throws(FieldError) -> Date {
        let text = try node.string()
        let parts = text.split(whereSeparator: { $0 == "T" || $0 == " " })
        let date = parts.first.map { $0.split(separator: "-").compactMap { Int($0) } } ?? []
        var minutes = 0
        if parts.count == 2 {
            guard let hours = DailyHours("\(parts[1])-23:59") else { throw node.error("must be a local time such as 2026-12-20 or 2026-12-20T18:00") }
            minutes = hours.start
        }
        guard parts.count <= 2, date.count == 3, (1...12).contains(date[1]), (1...31).contains(date[2]),
              let instant = clock.instant(year: date[0], month: date[1], day: date[2], minutes: minutes),
              clock.calendar.component(.day, from: instant) == date[2] || minutes > 0
        else { throw node.error("must be a local time such as 2026-12-20 or 2026-12-20T18:00") }
        return instant
    }
}
