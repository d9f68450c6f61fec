/// One numbered step of the schema. Statements are plain SQL that both engines accept, with
/// a per-engine variant where they differ.
struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: @Sendable (Store.Engine) -> [String]
}

/// Every migration this binary knows, in order. Append only: a released migration is never edited.
enum Migrations {
    static let all: [Migration] = [
        m001Foundation,
        m002AuditTrail,
        m003Identity,
        m004Planning,
        m005Inventory,
        m006Runbooks,
        m007Hardening,
        m008Operations,
        m009RunDefinitions,
        m010Agents,
        m011RollingUpdates,
        m012Notifications,
        m013AfterRelease,
        m014Meetings,
        m015Reviews,
        m016Versions,
        m017Promotion,
    ]

    static var latest: Int { all.last?.version ?? 0 }
}
