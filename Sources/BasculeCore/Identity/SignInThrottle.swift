import Foundation

/// When sign-ins are refused unheard. Failures are counted per username *and* client address,
/// so that someone guessing from one place cannot lock the real user out from another; and per
/// address across usernames, so that one place cannot spray many accounts. Each count is over
/// the last `window`; attempts refused by the throttle do not count, so a lock ends a window
/// after the last real failure.
public enum SignInThrottle {
    public static let window: TimeInterval = 60
    /// Wrong passwords for one username from one address.
    public static let pairLimit = 5
    /// Wrong passwords from one address, whatever the usernames.
    public static let addressLimit = 20

    public struct Subject: Sendable, Equatable {
        public let username: String
        public let address: String?

        public init(username: String, address: String?) {
            self.username = username
            self.address = address
        }
    }

    public struct Failures: Sendable, Equatable {
        public let pair: Int
        public let address: Int

        public init(pair: Int, address: Int) {
            self.pair = pair
            self.address = address
        }
    }

    public static func holds(_ failures: Failures) -> Bool {
        failures.pair >= pairLimit || failures.address >= addressLimit
    }

    /// The audit summary of the first refusal of a window.
    public static func summary(_ failures: Failures) -> String {
        let reason = failures.pair >= pairLimit
            ? "\(failures.pair) wrong passwords for this username from this address"
            : "\(failures.address) wrong passwords from this address"
        return "refused: \(reason) within \(Int(window)) s; further refusals in this window are not recorded one by one"
    }
}
