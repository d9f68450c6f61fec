import BasculeCore
import Foundation

enum Fixtures {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func window(hours: Double = 3) -> PlannedWindow? {
        PlannedWindow(start: t0.addingTimeInterval(86_400), end: t0.addingTimeInterval(86_400 + hours * 3600))
    }

    static func release(
        status: ReleaseStatus = .draft, type: ReleaseType = .minor, window: PlannedWindow? = Fixtures.window(),
        environment: String? = "production"
    ) -> Release {
        Release(
            key: ReleaseKey(number: 1),
            fields: ReleaseFields(title: "Billing 4.2", version: "4.2.0", type: type, window: window, environment: environment),
            status: status, createdAt: t0)
    }
}
