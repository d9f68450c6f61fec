import BasculeStore
import Foundation

/// Everything `bascule serve` can be told. The CLI fills it from flags, then the
/// environment (`BASCULE_*`), then these defaults.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var store: StoreLocation
    /// Days and hours are shown, typed and judged in this zone, not the server's.
    public var timeZone: TimeZone

    public init(
        host: String = "127.0.0.1", port: Int = 8080, store: StoreLocation = .dataDirectory("bascule-data"),
        timeZone: TimeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
    ) {
        self.host = host
        self.port = port
        self.store = store
        self.timeZone = timeZone
    }
}
