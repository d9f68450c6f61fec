import BasculeCore
import Foundation
import Logging
import ServiceLifecycle

/// Takes back the attempts of silent agents, every half heartbeat, on every replica: an
/// attempt ends once whoever notices first, so no lease is needed, and a lost agent is seen
/// within two heartbeats and a half at worst.
struct AgentSweepService: Service {
    let agents: AgentService
    let logger: Logger

    func run() async throws {
        // Agents cannot beat while the server is down: after a restart they get two
        // heartbeats to come back before their attempts count as lost.
        try? await Task.sleep(for: .seconds(AgentRules.silence(agents.settings.heartbeat)))
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await agents.sweepLost() } catch { logger.warning("agents: the sweep for silent agents failed: \(error)") }
                try? await Task.sleep(for: .seconds(agents.settings.heartbeat / 2))
            }
        }
    }
}
