import ArgumentParser
import BasculeAPI
import Foundation

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in to a server and keep a token for the other commands (~/.config/bascule/credentials).")

    @OptionGroup var remote: RemoteOptions
    @Option(help: "Your username.") var username: String
    @Flag(help: "Read the password from the first line of standard input (else BASCULE_PASSWORD, else a prompt).")
    var passwordStdin = false

    func run() async throws {
        let password = try PasswordInput.read(fromStandardInput: passwordStdin) ?? Self.prompt()
        let host = ProcessInfo.processInfo.hostName
        let client = try remote.client(authenticated: false)
        let output = try await remote.call {
            try await client.login(body: .json(.init(username: username, password: password, tokenName: "cli on \(host)")))
        }
        switch output {
        case .created(let created):
            let answer = try created.body.json
            try Credentials(server: remote.serverURL, token: answer.secret, tokenID: answer.token.id, username: answer.username).save()
            print("signed in to \(remote.serverURL) as \(answer.username); token \(answer.token.prefix)… saved in \(Credentials.file.path)")
        case .badRequest(let problem), .unauthorized(let problem):
            throw CLIError.refusal(problem)
        case .tooManyRequests(let refusal):
            guard case .applicationProblemJson(let body) = refusal.body else { throw CLIError.unexpectedAnswer(429) }
            throw CLIError.refused(status: 429, detail: body.detail ?? body.title, fields: [])
        case .undocumented(let status, _):
            throw CLIError.unexpectedAnswer(status)
        }
    }

    private static func prompt() throws -> String {
        guard isatty(STDIN_FILENO) != 0 else {
            throw CLIError.invalidOption("no password: use --password-stdin or BASCULE_PASSWORD")
        }
        guard let pointer = getpass("Password: "), let password = String(validatingCString: pointer), !password.isEmpty else {
            throw CLIError.invalidOption("no password given")
        }
        return password
    }
}

struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logout", abstract: "Revoke the saved token and forget it.")

    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        guard let saved = Credentials.load() else {
            print("not signed in")
            return
        }
        if let id = saved.tokenID {
            let client = try remote.client()
            _ = try? await client.revokeToken(path: .init(id: id))
        }
        Credentials.remove()
        print("signed out of \(saved.server)")
    }
}
