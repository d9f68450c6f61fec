import BasculeCore
import Foundation
import Hummingbird

/// The forms of versions and promotion on the release page: a deployment recorded on the
/// promotion path, dependencies added and removed, a commit sorted, the notes published.
struct VersionRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer
    private var releasePage: ReleasePageRenderer { ReleasePageRenderer(services: services, renderer: renderer) }

    func register(on router: Router<Context>) {
        router.post("/releases/{key}/promotion", use: recordDeployment)
        router.post("/releases/{key}/dependencies", use: addDependency)
        router.post("/releases/{key}/dependencies/{other}/remove", use: removeDependency)
        router.post("/releases/{key}/commits/{hash}/sort", use: sortCommit)
        router.post("/releases/{key}/notes/publish", use: publishNotes)
    }

    @Sendable func recordDeployment(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let fields = try await WebRoutes<Context>.form(request)
        return try await releasePage.acting(on: key, request) {
            guard let outcome = EnvironmentDeployment.Outcome(rawValue: fields["outcome"] ?? "deployed") else {
                throw ServiceError.invalid([FieldError("outcome", "must be deployed, failed or rolledBack")])
            }
            _ = try await services.promotion.record(in: key, .init(environment: fields["environment"] ?? "", outcome: outcome, note: fields["note"] ?? ""))
            return WebRoutes<Context>.redirect("/releases/\(key)?done=promotion_recorded#promotion")
        }
    }

    @Sendable func addDependency(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let fields = try await WebRoutes<Context>.form(request)
        return try await releasePage.acting(on: key, request) {
            let kind = DependencyKind(rawValue: fields["kind"] ?? "requires") ?? .requires
            _ = try await services.dependencies.add(key, on: (fields["release"] ?? "").trimmingCharacters(in: .whitespaces), kind: kind)
            return WebRoutes<Context>.redirect("/releases/\(key)?done=dependency_added#dependencies")
        }
    }

    @Sendable func removeDependency(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key"), other = try context.parameters.require("other")
        return try await releasePage.acting(on: key, request) {
            _ = try await services.dependencies.remove(key, on: other)
            return WebRoutes<Context>.redirect("/releases/\(key)?done=dependency_removed#dependencies")
        }
    }

    @Sendable func sortCommit(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key"), hash = try context.parameters.require("hash")
        let fields = try await WebRoutes<Context>.form(request)
        return try await onVersions(key, request) {
            let value = fields["kind"] ?? ""
            guard let kind = CommitKind(rawValue: value) else { throw ServiceError.invalid([FieldError("kind", "names no kind of commit: \(value)")]) }
            _ = try await services.versions.sort(key, commit: hash.lowercased(), as: kind)
            return WebRoutes<Context>.redirect("/releases/\(key)?tab=versions&done=commit_sorted#unclassified")
        }
    }

    @Sendable func publishNotes(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let fields = try await WebRoutes<Context>.form(request)
        return try await onVersions(key, request) {
            let audience = ReleaseNotesDraft.Audience(rawValue: fields["audience"] ?? "") ?? .technical
            let language = Language(rawValue: fields["lang"] ?? "") ?? renderer.words(request).language
            let words = renderer.words(request)
            let notes = try await services.versions.notes(of: key)
            let headings = ReleaseNotesDraft.Headings(notes, Words(localizer: words.localizer, language: language, formatting: words.formatting))
            let link = (fields["commitLink"] ?? "").trimmingCharacters(in: .whitespaces)
            _ = try await services.versions.publishNotes(key, audience: audience, headings: headings, commitLink: link.isEmpty ? nil : link)
            return WebRoutes<Context>.redirect("/releases/\(key)/documents/\(DocumentKind.releaseNotes.rawValue)?done=notes_published")
        }
    }

    /// A refusal comes back on the versions tab, beside the forms.
    private func onVersions(_ key: String, _ request: Request, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as ServiceError where [409, 422].contains(error.status) {
            let errors = error.fieldErrors.isEmpty ? [FieldError("form", error.description)] : error.fieldErrors
            return try await releasePage.page(key, request: request, status: .init(code: error.status), tab: "versions", versionErrors: errors)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
