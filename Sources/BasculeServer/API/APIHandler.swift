import BasculeAPI
import BasculeCore
import BasculeStore
import Foundation
import OpenAPIRuntime

/// Implements the generated server protocol: decode, call the service, encode. Refusals are
/// thrown as `ServiceError` and become problems in `ProblemMiddleware`.
struct APIHandler: APIProtocol {
    let releases: ReleaseService
    let environments: EnvironmentService
    let health: HealthService
    let audit: AuditService
    let identity: IdentityService
    let teams: TeamService
    let plans: PlanService
    let changes: ChangeService
    let tests: TestEvidenceService
    let approvals: ApprovalService
    let policy: PolicyService
    let inventory: InventoryService
    let calendar: CalendarService
    let maintenance: MaintenanceWindowService
    let runbooks: RunbookService
    let runs: RunService
    let agents: AgentService
    let secrets: SecretService
    let notifications: NotificationService
    let webhooks: WebhookService
    let statusPage: StatusPageService
    let incidents: IncidentService
    let reports: ReportService
    let evidence: EvidenceService
    let meetings: MeetingService
    let meetingSeries: MeetingSeriesService
    let actions: ActionService
    let reviews: ReviewService
    let versions: VersionService
    let dependencies: DependencyService
    let promotion: PromotionService
    /// The zone notices are worded in.
    let timeZone: TimeZone
    /// The words of the SVG the API draws (the reliability diagram), read once.
    let localizer: Localizer?

    init(services: BasculeServices, timeZone: TimeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt) {
        notifications = services.notifications
        webhooks = services.webhooks
        statusPage = services.statusPage
        incidents = services.incidents
        reports = services.reports
        evidence = services.evidence
        meetings = services.meetings
        meetingSeries = services.meetingSeries
        actions = services.actions
        reviews = services.reviews
        versions = services.versions
        dependencies = services.dependencies
        promotion = services.promotion
        self.timeZone = timeZone
        releases = services.releases
        environments = services.environments
        health = services.health
        audit = services.audit
        identity = services.identity
        teams = services.teams
        plans = services.plans
        changes = services.changes
        tests = services.tests
        approvals = services.approvals
        policy = services.policy
        inventory = services.inventory
        calendar = services.calendar
        maintenance = services.maintenance
        runbooks = services.runbooks
        runs = services.runs
        agents = services.agents
        secrets = services.secrets
        localizer = try? Localizer()
    }

    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        let engine = try await health.check()
        return .ok(.init(body: .json(.init(status: .ok, database: engine, version: BasculeVersion.current))))
    }

    func getOpenAPIDocument(_ input: Operations.GetOpenAPIDocument.Input) async throws -> Operations.GetOpenAPIDocument.Output {
        guard let document = OpenAPIDocument.yaml() else { throw ServiceError.notFound("the OpenAPI document") }
        return .ok(.init(body: .yaml(HTTPBody(document))))
    }

    func listReleases(_ input: Operations.ListReleases.Input) async throws -> Operations.ListReleases.Output {
        let query = input.query
        let filter = ReleaseQuery(
            statuses: (query.status ?? []).map(\.domain), environment: query.environment, from: query.from, to: query.to,
            text: query.q?.trimmingCharacters(in: .whitespaces))
        let page = try await releases.list(filter, limit: query.limit, cursor: query.cursor)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Release.init), nextCursor: page.nextCursor))))
    }

    func createRelease(_ input: Operations.CreateRelease.Input) async throws -> Operations.CreateRelease.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let release = try await releases.create(ReleaseInput(body))
        return .created(.init(
            headers: .init(eTag: ETag.make(release.revision), location: "/api/v1/releases/\(release.key)"),
            body: .json(.init(release))))
    }

    func getRelease(_ input: Operations.GetRelease.Input) async throws -> Operations.GetRelease.Output {
        let release = try await releases.get(input.path.key)
        return .ok(.init(headers: .init(eTag: ETag.make(release.revision)), body: .json(.init(release))))
    }

    func updateRelease(_ input: Operations.UpdateRelease.Input) async throws -> Operations.UpdateRelease.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let release = try await releases.update(
            input.path.key, changes: ReleaseChanges(body), precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        return .ok(.init(headers: .init(eTag: ETag.make(release.revision)), body: .json(.init(release))))
    }

    func deleteRelease(_ input: Operations.DeleteRelease.Input) async throws -> Operations.DeleteRelease.Output {
        try await releases.delete(input.path.key, precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        return .noContent(.init())
    }

    func transitionRelease(_ input: Operations.TransitionRelease.Input) async throws -> Operations.TransitionRelease.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let release = try await releases.transition(
            input.path.key, to: body.to.domain, override: body.override, precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        return .ok(.init(headers: .init(eTag: ETag.make(release.revision)), body: .json(.init(release))))
    }

    func listEnvironments(_ input: Operations.ListEnvironments.Input) async throws -> Operations.ListEnvironments.Output {
        let page = try await environments.list(limit: input.query.limit, cursor: input.query.cursor)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Environment.init), nextCursor: page.nextCursor))))
    }

    func createEnvironment(_ input: Operations.CreateEnvironment.Input) async throws -> Operations.CreateEnvironment.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let environment = try await environments.create(name: body.name, kind: body.kind.domain, order: body.order)
        return .created(.init(body: .json(.init(environment))))
    }

    func listAuditEvents(_ input: Operations.ListAuditEvents.Input) async throws -> Operations.ListAuditEvents.Output {
        let query = input.query
        let filter = AuditQuery(target: query.target, actor: query.actor, from: query.from, to: query.to)
        let page = try await audit.list(filter, limit: query.limit, cursor: query.cursor)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.AuditEvent.init), nextCursor: page.nextCursor))))
    }
}
