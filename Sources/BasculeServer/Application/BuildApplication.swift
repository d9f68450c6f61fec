import BasculeAPI
import BasculeCore
import BasculeStore
import Foundation
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle

/// The services of one running Bascule, shared by the API, the pages and the CLI's local commands.
public struct BasculeServices: Sendable {
    public let store: Store
    public let releases: ReleaseService
    public let environments: EnvironmentService
    public let health: HealthService
    public let audit: AuditService
    public let identity: IdentityService
    public let teams: TeamService
    public let plans: PlanService
    public let changes: ChangeService
    public let tests: TestEvidenceService
    public let approvals: ApprovalService
    public let policy: PolicyService
    public let inventory: InventoryService
    public let calendar: CalendarService
    public let maintenance: MaintenanceWindowService
    public let runbooks: RunbookService
    public let runs: RunService
    public let agents: AgentService
    public let secrets: SecretService
    public let notifications: NotificationService
    public let webhooks: WebhookService
    public let statusPage: StatusPageService
    public let incidents: IncidentService
    public let reports: ReportService
    public let evidence: EvidenceService
    public let meetings: MeetingService
    public let meetingSeries: MeetingSeriesService
    public let actions: ActionService
    public let reviews: ReviewService
    public let versions: VersionService
    public let dependencies: DependencyService
    public let promotion: PromotionService
    /// Rung when notices or deliveries may be waiting: the sender looks at once.
    let deliveryBell = DeliveryBell()
    let vault: SecretVault
    /// Where e-mail goes; nil: nobody is sent e-mail.
    let smtp: SMTPSettings?
    /// The domain events this replica hears of, from every replica.
    public let feed: EventFeed
    /// What `/metrics` tells of this replica.
    public let metrics = ServerMetrics()

    /// `passwordCost` is bcrypt's: 12 in service; tests lower it to stay fast.
    /// `vault`: the key secrets are sealed with; without one, secrets are refused.
    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init, passwordCost: UInt8 = 12, agentSettings: AgentSettings = AgentSettings(),
                vault: SecretVault = .disabled, smtp: SMTPSettings? = nil) {
        self.store = store
        releases = ReleaseService(store: store, now: now)
        environments = EnvironmentService(store: store, now: now)
        health = HealthService(store: store)
        audit = AuditService(store: store, now: now)
        identity = IdentityService(store: store, now: now, hasher: PasswordHasher(cost: passwordCost))
        teams = TeamService(store: store, now: now)
        plans = PlanService(store: store, now: now)
        changes = ChangeService(store: store, now: now)
        tests = TestEvidenceService(store: store, now: now)
        approvals = ApprovalService(store: store, now: now)
        policy = PolicyService(store: store, now: now)
        inventory = InventoryService(store: store, now: now)
        calendar = CalendarService(store: store, now: now)
        maintenance = MaintenanceWindowService(store: store, now: now)
        runbooks = RunbookService(store: store, now: now)
        feed = EventFeed(store: store)
        runs = RunService(store: store, now: now)
        secrets = SecretService(store: store, now: now, vault: vault)
        agents = AgentService(store: store, now: now, runs: runs, secrets: secrets, settings: agentSettings)
        self.vault = vault
        self.smtp = smtp
        let bell = deliveryBell
        notifications = NotificationService(store: store, now: now, smtp: smtp, ring: { bell.ring() })
        webhooks = WebhookService(store: store, now: now, vault: vault, ring: { bell.ring() })
        statusPage = StatusPageService(store: store, now: now, runs: runs)
        incidents = IncidentService(store: store, now: now)
        reports = ReportService(store: store, now: now)
        evidence = EvidenceService(store: store, now: now)
        meetings = MeetingService(store: store, now: now)
        meetingSeries = MeetingSeriesService(store: store, now: now)
        actions = ActionService(store: store, now: now)
        reviews = ReviewService(store: store, now: now)
        versions = VersionService(store: store, now: now)
        dependencies = DependencyService(store: store, now: now)
        promotion = PromotionService(store: store, now: now)
        feed.subscribe(Notices.topic) { _ in bell.ring() }
        feed.subscribe(RunService.topic) { [runs] in await runs.relay($0) }
        feed.subscribe(IdentityService.topic) { [identity] _ in identity.revocations.bump() }
        feed.subscribe(AgentService.topic) { [agents] _ in agents.forgetCredentials() }
    }
}

/// Builds the whole application on an open, migrated store. Tests build this same one.
public func buildApplication(
    _ configuration: ServerConfiguration, services: BasculeServices, logger: Logger = Logger(label: "bascule")
) async throws -> some ApplicationProtocol {
    let router = try await buildRouter(configuration, services: services, logger: logger)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Bascule"),
        services: try applicationServices(configuration, services: services, logger: logger),
        logger: logger)
}

/// What runs beside the HTTP server: the events feed, background work, the WAL checkpoint, the
/// agents' sweep, and the sender of notifications.
func applicationServices(_ configuration: ServerConfiguration, services: BasculeServices, logger: Logger) throws -> [any Service] {
    var running: [any Service] = [
        EventFeedService(feed: services.feed, store: services.store, logger: logger),
        BackgroundWorkService(store: services.store, jobs: backgroundJobs(configuration, services: services), logger: logger),
        CheckpointService(store: services.store, logger: logger),
        AgentSweepService(agents: services.agents, logger: logger),
    ]
    if configuration.sendsNotifications {
        running.append(DeliveryService(store: services.store, vault: services.vault, bell: services.deliveryBell, localizer: try Localizer(),
                                       formatting: WebFormatting(timeZone: configuration.timeZone), siteURL: configuration.publicURL,
                                       smtp: services.smtp, logger: logger))
    }
    return running
}

