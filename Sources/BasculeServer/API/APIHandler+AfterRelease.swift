import BasculeAPI
import BasculeCore
import BasculeStore
import Foundation
import OpenAPIRuntime

extension APIHandler {
    func listIncidents(_ input: Operations.ListIncidents.Input) async throws -> Operations.ListIncidents.Output {
        let query = input.query
        var release: Int?
        if let key = query.release {
            guard let parsed = ReleaseKey(key) else { throw ServiceError.badRequest([FieldError("release", "must be a release key such as REL-12")]) }
            release = parsed.number
        }
        let page = try await incidents.list(IncidentQuery(open: query.open, severity: query.severity, item: query.item?.lowercased(), release: release),
                                            limit: query.limit ?? 50, offset: query.offset ?? 0)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.IncidentView.init), total: page.total))))
    }

    func recordIncident(_ input: Operations.RecordIncident.Input) async throws -> Operations.RecordIncident.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let detail = try await incidents.record(.init(reference: body.reference, title: body.title, severity: body.severity, openedAt: body.openedAt,
                                                      resolvedAt: body.resolvedAt, items: body.items ?? [], link: body.link))
        return .created(.init(body: .json(.init(detail))))
    }

    func importIncidents(_ input: Operations.ImportIncidents.Input) async throws -> Operations.ImportIncidents.Output {
        guard case .csv(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be text/csv")]) }
        let text = try await Self.text(body, limit: 5_000_000)
        let result = try await incidents.importCSV(text, partial: input.query.partial ?? false)
        return .ok(.init(body: .json(.init(imported: result.imported, refused: result.refused.map { .init(field: $0.field, message: $0.message, line: $0.line) }))))
    }

    func getIncident(_ input: Operations.GetIncident.Input) async throws -> Operations.GetIncident.Output {
        .ok(.init(body: .json(.init(try await incidents.get(input.path.reference)))))
    }

    func updateIncident(_ input: Operations.UpdateIncident.Input) async throws -> Operations.UpdateIncident.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let detail = try await incidents.update(input.path.reference, .init(reference: input.path.reference, title: body.title, severity: body.severity,
                                                                           openedAt: body.openedAt, resolvedAt: body.resolvedAt, items: body.items ?? [], link: body.link))
        return .ok(.init(body: .json(.init(detail))))
    }

    func decideAttribution(_ input: Operations.DecideAttribution.Input) async throws -> Operations.DecideAttribution.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let detail = try await incidents.decide(input.path.reference, release: input.path.key, confirmed: body.decision == .confirmed)
        return .ok(.init(body: .json(.init(detail))))
    }

    func listReleaseIncidents(_ input: Operations.ListReleaseIncidents.Input) async throws -> Operations.ListReleaseIncidents.Output {
        .ok(.init(body: .json(try await incidents.attributed(to: input.path.key).map(Components.Schemas.AttributionView.init))))
    }

    func getEvidencePack(_ input: Operations.GetEvidencePack.Input) async throws -> Operations.GetEvidencePack.Output {
        let pack = try await EvidencePackWriter.make(input.path.key, evidence: evidence)
        return .ok(.init(headers: .init(xManifestSHA256: pack.manifestDigest), body: .applicationZip(HTTPBody(pack.bytes))))
    }

    func listIncidentSources(_ input: Operations.ListIncidentSources.Input) async throws -> Operations.ListIncidentSources.Output {
        .ok(.init(body: .json(try await incidents.sources().map {
            .init(name: $0.name, createdBy: $0.createdBy, createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt)
        })))
    }

    func addIncidentSource(_ input: Operations.AddIncidentSource.Input) async throws -> Operations.AddIncidentSource.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([FieldError("body", "must be JSON")]) }
        let token = try await incidents.addSource(body.name)
        return .created(.init(body: .json(.init(name: body.name.trimmingCharacters(in: .whitespaces), token: token))))
    }

    func removeIncidentSource(_ input: Operations.RemoveIncidentSource.Input) async throws -> Operations.RemoveIncidentSource.Output {
        try await incidents.removeSource(input.path.name)
        return .noContent(.init())
    }

    func getIndicators(_ input: Operations.GetIndicators.Input) async throws -> Operations.GetIndicators.Output {
        let query = input.query
        let filter = IndicatorFilter(environment: query.environment, tag: query.tag, item: query.item, team: query.team)
        guard query.to > query.from else { throw ServiceError.invalid([FieldError("to", "must be after from")]) }
        let set = try await reports.indicators(over: DateInterval(start: query.from, end: query.to), filter: filter)
        return .ok(.init(body: .json(.init(from: query.from, to: query.to,
                                           indicators: set.indicators.map { .init($0, explain: query.explain ?? false) }))))
    }

    func getReport(_ input: Operations.GetReport.Input) async throws -> Operations.GetReport.Output {
        let query = input.query
        let period: ReportPeriod
        do { period = try ReportPeriod(parsing: input.path.period) } catch { throw ServiceError.notFound("report period \(input.path.period) (use daily, weekly or monthly)") }
        let filter = IndicatorFilter(environment: query.environment, tag: query.tag, item: query.item, team: query.team)
        let report = try await reports.report(period, at: query.at, filter: filter)
        let words = Words(localizer: try localizer ?? Localizer(), language: query.lang == .fr ? .fr : .en,
                          formatting: WebFormatting(timeZone: report.timeZone))
        switch query.format ?? .json {
        case .md: return .ok(.init(body: .textMarkdown(HTTPBody(ReportDocuments.markdown(report, words)))))
        case .csv: return .ok(.init(body: .csv(HTTPBody(ReportDocuments.csv(report, words)))))
        case .json: return .ok(.init(body: .json(.init(report))))
        }
    }
}

