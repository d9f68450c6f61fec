import ArgumentParser
import BasculeServer

/// `bascule`: the server, the local admin commands, and a client of the API.
public struct BasculeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bascule",
        abstract: "Release management and cutover orchestration.",
        version: BasculeVersion.current,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, UserCommand.self, TeamCommand.self, TokenCommand.self, AuditCommand.self, BackupCommand.self, RestoreCommand.self, VersionCommand.self,
            LoginCommand.self, LogoutCommand.self, ReleaseCommand.self, EnvironmentCommand.self, PolicyCommand.self, ApprovalCommand.self,
            TestCommand.self, InventoryCommand.self, RunbookCommand.self, RunCommand.self,
            AgentCommand.self, AgentTokenCommand.self, AgentsCommand.self, SecretCommand.self, ProbeCommand.self, WebhookCommand.self, NotifyCommand.self,
            IncidentCommand.self, ReportCommand.self, EvidenceCommand.self, MeetingCommand.self, ActionCommand.self, ReviewCommand.self,
        ])

    public init() {}
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version of this bascule.")

    func run() {
        print("bascule \(BasculeVersion.current)")
    }
}
