import BasculeCore
import Foundation
import Hummingbird

/// The calibration report: how well the forecasts of finished live cutovers held.
struct CalibrationRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer

    func register(on router: Router<Context>) {
        router.get("/calibration", use: calibration)
    }

    @Sendable func calibration(_ request: Request, context: Context) async throws -> Response {
        let words = renderer.words(request)
        do {
            let model = CalibrationPage.model(try await services.runs.calibration(), words)
            return renderer.page("calibration", title: words.text("calibration_title"), model: model, request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
