import BasculeCore
import BasculeStore
import Foundation
import Hummingbird
import HummingbirdCore

/// Builds the release page for every route that shows it: the page itself, a refused move,
/// a refused runbook.
struct ReleasePageRenderer: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer

    /// The release page; `runbookDraft` keeps a refused YAML runbook in its editor with the errors.
    func page(_ key: String, request: Request, refusal: ServiceError? = nil, refusedTarget: ReleaseStatus? = nil,
              runbookDraft: (yaml: String, errors: [FieldError])? = nil, status: HTTPResponse.Status? = nil, tab shown: String? = nil,
              versionErrors: [FieldError] = []) async throws -> Response {
        let words = renderer.words(request)
        let release = try await services.releases.get(key)
        let parameters = request.uri.queryParameters
        let tab = shown ?? parameters.get("tab").flatMap { ReleasePage.tabNames.contains($0) ? $0 : nil } ?? "overview"
        let tabs = ReleaseTabs(services: services, words: words)
        let canReadHistory = RequestOrigin.current.may(.auditRead) && tab == "overview"
        let cursor = parameters.get("history").flatMap { $0.isEmpty ? nil : $0 }
        let history = canReadHistory ? try await services.audit.list(AuditQuery(target: release.key.description), limit: 50, cursor: cursor) : Page(items: [], nextCursor: nil)
        let liveRun = release.status == .inProgress ? try await services.runs.list(of: key).first { $0.kind == .live && !$0.status.isOver } : nil
        var refused: ReleasePage.Refusal?
        if let refusal { refused = try await self.refusal(refusal, of: release, target: refusedTarget, tabs: tabs, words) }
        let model = ReleasePage.Model(
            release: ReleasePage.header(release, liveRun: liveRun, words),
            tabs: ReleasePage.tabs(release.key.description, current: tab, words), overview: tab == "overview",
            refusal: refused,
            history: history.items.map { ReleasePage.history($0, words) }, canReadHistory: canReadHistory,
            olderHistoryHref: history.nextCursor.map { "/releases/\(release.key)?history=\($0)#history" },
            newestHistoryHref: cursor == nil ? nil : "/releases/\(release.key)#history",
            plan: tab == "plan" ? try await tabs.plan(release) : nil,
            risks: tab == "risks" ? try await tabs.risks(release) : nil,
            changes: tab == "changes" ? try await tabs.changes(release) : nil,
            tests: tab == "tests" ? try await tabs.tests(release) : nil,
            approvals: tab == "approvals" ? try await tabs.approvals(release) : nil,
            policy: tab == "policy" ? try await tabs.policy(release, target: parameters.get("to").flatMap(ReleaseStatus.init(rawValue:))) : nil,
            impact: tab == "impact" ? try await tabs.impact(release) : nil,
            calendar: tab == "calendar" ? try await tabs.calendar(release) : nil,
            runbook: tab == "runbook" ? try await tabs.runbook(release, draft: runbookDraft) : nil,
            people: tab == "overview" ? try await people(release, words) : nil,
            afterRelease: tab == "overview" ? try await afterRelease(release, words) : nil,
            meetings: tab == "overview" ? try await meetings(release, words) : nil,
            promotion: tab == "overview" ? PromotionPanel.model(try await services.promotion.path(of: key), now: Date(), words) : nil,
            dependencies: tab == "overview" ? DependenciesPanel.model(try await services.dependencies.dependencies(of: key), words) : nil,
            versions: tab == "versions" ? try await versions(release, parameters: parameters, errors: versionErrors, words) : nil)
        return renderer.page("release", title: "\(release.key) \(release.title)", model: model, request: request,
                             status: status ?? refusal.map { .init(code: $0.status) } ?? .ok)
    }

    /// Runs what a form of the release page asks. A refusal (409, 422) comes back on the page,
    /// said above its overview; any other is the error page.
    func acting(on key: String, _ request: Request, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as ServiceError where error.status == 422 || error.status == 409 {
            return try await page(key, request: request, refusal: error)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    /// The versions tab: one read of the whole range (kinds pair reverts anywhere in it), a page
    /// of it shown, the unclassified ones first, and the notes draft in the audience and language asked.
    private func versions(_ release: Release, parameters: FlatDictionary<Substring, Substring>, errors: [FieldError], _ words: Words) async throws -> VersionsTab {
        let key = release.key.description
        let notes = try await services.versions.notes(of: key)
        let all = try await services.versions.commits(of: key, limit: .max)
        let offset = max(0, min(parameters.get("offset").flatMap(Int.init) ?? 0, all.total))
        let page = (total: all.total, commits: Array(all.commits.dropFirst(offset).prefix(VersionsTab.pageSize)),
                    kinds: Array(all.kinds.dropFirst(offset).prefix(VersionsTab.pageSize)))
        let unclassified = zip(all.commits, all.kinds).filter { $1 == .unclassified }.prefix(200).map(\.0)
        let audience = parameters.get("audience").flatMap(ReleaseNotesDraft.Audience.init(rawValue:)) ?? .technical
        let language = parameters.get("lang").flatMap(Language.init(rawValue:)) ?? words.language
        let notesWords = Words(localizer: words.localizer, language: language, formatting: words.formatting)
        let markdown = notes.draft.markdown(audience, headings: ReleaseNotesDraft.Headings(notes, notesWords))
        return VersionsTab.model(notes: notes, page: page, unclassified: Array(unclassified), offset: offset, audience: audience, language: language,
                                 markdown: markdown, errors: errors, words)
    }

    private func afterRelease(_ release: Release, _ words: Words) async throws -> AfterReleasePanel? {
        let deployments = try await services.store.withConnection { try await DeploymentRepository($0).of(release: release.key.number) }
        let attributions = RequestOrigin.current.may(.incidentRead) ? try await services.incidents.attributed(to: release.key.description) : nil
        return AfterReleasePanel.model(release, deployments: deployments, attributions: attributions,
                                       mayExport: RequestOrigin.current.may(.auditRead), words)
    }

    private func meetings(_ release: Release, _ words: Words) async throws -> MeetingsPanel? {
        guard RequestOrigin.current.may(.meetingRead) else { return nil }
        let key = release.key.description
        let everWhen = DateInterval(start: .distantPast, end: Date.distantFuture)
        let review = try await services.store.withConnection { try await ReviewRepository($0).find(release.key) }
        // Lessons matter before the cutover; once it has ended, its own review takes over.
        let ended: Set<ReleaseStatus> = [.deployed, .rolledBack, .failed, .closed, .cancelled]
        let recommendations = ended.contains(release.status) ? nil : try await services.reviews.recommendations(for: key)
        return MeetingsPanel.model(meetings: try await services.meetings.list(period: everWhen, release: key),
                                   actions: try await services.actions.list(.init(release: key)), review: review, recommendations: recommendations,
                                   now: Date(), words)
    }

    private func people(_ release: Release, _ words: Words) async throws -> StakeholdersPanel {
        let stakeholders = try await services.notifications.stakeholders(of: release.key.description)
        let mine = RequestOrigin.current.may(.notificationsOwn) ? try await services.notifications.subscriptions() : []
        let following = mine.first { $0.scope == .release(release.key.description) }
        return StakeholdersPanel.model(release, stakeholders: stakeholders, following: following, words)
    }

    /// Why a move was refused, each reason once and in the reader's language with what fixes
    /// it; the override form for a policy refusal, and windows to move to only when the calendar
    /// is among the reasons.
    private func refusal(_ error: ServiceError, of release: Release, target: ReleaseStatus?, tabs: ReleaseTabs, _ words: Words) async throws -> ReleasePage.Refusal {
        let policyRefusal = error.fieldErrors.contains { $0.field.hasPrefix("policy.") }
        guard let target, policyRefusal else {
            let reasons = error.fieldErrors.map { GateReason(text: words.error($0), fix: nil) }
            return ReleasePage.Refusal(summary: reasons.isEmpty ? error.description : words.text("refusal_summary"), reasons: reasons, override: nil, suggested: nil)
        }
        let (check, _) = try await services.policy.check(release.key.description, to: target)
        let calendarIsAReason = check.failures.contains { GateFix.calendarKinds.contains($0.kind) }
        return ReleasePage.Refusal(
            summary: words.text("refusal_gate", ["status": words.label(target)]),
            reasons: GateReason.all(check: check, release: release, words),
            override: RequestOrigin.current.may(.releaseTransition) ? ReleasePage.Override(to: target.rawValue, revision: release.revision) : nil,
            suggested: calendarIsAReason ? try await tabs.slots(release) : nil)
    }
}
