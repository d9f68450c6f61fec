import BasculeCore
import Foundation

/// The agents: each with its state, labels, host, version, last heartbeat and what it runs;
/// for admins, a registration token made and shown once with the command that uses it, and
/// disable, enable and revoke.
enum AgentsPage {
    struct Line: Sendable {
        let name: String
        let state: String
        let stateLabel: String
        let labels: String
        let host: String
        let version: String
        let lastSeen: String
        let running: String?
        let runHref: String?
        let canDisable: Bool
        let canEnable: Bool
        let canRevoke: Bool
    }

    struct Model: Sendable {
        let agents: [Line]
        let canManage: Bool
        /// The token just made, shown once, and the command line that starts an agent with it.
        let newToken: String?
        let command: String?
        let expires: String?
        let heartbeat: String
    }

    static func model(_ agents: [Agent], settings: AgentSettings, now: Date, serverURL: String, newToken: (secret: String, expiresAt: Date)? = nil, _ words: Words) -> Model {
        let manage = RequestOrigin.current.may(.agentManage)
        let lines = agents.map { agent -> Line in
            let state = agent.state(at: now, heartbeat: settings.heartbeat)
            let run = agent.currentAttempt.flatMap { $0.split(separator: "/").first.map(String.init) }
            return Line(
                name: agent.name, state: state.rawValue, stateLabel: words.label(state), labels: AgentTarget.text(agent.labels).replacingOccurrences(of: ",", with: ", "),
                host: agent.host, version: agent.version, lastSeen: agent.lastSeenAt.map(words.date) ?? "—",
                running: agent.currentAttempt, runHref: run.map { "/runs/\($0)" },
                canDisable: manage && state != .revoked && state != .disabled, canEnable: manage && state == .disabled, canRevoke: manage && state != .revoked)
        }
        return Model(
            agents: lines, canManage: manage, newToken: newToken?.secret,
            command: newToken.map { "bascule agent --server \(serverURL) --token \($0.secret) --name \(words.text("agents_name_placeholder")) --label os=linux" },
            expires: newToken.map { words.text("agents_token_expires", ["when": words.date($0.expiresAt)]) },
            heartbeat: words.text("agents_heartbeat", ["seconds": words.number(Int(settings.heartbeat)), "lost": words.number(Int(AgentRules.silence(settings.heartbeat)))]))
    }
}

extension AgentState: PageLabel { static var labelPrefix: String { "agentstate" } }
extension AttemptState: PageLabel { static var labelPrefix: String { "attempt" } }
