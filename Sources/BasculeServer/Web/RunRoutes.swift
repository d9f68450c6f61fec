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
        router.get("/releases/{key}/runbook/print", use: printRunbook)
        router.get("/runs/{id}", use: live)
        router.get("/runs/{id}/print", use: printRun)
        router.post("/runs/{id}/act", use: act)
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

    /// The runbook tab's YAML editor.
    @Sendable func saveRunbook(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let body = try await request.body.collect(upTo: RunbookDocument.maximumSize + 65_536)
        let fields: [String: String]
        do { fields = try URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: body)) } catch {
            return renderer.errorPage("The form could not be read.", request: request, status: .badRequest)
        }
        do {
            _ = try await services.runbooks.importYAML(key, fields["yaml"] ?? "", precondition: fields["revision"].flatMap(Int.init).map { .oneOf([$0]) })
            return WebRoutes<Context>.redirect("/releases/\(key.uppercased())?tab=runbook")
        } catch let error as ServiceError {
            let lines = error.fieldErrors.map(\.description)
            return renderer.errorPage(([error.fieldErrors.isEmpty ? error.description : "The runbook was not saved:"] + lines).joined(separator: "\n"),
                                      request: request, status: .init(code: error.status))
        }
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

    @Sendable func live(_ request: Request, context: Context) async throws -> Response {
        try await page(try context.parameters.require("id"), request: request)
    }

    @Sendable func printRun(_ request: Request, context: Context) async throws -> Response {
        try await page(try context.parameters.require("id"), request: request, template: "run-print")
    }

    @Sendable func printRunbook(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let language = Language.of(request)
        do {
            let release = try await services.releases.get(key)
            let (runbook, revision) = try await services.runbooks.get(key)
            let model: [String: Any] = [
                "release": "\(release.key) \(release.title) \(release.version)", "revision": revision,
                "window": present(release.window.map { formatting.displayWindow($0.start, $0.end, language) }),
                "steps": runbook.steps.map { Self.stepRow($0, renderer.words(request)) },
            ]
            return renderer.render("runbook-print", title: "\(release.key) runbook", page: model, request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    private func page(_ id: String, request: Request, refusal: ServiceError? = nil, template: String = "run") async throws -> Response {
        let language = Language.of(request)
        let localizer = renderer.localizer
        let view: RunService.View
        do {
            view = try await services.runs.view(id)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
        let run = view.run, forecast = view.forecast
        let time = Date.FormatStyle(date: .omitted, time: .shortened, locale: language.locale, calendar: formatting.calendar, timeZone: formatting.timeZone)
        let critical = Set(forecast.criticalPath)
        let plannedIndex = Dictionary(run.steps.enumerated().map { ($1.step.key, $0) }, uniquingKeysWith: { first, _ in first })
        let canAct = RequestOrigin.current.may(.runExecute) && !run.status.isOver
        let steps = zip(run.steps, run.waitingLists).map { step, waiting in
            let state = step.progress.state
            var row = Self.stepRow(step.step, renderer.words(request))
            row["state"] = state.rawValue
            row["stateLabel"] = localizer.text("step_\(state.rawValue)", language)
            row["segment"] = step.segment.rawValue
            row["rollback"] = step.segment == .rollback
            row["critical"] = critical.contains(step.step.key)
            row["started"] = present(step.progress.startedAt.map { $0.formatted(time) })
            row["ended"] = present(step.progress.endedAt.map { $0.formatted(time) })
            row["waiting"] = present(waiting.isEmpty ? nil : waiting.joined(separator: ", "))
            row["canStart"] = canAct && state == .pending && waiting.isEmpty
            row["canFinish"] = canAct && state == .running && step.step.kind != .goNoGo
            row["canDecide"] = canAct && state == .running && step.step.kind == .goNoGo
            row["canSkip"] = canAct && (state == .pending || state == .failed)
            row["automated"] = step.step.kind.isAutomated
            return row
        }
        let planned = view.planned
        let plannedStart = planned.starts
        let gantt = GanttChart(
            rows: run.steps.enumerated().map { position, step in
                let index = plannedIndex[step.step.key] ?? 0
                let start = index < plannedStart.count ? plannedStart[index] : (step.progress.startedAt ?? run.createdAt)
                let end = index < planned.finishes.count ? planned.finishes[index] : start.addingTimeInterval(step.step.plannedDuration)
                let expected = forecast.expected
                let pending = step.progress.state == .pending || step.progress.state == .running
                return GanttChart.Row(key: step.step.key, title: step.step.title, plannedStart: start, plannedEnd: end, actualStart: step.progress.startedAt,
                                      actualEnd: step.progress.endedAt,
                                      expectedStart: pending && position < expected.starts.count ? expected.starts[position] : nil,
                                      expectedEnd: pending && position < expected.finishes.count ? expected.finishes[position] : nil,
                                      state: step.progress.state, critical: critical.contains(step.step.key), downtime: step.step.downtime)
            },
            now: Date(), timeZone: formatting.timeZone)
        func minutes(_ seconds: TimeInterval) -> String { String(Int((seconds / 60).rounded())) }
        let delay = forecast.delay
        var model: [String: Any] = [
            "id": run.id.uuidString.lowercased(), "release": "\(view.release.key) \(view.release.title) \(view.release.version)",
            "releaseHref": "/releases/\(view.release.key)?tab=runbook", "kind": localizer.text("run_\(run.kind.rawValue)", language),
            "live": run.kind == .live, "status": run.status.rawValue, "statusLabel": localizer.text("runstatus_\(run.status.rawValue)", language),
            "over": run.status.isOver, "canAct": canAct,
            "expectedEnd": forecast.expectedEnd.formatted(time), "p90End": forecast.p90End.formatted(time), "p50End": forecast.p50End.formatted(time),
            "delay": minutes(abs(delay)), "behind": delay > 60, "ahead": delay < -60,
            "downtimeSoFar": minutes(forecast.downtimeSoFar), "expectedDowntime": minutes(forecast.expectedDowntime),
            "p90Downtime": minutes(forecast.p90Downtime), "rehearsals": view.rehearsals,
            "steps": steps, "gantt": gantt.svg(title: localizer.text("run_gantt", language)),
            "log": run.log.reversed().map { action -> [String: Any] in
                ["at": formatting.display(action.at, language), "actor": action.actor, "kind": action.kind.rawValue, "step": present(action.step),
                 "text": action.text, "decision": present(action.decision?.rawValue)]
            },
            "canRollback": canAct && run.kind == .live && !run.steps.contains { $0.segment == .rollback },
            "eventsURL": "/api/v1/runs/\(run.id.uuidString.lowercased())/events",
        ]
        if let refusal { model["error"] = refusal.description }
        return renderer.render(template, title: "\(view.release.key) — \(localizer.text("run_\(run.kind.rawValue)", language))", page: model,
                               request: request, status: refusal.map { .init(code: $0.status) } ?? .ok)
    }

    static func stepRow(_ step: RunbookStep, _ words: Words) -> [String: Any] {
        ["key": step.key, "title": step.title, "phase": words.label(step.phase), "kind": words.label(step.kind), "owner": step.owner ?? "—",
         "minutes": String(Int((step.plannedDuration / 60).rounded())), "after": step.predecessors.joined(separator: ", "),
         "downtime": step.downtime, "undoneBy": present(step.undoneBy),
         "instructions": present(step.instructions.isEmpty ? nil : MarkdownRenderer.html(step.instructions))]
    }
}
