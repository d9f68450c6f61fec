import BasculeAPI
import BasculeCore
import Foundation
import OpenAPIRuntime
import ServiceLifecycle

extension APIHandler {
    func getRunbook(_ input: Operations.GetRunbook.Input) async throws -> Operations.GetRunbook.Output {
        let (runbook, revision) = try await runbooks.get(input.path.key)
        return .ok(.init(headers: .init(eTag: ETag.make(revision)), body: .json(.init(runbook, revision: revision, release: input.path.key))))
    }

    func replaceRunbook(_ input: Operations.ReplaceRunbook.Input) async throws -> Operations.ReplaceRunbook.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let (runbook, revision) = try await runbooks.replace(input.path.key, with: Runbook(steps: body.steps.map(RunbookStep.init)),
                                                             precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        return .ok(.init(headers: .init(eTag: ETag.make(revision)), body: .json(.init(runbook, revision: revision, release: input.path.key))))
    }

    func exportRunbook(_ input: Operations.ExportRunbook.Input) async throws -> Operations.ExportRunbook.Output {
        .ok(.init(body: .yaml(HTTPBody(try await runbooks.exportYAML(input.path.key)))))
    }

    func importRunbook(_ input: Operations.ImportRunbook.Input) async throws -> Operations.ImportRunbook.Output {
        guard case .yaml(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be application/yaml")]) }
        let text = try await Self.text(body, limit: RunbookDocument.maximumSize)
        let (runbook, revision) = try await runbooks.importYAML(input.path.key, text, precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        return .ok(.init(headers: .init(eTag: ETag.make(revision)), body: .json(.init(runbook, revision: revision, release: input.path.key))))
    }

    func instantiateRunbook(_ input: Operations.InstantiateRunbook.Input) async throws -> Operations.InstantiateRunbook.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let (runbook, revision) = try await runbooks.instantiate(input.path.key, template: body.template,
                                                                 values: body.variables?.additionalProperties ?? [:])
        return .ok(.init(body: .json(.init(runbook, revision: revision, release: input.path.key))))
    }

    func listRunbookTemplates(_ input: Operations.ListRunbookTemplates.Input) async throws -> Operations.ListRunbookTemplates.Output {
        .ok(.init(body: .json(.init(items: try await runbooks.templates().map { .init(name: $0.name, variables: $0.variables, steps: $0.runbook.steps.count) }))))
    }

    func saveRunbookTemplate(_ input: Operations.SaveRunbookTemplate.Input) async throws -> Operations.SaveRunbookTemplate.Output {
        guard case .yaml(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be application/yaml")]) }
        let template = try await runbooks.saveTemplate(input.path.name, yaml: try await Self.text(body, limit: RunbookDocument.maximumSize),
                                                       precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        return .ok(.init(body: .json(.init(name: template.name, variables: template.variables, steps: template.runbook.steps.count))))
    }

    func listRuns(_ input: Operations.ListRuns.Input) async throws -> Operations.ListRuns.Output {
        .ok(.init(body: .json(.init(items: try await runs.list(of: input.path.key).map(Components.Schemas.RunSummary.init)))))
    }

    func createRun(_ input: Operations.CreateRun.Input) async throws -> Operations.CreateRun.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let run = try await runs.create(in: input.path.key, kind: body.kind == .live ? .live : .rehearsal)
        return .created(.init(body: .json(.init(try await runs.view(run.id.uuidString)))))
    }

    func getRun(_ input: Operations.GetRun.Input) async throws -> Operations.GetRun.Output {
        .ok(.init(body: .json(.init(try await runs.view(input.path.id)))))
    }

    func actOnRun(_ input: Operations.ActOnRun.Input) async throws -> Operations.ActOnRun.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        return .ok(.init(body: .json(.init(try await runs.act(input.path.id, try RunCommand(body))))))
    }

    func getForecastCalibration(_ input: Operations.GetForecastCalibration.Input) async throws -> Operations.GetForecastCalibration.Output {
        .ok(.init(body: .json(.init(try await runs.calibration()))))
    }

    func getForecastCalibrationDiagram(_ input: Operations.GetForecastCalibrationDiagram.Input) async throws -> Operations.GetForecastCalibrationDiagram.Output {
        let report = try await runs.calibration()
        guard let localizer else { throw ServiceError.unavailable("the translations are missing from the bundle") }
        let words = Words(localizer: localizer, language: input.query.lang == .fr ? .fr : .en, formatting: WebFormatting(timeZone: .gmt))
        return .ok(.init(body: .imageSvgXml(HTTPBody(ReliabilityDiagram(report: report).svg(CalibrationPage.labels(words))))))
    }

    func watchRun(_ input: Operations.WatchRun.Input) async throws -> Operations.WatchRun.Output {
        let after = input.headers.lastEventID.flatMap(Int.init) ?? Int.max
        let (runID, stream, replay) = try await runs.watch(input.path.id, after: after)
        let credential = RequestOrigin.current.credential
        let identity = self.identity
        // A stream ends when the server shuts down (or it would hold the shutdown forever), after
        // ten minutes (the browser reconnects with Last-Event-ID), when a keep-alive comment
        // every 15 s finds the client gone, or when the watcher's credentials no longer stand
        // (checked before the next event when this server ended some, and at each keep-alive).
        let body = AsyncStream<ArraySlice<UInt8>> { continuation in
            let task = Task {
                await withGracefulShutdownHandler {
                    continuation.yield(ArraySlice(": watching run \(runID.uuidString.lowercased())\nretry: 3000\n\n".utf8))
                    for event in replay { continuation.yield(ArraySlice(event.text.utf8)) }
                    // Subscribed before the replay was read: what both hold is sent once.
                    let replayed = replay.last?.sequence ?? 0
                    await withTaskGroup(of: Void.self) { group in
                        group.addTask {
                            var checkedAt = identity.revocations.epoch
                            for await event in stream where event.sequence > replayed {
                                let epoch = identity.revocations.epoch
                                if epoch != checkedAt {
                                    guard await identity.stillValid(credential) else { return }
                                    checkedAt = epoch
                                }
                                continuation.yield(ArraySlice(event.text.utf8))
                            }
                        }
                        group.addTask {
                            // The first at a random point of the first 15 s: a thousand watchers
                            // that connected together then do not all check at the same moment.
                            var wait = Duration.milliseconds(Int.random(in: 1_000...15_000))
                            while !Task.isCancelled {
                                try? await Task.sleep(for: wait)
                                wait = .seconds(15)
                                guard await identity.stillValid(credential) else { return }
                                continuation.yield(ArraySlice(": keep-alive\n\n".utf8))
                            }
                        }
                        group.addTask { try? await Task.sleep(for: .seconds(600)) }
                        await group.next()
                        group.cancelAll()
                    }
                } onGracefulShutdown: {
                    continuation.finish()
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return .ok(.init(body: .textEventStream(HTTPBody(body, length: .unknown, iterationBehavior: .single))))
    }

    static func text(_ body: HTTPBody, limit: Int) async throws -> String {
        let data: Data
        do { data = try await Data(collecting: body, upTo: limit) } catch { throw ServiceError.invalid([FieldError("document", "is larger than \(limit / 1024) KiB")]) }
        guard let text = String(data: data, encoding: .utf8) else { throw ServiceError.badRequest([FieldError("document", "must be UTF-8 text")]) }
        return text
    }
}

extension APIHandler {
    func getRehearsalReport(_ input: Operations.GetRehearsalReport.Input) async throws -> Operations.GetRehearsalReport.Output {
        let report = try await runs.rehearsalReport(of: input.path.key)
        return .ok(.init(body: .json(.init(
            release: input.path.key.uppercased(), plannedMinutes: report.plannedDuration / 60, plannedDowntimeMinutes: report.plannedDowntime / 60,
            rehearsals: report.rehearsals.map { .init(id: $0.id.uuidString.lowercased(), status: mapped($0.status, or: .running), startedAt: $0.startedAt,
                                                      minutes: $0.duration.map { $0 / 60 }, downtimeMinutes: $0.downtime / 60,
                                                      measuredInterruptionSeconds: $0.measuredInterruption) },
            steps: report.rows.map { .init(key: $0.key, title: $0.title, plannedMinutes: $0.planned / 60, actualMinutes: $0.actuals.map { $0.map { $0 / 60 } },
                                           deviation: $0.deviation, flagged: $0.flagged) }))))
    }
}