extension Components.Schemas.IncidentView {
    init(_ stored: StoredIncident) {
        let incident = stored.incident
        self.init(reference: incident.reference, title: incident.title, severity: incident.severity, openedAt: incident.openedAt,
                  resolvedAt: incident.resolvedAt, items: incident.items, link: incident.link, source: stored.source,
                  timeToRestoreSeconds: incident.timeToRestore)
    }
}

extension Components.Schemas.AttributionView {
    init(_ attribution: StoredAttribution) {
        self.init(release: attribution.release, incident: attribution.incident, incidentTitle: attribution.incidentTitle, severity: attribution.severity,
                  openedAt: attribution.openedAt, resolvedAt: attribution.resolvedAt, state: .init(rawValue: attribution.state.rawValue) ?? .candidate,
                  path: attribution.path, sinceDeploymentSeconds: attribution.sinceDeployment, confidence: attribution.confidence,
                  decidedBy: attribution.decidedBy, decidedAt: attribution.decidedAt)
    }
}

extension Components.Schemas.IncidentDetail {
    init(_ detail: IncidentService.Detail) {
        self.init(incident: .init(detail.stored), attributions: detail.attributions.map(Components.Schemas.AttributionView.init))
    }
}

extension Components.Schemas.IndicatorView {
    init(_ indicator: IndicatorSet.Indicator, explain: Bool) {
        self.init(key: .init(rawValue: indicator.key.rawValue) ?? .deployed, unit: .init(rawValue: indicator.unit.rawValue) ?? .count,
                  value: indicator.value, numerator: indicator.numerator, denominator: indicator.denominator,
                  band: indicator.band.flatMap { .init(rawValue: $0.rawValue) },
                  counted: explain ? indicator.counted.map { .init(record: $0.record, value: $0.value) } : nil,
                  over: explain ? indicator.over.map { .init(record: $0.record, value: $0.value) } : nil)
    }
}

extension Components.Schemas.ReportCutover {
    init(_ cutover: PeriodReport.Cutover) {
        self.init(release: cutover.release, title: cutover.title, environment: cutover.environment, result: .init(rawValue: cutover.result.rawValue) ?? .deployed,
                  endedAt: cutover.endedAt, plannedDowntimeSeconds: cutover.plannedDowntime, actualDowntimeSeconds: cutover.actualDowntime,
                  insideWindow: cutover.insideWindow)
    }
}

extension Components.Schemas.ReportView {
    init(_ report: PeriodReport) {
        self.init(
            period: .init(rawValue: report.period.rawValue) ?? .weekly, from: report.interval.start, to: report.interval.end,
            nextFrom: report.next.start, nextTo: report.next.end, timeZone: report.timeZone.identifier, generatedAt: report.generatedAt,
            deployed: report.deployed.map(Components.Schemas.ReportCutover.init), failed: report.failed.map(Components.Schemas.ReportCutover.init),
            upcoming: report.upcoming.map {
                .init(release: $0.release, title: $0.title, status: .init($0.status), environment: $0.environment, start: $0.start, end: $0.end,
                      conflicts: $0.conflicts.map { .init($0.explanation) })
            },
            freezes: report.freezes.map { .init(title: $0.title, start: $0.start, end: $0.end) },
            overdueMilestones: report.overdue.map { .init(release: $0.release, title: $0.title, milestone: $0.milestone, due: $0.due) },
            incidents: report.incidents.map { line in
                .init(reference: line.reference, title: line.title, severity: line.severity, openedAt: line.openedAt, resolvedAt: line.resolvedAt,
                      causes: line.causes.map { .init(release: $0.release, state: $0.state, confidence: $0.confidence, path: $0.path) })
            },
            indicators: report.indicators.indicators.map { .init($0, explain: true) },
            trends: report.trends.map { trend in
                .init(key: trend.key.rawValue, points: zip(trend.periods, trend.values).map { .init(from: $0.start, to: $0.end, value: $1) })
            })
    }
}
