import BasculeCore
import Foundation
import Hummingbird

/// The changes of a release and its test campaigns, added and edited from their pages.
struct EvidenceRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer

    func register(on router: Router<Context>) {
        router.get("/releases/{key}/changes/new", use: newChange)
        router.post("/releases/{key}/changes", use: createChange)
        router.get("/releases/{key}/changes/{change}/edit", use: editChange)
        router.post("/releases/{key}/changes/{change}", use: updateChange)
        router.post("/releases/{key}/changes/{change}/delete", use: deleteChange)
        router.get("/releases/{key}/tests/new", use: newCampaign)
        router.post("/releases/{key}/tests", use: recordCampaign)
        router.post("/releases/{key}/tests/junit", use: importJUnit)
    }

    // MARK: - Changes

    @Sendable func newChange(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        return try await refusing(request) { try await changePage(key, change: nil, values: [:], errors: [], request: request) }
    }

    @Sendable func editChange(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key"), changeKey = try context.parameters.require("change")
        return try await refusing(request) {
            let change = try await change(changeKey, of: key)
            return try await changePage(key, change: change.key.description, values: ChangeFormPage.values(of: change), errors: [], request: request)
        }
    }

    @Sendable func createChange(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let values = try await WebRoutes<Context>.form(request)
        return try await refusing(request) {
            let (fields, errors) = ChangeFormPage.fields(from: values)
            guard let fields else { return try await changePage(key, change: nil, values: values, errors: errors, request: request, status: .unprocessableContent) }
            do {
                let change = try await services.changes.create(in: key, fields)
                return WebRoutes<Context>.redirect("/releases/\(key.uppercased())?tab=changes&done=change_saved#\(change.key)")
            } catch let error as ServiceError where !error.fieldErrors.isEmpty {
                return try await changePage(key, change: nil, values: values, errors: error.fieldErrors, request: request, status: .init(code: error.status))
            }
        }
    }

    @Sendable func updateChange(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key"), changeKey = try context.parameters.require("change")
        let values = try await WebRoutes<Context>.form(request)
        return try await refusing(request) {
            let change = try await change(changeKey, of: key)
            let (fields, errors) = ChangeFormPage.fields(from: values)
            guard let fields else {
                return try await changePage(key, change: change.key.description, values: values, errors: errors, request: request, status: .unprocessableContent)
            }
            do {
                _ = try await services.changes.update(change.key.description, fields, precondition: values["revision"].flatMap(Int.init).map { .oneOf([$0]) })
                return WebRoutes<Context>.redirect("/releases/\(key.uppercased())?tab=changes&done=change_saved")
            } catch let error as ServiceError where error.status != 404 && error.status != 403 {
                let errors = error.fieldErrors.isEmpty ? [PlanRoutes<Context>.stale(error)] : error.fieldErrors
                return try await changePage(key, change: change.key.description, values: values, errors: errors, request: request, status: .init(code: error.status))
            }
        }
    }

    @Sendable func deleteChange(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key"), changeKey = try context.parameters.require("change")
        let values = try await WebRoutes<Context>.form(request)
        return try await refusing(request) {
            let change = try await change(changeKey, of: key)
            try await services.changes.delete(change.key.description, precondition: values["revision"].flatMap(Int.init).map { .oneOf([$0]) })
            return WebRoutes<Context>.redirect("/releases/\(key.uppercased())?tab=changes&done=change_deleted")
        }
    }

    /// The change, refused as missing when it belongs to another release.
    private func change(_ changeKey: String, of key: String) async throws -> Change {
        let change = try await services.changes.get(changeKey)
        guard change.releaseKey.description == key.uppercased() else { throw ServiceError.notFound("change \(changeKey) in \(key)") }
        return change
    }

    private func changePage(_ key: String, change: String?, values: [String: String], errors: [FieldError], request: Request,
                            status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        let release = try await services.releases.get(key)
        let model = ChangeFormPage.model(release: release, changeKey: change, values: values, errors: errors,
                                         canDelete: RequestOrigin.current.may(.changeManage), words)
        return renderer.page("change-form", title: "\(release.key) · \(model.heading)", model: model, request: request, status: status)
    }

    // MARK: - Test campaigns

    @Sendable func newCampaign(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        return try await refusing(request) { try await campaignPage(key, values: [:], errors: [], request: request) }
    }

    @Sendable func recordCampaign(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let values = try await WebRoutes<Context>.form(request)
        return try await refusing(request) {
            let (record, result, errors) = TestRecordPage.manual(values)
            guard let record, let result else { return try await campaignPage(key, values: values, errors: errors, request: request, status: .unprocessableContent) }
            do {
                _ = try await services.tests.record(in: key, record, result: result)
                return WebRoutes<Context>.redirect("/releases/\(key.uppercased())?tab=tests&done=tests_recorded")
            } catch let error as ServiceError where !error.fieldErrors.isEmpty {
                return try await campaignPage(key, values: values, errors: error.fieldErrors, request: request, status: .init(code: error.status))
            }
        }
    }

    /// A JUnit report sent from the browser as a file.
    @Sendable func importJUnit(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let body = try await request.body.collect(upTo: JUnitReport.maximumSize + BodyLimits.formMargin)
        guard let boundary = MultipartForm.boundary(of: request.headers[.contentType]), let form = MultipartForm(body, boundary: boundary) else {
            return renderer.errorPage(renderer.words(request).text("error_bad_upload"), request: request, status: .badRequest)
        }
        return try await refusing(request) {
            var errors: [FieldError] = []
            let record = TestRecordPage.record(form.fields, errors: &errors)
            guard let record, let file = form.files["report"], !file.data.isEmpty else {
                if form.files["report"]?.data.isEmpty ?? true { errors.append(FieldError("report", "is required")) }
                return try await campaignPage(key, values: form.fields, errors: errors, request: request, status: .unprocessableContent)
            }
            do {
                _ = try await services.tests.importJUnit(in: key, record, report: file.data, fileName: file.fileName)
                return WebRoutes<Context>.redirect("/releases/\(key.uppercased())?tab=tests&done=tests_recorded")
            } catch let error as ServiceError where !error.fieldErrors.isEmpty {
                return try await campaignPage(key, values: form.fields, errors: error.fieldErrors, request: request, status: .init(code: error.status))
            }
        }
    }

    private func campaignPage(_ key: String, values: [String: String], errors: [FieldError], request: Request,
                              status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        let release = try await services.releases.get(key)
        let model = TestRecordPage.model(release: release, environments: try await services.environments.all().map(\.name), values: values, errors: errors, words)
        return renderer.page("tests-record", title: "\(release.key) · \(words.text("tests_record_title"))", model: model, request: request, status: status)
    }

    /// A refusal without fields (missing, forbidden, frozen) shown as the error page, in words.
    private func refusing(_ request: Request, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
