import NIOConcurrencyHelpers

/// A counter of the credentials this server ended (users disabled, passwords reset, tokens
/// revoked, sign-outs). Answers that outlive their request compare it with the value they
/// last checked at, and look their credential up again only when it moved.
public final class Revocations: Sendable {
    private let counter = NIOLockedValueBox(0)

    public init() {}

    public var epoch: Int { counter.withLockedValue { $0 } }

    func bump() { counter.withLockedValue { $0 += 1 } }
}
