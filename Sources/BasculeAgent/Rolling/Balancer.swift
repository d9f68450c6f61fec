import BasculeCore
import Foundation

/// A load balancer a rolling update takes instances out of and puts back into rotation. HAProxy
/// is the one written; another balancer or an orchestrator is another conforming type.
public protocol Balancer: Sendable {
    /// The state of every server of the backend; fails when the balancer cannot be reached.
    func servers() async throws(BalancerError) -> [String: BalancerServer]
    /// No new connections; those open may finish.
    func drain(_ server: String) async throws(BalancerError)
    /// Out of rotation entirely (health checks stopped): safe to stop.
    func maintain(_ server: String) async throws(BalancerError)
    /// Back in rotation (once its health checks pass, when the balancer runs them).
    func ready(_ server: String) async throws(BalancerError)
}

public struct BalancerServer: Sendable, Equatable {
    /// Connections open now.
    public var sessions: Int
    /// Up and receiving requests (or ready to, once drained).
    public var up: Bool
    /// Out of rotation by an administrator (maintenance or drain).
    public var administrativelyDown: Bool
}

public enum BalancerError: Error, CustomStringConvertible {
    case unreachable(String)
    case refused(String)

    public var description: String {
        switch self {
        case .unreachable(let why): why
        case .refused(let why): why
        }
    }
}
