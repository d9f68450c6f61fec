import Foundation

/// What the HTTP server is told. The CLI fills it from flags, then the environment
/// (`BASCULE_*`), then these defaults; where the data lives is the `Store`'s business.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Days and hours are shown, typed and judged in this zone, not the server's.
    public var timeZone: TimeZone
    /// The reverse proxies whose `X-Forwarded-For` names the client (for the audit trail and
    /// the sign-in throttle); none by default, so the peer's address is the client's.
    public var trustedProxies: TrustedProxies
    /// One log line per request (method, path, route, status, duration, request id).
    public var accessLog = false
    /// Scheduled backups, when asked for: done by one replica at a time, under a lease.
    public var backups: BackupSchedule?
    /// The address people reach Bascule at (`https://bascule.example.com`), for the links in
    /// e-mails, webhooks and feeds; without it they carry no link.
    public var publicURL: String?
    /// Whether this replica hands notices out and sends them (every server does; tests that do
    /// not look at deliveries leave it off to spare their database connections).
    public var sendsNotifications = true

    /// A backup every `every` seconds into `folder`, keeping the newest `keep`.
    public struct BackupSchedule: Sendable {
        public var folder: URL
        public var every: TimeInterval
        public var keep: Int

        public init(folder: URL, every: TimeInterval, keep: Int) {
            self.folder = folder
            self.every = every
            self.keep = keep
        }
    }

    public init(
        host: String = "127.0.0.1", port: Int = 8080,
        timeZone: TimeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt, trustedProxies: TrustedProxies = .none
    ) {
        self.host = host
        self.port = port
        self.timeZone = timeZone
        self.trustedProxies = trustedProxies
    }
}
