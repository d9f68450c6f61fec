import BasculeCore
import Foundation
import Hummingbird

/// The runbook tab's forms, the live page of a run, its actions as forms, and printable
/// exports of the runbook and of the run log for teams that work offline.
struct RunRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer
    let formatting: WebFormatting

    func register(on router: Router<Context>) {
        router.post("/releases/{key}/runs", use: create)
        router.post("/releases/{key}/runbook", use: saveRunbook)
        router.get("/releases/{key}/runbook/edit", use: editSteps)
        router.post("/releases/{key}/runbook/steps", use: saveSteps)
        router.get("/releases/{key}/runbook/print", use: printRunbook)
        router.get("/runs/{id}", use: live)
        router.get("/runs/{id}/print", use: printRun)
        router.post("/runs/{id}/act", use: act)
        router.post("/runs/{id}/steps/{key}/roll-back", use: rollBack)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let fields = try await WebRoutes<Context>.form(request)
        do {
            let run = try await services.runs.create(in: key, kind: fields["kind"] == "live" ? .live : .rehearsal)
            return WebRoutes<Context>.redirect("/runs/\(run.id.uuidString.lowercased())")
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    /// The runbook tab's YAML editor: a refused runbook comes back in the editor, as typed,
    /// with each error and its line.
    @Sendable func saveRunbook(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let fields = try await WebRoutes<Context>.form(request, limit: RunbookDocument.maximumSize + BodyLimits.formMargin)
        let yaml = fields["yaml"] ?? ""
        do {
            _ = try await services.runbooks.importYAML(key, yaml, precondition: fields["revision"].flatMap(Int.init).map { .oneOf([$0]) })
            return WebRoutes<Context>.redirect("/releases/\(key.uppercased())?tab=runbook&done=runbook_saved")
        } catch let error as ServiceError {
            if case .notFound = error { return renderer.errorPage(error.description, request: request, status: .notFound) }
            if error.status == 403 { return renderer.errorPage(error.description, request: request, status: .forbidden) }
            let errors = error.fieldErrors.isEmpty ? [PlanRoutes<Context>.stale(error)] : error.fieldErrors
            return try await ReleasePageRenderer(services: services, renderer: renderer)
                .page(key, request: request, runbookDraft: (yaml, errors), status: .init(code: error.status), tab: "runbook")
        }
    }

    @Sendable func editSteps(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        do {
            let release = try await services.releases.get(key)
            let (runbook, revision) = try await services.runbooks.get(key)
            let drafts = Dictionary(uniqueKeysWithValues: RunbookEditPage.drafts(of: runbook).enumerated().map { ($0.offset, $0.element) })
            return stepsPage(release, drafts: drafts, revision: revision, errors: [], request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    /// The step-by-step editor's rows, saved whole as the runbook; refused rows come back as typed.
    @Sendable func saveSteps(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let body = try await request.body.collect(upTo: RunbookDocument.maximumSize * 2 + BodyLimits.formMargin)
        let pairs = FormPairs.read(String(buffer: body))
        let revision = pairs.first { $0.name == "revision" }.flatMap { Int($0.value) } ?? 0
        let drafts = RunbookEditPage.drafts(from: pairs)
        do {
            let release = try await services.releases.get(key)
            let (runbook, errors) = RunbookEditPage.runbook(from: drafts)
            guard let runbook else { return stepsPage(release, drafts: drafts, revision: revision, errors: errors, request: request, status: .unprocessableContent) }
            do {
                _ = try await services.runbooks.replace(key, with: runbook, precondition: .oneOf([revision]))
            } catch let error as ServiceError where error.status != 403 && error.status != 404 {
                let errors = error.fieldErrors.isEmpty ? [PlanRoutes<Context>.stale(error)] : error.fieldErrors
                return stepsPage(release, drafts: drafts, revision: revision, errors: errors, request: request, status: .init(code: error.status))
            }
            return WebRoutes<Context>.redirect("/releases/\(release.key)?tab=runbook&done=runbook_saved")
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    private func stepsPage(_ release: Release, drafts: [Int: RunbookEditPage.Draft], revision: Int, errors: [FieldError], request: Request,
                           status: HTTPResponse.Status = .ok) -> Response {
        let words = renderer.words(request)
        let model = RunbookEditPage.model(release: release, drafts: drafts, revision: revision, errors: errors, words)
        return renderer.page("runbook-edit", title: "\(release.key) · \(words.text("runbook_step_editor"))", model: model, request: request, status: status)
    }

    @Sendable func act(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let fields = try await WebRoutes<Context>.form(request)
        do {
            let command: RunCommand
            do {
                command = try RunCommand(action: fields["action"] ?? "", step: fields["step"], comment: fields["comment"] ?? "", decision: fields["decision"])
            } catch {
                throw ServiceError(error)
            }
            _ = try await services.runs.act(id, command)
            return WebRoutes<Context>.redirect("/runs/\(id)")
        } catch let error as ServiceError {
            if case .notFound = error { return renderer.errorPage(error.description, request: request, status: .notFound) }
            return try await page(id, request: request, refusal: error)
        }
    }

    /// An operator's rollback of a running rolling update.
    @Sendable func rollBack(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let fields = try await WebRoutes<Context>.form(request)
        do {
            _ = try await services.agents.askRollback(run: id, step: try context.parameters.require("key"), reason: fields["reason"] ?? "")
            return WebRoutes<Context>.redirect("/runs/\(id)")
        } catch let error as ServiceError {
            if case .notFound = error { return renderer.errorPage(error.description, request: request, status: .notFound) }
            return try await page(id, request: request, refusal: error)
        }
    }

    @Sendable func live(_ request: Request, context: Context) async throws -> Response {
        try await page(try context.parameters.require("id"), request: request)
    }

    @Sendable func printRun(_ request: Request, context: Context) async throws -> Response {
        try await page(try context.parameters.require("id"), request: request, template: "run-print")
    }

    @Sendable func printRunbook(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let words = renderer.words(request)
        do {
            let release = try await services.releases.get(key)
            let (runbook, revision) = try await services.runbooks.get(key)
            let model = RunbookPrint.Model(
                release: "\(release.key) \(release.title) \(release.version)",
                heading: words.text("runbook_print_heading", ["revision": words.number(revision)]),
                window: release.window.map(words.window), steps: runbook.steps.map { RunbookPrint.step($0, words) })
            return renderer.page("runbook-print", title: "\(release.key) · \(words.text("tab_runbook"))", model: model, request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    private func page(_ id: String, request: Request, refusal: ServiceError? = nil, template: String = "run") async throws -> Response {
        let words = renderer.words(request)
        let view: RunService.View
        do {
            view = try await services.runs.view(id)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
        let facts = (try? await services.agents.facts(of: view.run)) ?? RunAutomationFacts()
        var model = RunPage.model(view, now: Date(), words, automation: facts)
        model.refusal = refusal.map { error in error.fieldErrors.isEmpty ? error.description : error.fieldErrors.map(words.error).joined(separator: " ") }
        return renderer.page(template, title: "\(view.release.key) — \(words.label(view.run.kind))", model: model, request: request,
                             status: refusal.map { .init(code: $0.status) } ?? .ok)
    }
}
