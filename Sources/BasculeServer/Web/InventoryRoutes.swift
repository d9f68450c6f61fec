import BasculeCore
import Foundation
import Hummingbird

/// The inventory section: the items, one item with its dependencies and dependents, its form,
/// and the import of a file with its report.
struct InventoryRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer

    func register(on router: Router<Context>) {
        router.get("/inventory", use: list)
        router.get("/inventory/new", use: newItem)
        router.post("/inventory", use: create)
        router.get("/inventory/import", use: importForm)
        router.post("/inventory/import", use: importFile)
        router.get("/inventory/{key}", use: show)
        router.get("/inventory/{key}/edit", use: edit)
        router.post("/inventory/{key}", use: update)
        router.post("/inventory/{key}/delete", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let words = renderer.words(request)
        let parameters = request.uri.queryParameters
        func text(_ name: String) -> String { parameters.get(name)?.trimmingCharacters(in: .whitespaces) ?? "" }
        let type = CIType(rawValue: text("type")), after = text("after").isEmpty ? nil : text("after")
        return try await refusing(request) {
            let (items, next) = try await services.inventory.list(type: type, team: text("team").isEmpty ? nil : text("team"),
                                                                  tag: text("tag").isEmpty ? nil : text("tag"), text: text("q").isEmpty ? nil : text("q"),
                                                                  limit: 100, after: after)
            let model = InventoryPages.list(items: items, q: text("q"), type: type, team: text("team"), tag: text("tag"), next: next, after: after,
                                            canManage: RequestOrigin.current.may(.inventoryManage), words)
            return renderer.page("inventory", title: words.text("nav_inventory"), model: model, request: request)
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let words = renderer.words(request)
        return try await refusing(request) {
            let item = try await services.inventory.get(key)
            let (node, impacted) = try await services.inventory.impact(of: key)
            var dependencies: [DependencyGraph.Node] = []
            for dependency in item.fields.dependsOn {
                let found = try await services.inventory.get(dependency.text)
                dependencies.append(DependencyGraph.Node(key: found.key, name: found.fields.name, type: found.fields.type,
                                                         criticality: found.fields.criticality, ownerTeam: found.fields.ownerTeam))
            }
            let model = InventoryPages.item(item, node: node, impacted: impacted, dependencies: dependencies,
                                            canManage: RequestOrigin.current.may(.inventoryManage), words)
            return renderer.page("inventory-item", title: "\(item.key.text) · \(item.fields.name)", model: model, request: request)
        }
    }

    @Sendable func newItem(_ request: Request, context: Context) async throws -> Response {
        formPage(key: nil, values: [:], errors: [], request: request)
    }

    @Sendable func edit(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        return try await refusing(request) {
            let item = try await services.inventory.get(key)
            return formPage(key: item.key.text, values: InventoryPages.values(of: item), errors: [], request: request)
        }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let values = try await WebRoutes<Context>.form(request)
        do {
            let item = try await services.inventory.create(InventoryPages.input(from: values, key: nil))
            return WebRoutes<Context>.redirect("/inventory/\(item.key.text)?done=item_saved")
        } catch let error as ServiceError where error.status != 403 {
            return formPage(key: nil, values: values, errors: error.fieldErrors.isEmpty ? [FieldError("form", error.description)] : error.fieldErrors,
                            request: request, status: .init(code: error.status))
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let values = try await WebRoutes<Context>.form(request)
        do {
            let item = try await services.inventory.update(key, InventoryPages.input(from: values, key: key),
                                                           precondition: values["revision"].flatMap(Int.init).map { .oneOf([$0]) })
            return WebRoutes<Context>.redirect("/inventory/\(item.key.text)?done=item_saved")
        } catch let error as ServiceError where error.status != 403 && error.status != 404 {
            let errors = error.fieldErrors.isEmpty ? [PlanRoutes<Context>.stale(error)] : error.fieldErrors
            return formPage(key: key, values: values, errors: errors, request: request, status: .init(code: error.status))
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let values = try await WebRoutes<Context>.form(request)
        do {
            try await services.inventory.delete(key, precondition: values["revision"].flatMap(Int.init).map { .oneOf([$0]) })
            return WebRoutes<Context>.redirect("/inventory?done=item_deleted")
        } catch let error as ServiceError where error.status == 409 {
            // Refused while others depend on it: said on its form, where the person was.
            let item = try await services.inventory.get(key)
            return formPage(key: item.key.text, values: InventoryPages.values(of: item), errors: [FieldError("form", error.description)],
                            request: request, status: .conflict)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    @Sendable func importForm(_ request: Request, context: Context) async throws -> Response {
        let words = renderer.words(request)
        return renderer.page("inventory-import", title: words.text("inventory_import"), model: InventoryPages.importPage(report: nil, errors: [], words), request: request)
    }

    /// The file as a browser sends it; its report shown on the same page.
    @Sendable func importFile(_ request: Request, context: Context) async throws -> Response {
        let words = renderer.words(request)
        let body = try await request.body.collect(upTo: InventoryFile.maximumSize + BodyLimits.formMargin)
        guard let boundary = MultipartForm.boundary(of: request.headers[.contentType]), let form = MultipartForm(body, boundary: boundary),
              let file = form.files["file"], !file.data.isEmpty else {
            return importPage(report: nil, errors: [FieldError("file", "is required")], request: request, status: .badRequest)
        }
        let format: InventoryFormat = file.fileName.lowercased().hasSuffix(".csv") ? .csv : .yaml
        do {
            let report = try await services.inventory.importFile(file.data, format: format, partial: form.fields["partial"] != nil,
                                                                 dryRun: form.fields["dryRun"] != nil)
            return importPage(report: report, errors: [], request: request)
        } catch let error as ServiceError where !error.fieldErrors.isEmpty {
            return importPage(report: nil, errors: error.fieldErrors, request: request, status: .init(code: error.status))
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
        func importPage(report: InventoryImportReport?, errors: [FieldError], request: Request, status: HTTPResponse.Status = .ok) -> Response {
            renderer.page("inventory-import", title: words.text("inventory_import"), model: InventoryPages.importPage(report: report, errors: errors, words),
                          request: request, status: status)
        }
    }

    private func formPage(key: String?, values: [String: String], errors: [FieldError], request: Request, status: HTTPResponse.Status = .ok) -> Response {
        let words = renderer.words(request)
        let model = InventoryPages.form(key: key, values: values, errors: errors, canDelete: RequestOrigin.current.may(.inventoryManage), words)
        return renderer.page("inventory-form", title: model.heading, model: model, request: request, status: status)
    }

    private func refusing(_ request: Request, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