/// The recurring work replicas share: the purge always, backups when configured.
func backgroundJobs(_ configuration: ServerConfiguration, services: BasculeServices) -> [BackgroundJob] {
    var jobs = [BackgroundJob.purge(store: services.store, now: Date.init), CalendarWatch(store: services.store, now: Date.init).job(),
                services.meetingSeries.job()]
    if let schedule = configuration.backups {
        jobs.append(.backup(store: services.store, into: BackupFolder(folder: schedule.folder, keep: schedule.keep), every: schedule.every, now: Date.init))
    }
    return jobs
}

func buildRouter(_ configuration: ServerConfiguration, services: BasculeServices, logger: Logger) async throws -> Router<BasculeRequestContext> {
    let renderer = try await PageRenderer.load(timeZone: configuration.timeZone)
    let router = Router(context: BasculeRequestContext.self)
    router.middlewares.add(RequestMetricsMiddleware(metrics: services.metrics, accessLog: configuration.accessLog))
    router.middlewares.add(LogRequestsMiddleware(.debug))
    router.middlewares.add(SecurityHeadersMiddleware())
    router.middlewares.add(ErrorResponseMiddleware(renderer: renderer))
    router.middlewares.add(InputTextMiddleware())
    router.middlewares.add(HeaderEncodingMiddleware())
    if let folder = Bundle.module.url(forResource: "static", withExtension: nil, subdirectory: "Resources") {
        router.middlewares.add(FileMiddleware(folder.path, urlBasePath: "/static", logger: logger))
    }
    router.middlewares.add(AuthenticationMiddleware(identity: services.identity, proxies: configuration.trustedProxies))
    router.middlewares.add(InboxBadgeMiddleware(notifications: services.notifications))
    router.get("/health") { _, _ in
        let engine = try await services.health.check()
        let body = #"{"status":"ok","database":"\#(engine)","version":"\#(BasculeVersion.current)"}"#
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
    // For Prometheus: a token of a user who may read the audit trail (an auditor), like any API client.
    router.get("/metrics") { _, _ in
        let text = try await services.metrics.exposition(store: services.store, runs: services.runs, agentHeartbeat: services.agents.settings.heartbeat)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
    ReleaseReadRoute<BasculeRequestContext>(releases: services.releases).register(on: router)
    AgentRoutes<BasculeRequestContext>(agents: services.agents).register(on: router)
    InboundIncidentRoutes<BasculeRequestContext>(incidents: services.incidents).register(on: router)
    let handler = APIHandler(services: services, timeZone: configuration.timeZone)
    try handler.registerHandlers(
        on: RouterTransport(router: router, answeredElsewhere: [ReleaseReadRoute<BasculeRequestContext>.operation]), serverURL: try Servers.Server1.url(), configuration: .bascule,
        middlewares: [ProblemMiddleware(logger: logger)])
    SignInRoutes<BasculeRequestContext>(identity: services.identity, renderer: renderer).register(on: router)
    WebRoutes<BasculeRequestContext>(
        releases: services.releases, environments: services.environments, audit: services.audit, renderer: renderer,
        formatting: WebFormatting(timeZone: configuration.timeZone), services: services
    ).register(on: router)
    ApprovalRoutes<BasculeRequestContext>(services: services, renderer: renderer, formatting: WebFormatting(timeZone: configuration.timeZone)).register(on: router)
    CalendarRoutes<BasculeRequestContext>(services: services, renderer: renderer, formatting: WebFormatting(timeZone: configuration.timeZone)).register(on: router)
    PlanRoutes<BasculeRequestContext>(services: services, renderer: renderer).register(on: router)
    EvidenceRoutes<BasculeRequestContext>(services: services, renderer: renderer).register(on: router)
    InventoryRoutes<BasculeRequestContext>(services: services, renderer: renderer).register(on: router)
    RunbookLibraryRoutes<BasculeRequestContext>(services: services, renderer: renderer).register(on: router)
    CalibrationRoutes<BasculeRequestContext>(services: services, renderer: renderer).register(on: router)
    IncidentRoutes<BasculeRequestContext>(services: services, renderer: renderer).register(on: router)
    MeetingRoutes<BasculeRequestContext>(services: services, renderer: renderer).register(on: router)
    ReviewRoutes<BasculeRequestContext>(services: services, renderer: renderer, siteURL: configuration.publicURL).register(on: router)
    ReportRoutes<BasculeRequestContext>(services: services, renderer: renderer).register(on: router)
    AgentPageRoutes<BasculeRequestContext>(services: services, renderer: renderer).register(on: router)
    PolicyRoutes<BasculeRequestContext>(services: services, renderer: renderer).register(on: router)
    PeopleRoutes<BasculeRequestContext>(services: services, renderer: renderer).register(on: router)
    NotificationRoutes<BasculeRequestContext>(services: services, renderer: renderer).register(on: router)
    VersionRoutes<BasculeRequestContext>(services: services, renderer: renderer).register(on: router)
    EnvironmentRoutes<BasculeRequestContext>(services: services, renderer: renderer).register(on: router)
    WebhookRoutes<BasculeRequestContext>(services: services, renderer: renderer).register(on: router)
    StatusRoutes<BasculeRequestContext>(services: services, renderer: renderer, siteURL: configuration.publicURL).register(on: router)
    RunRoutes<BasculeRequestContext>(services: services, renderer: renderer, formatting: WebFormatting(timeZone: configuration.timeZone)).register(on: router)
    return router
}
