import ArgumentParser
import BasculeCore
import BasculeServer
import BasculeStore
import Foundation
import Hummingbird
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the Bascule server: the API, the web pages.")

    @Option(help: "Address to listen on (or BASCULE_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (or BASCULE_PORT; default 8080).")
    var port: Int?

    @Option(name: .long, help: "Time zone in which days and hours are shown and judged (or BASCULE_TIMEZONE; default Europe/Paris).")
    var timeZone: String?

    @Option(name: .long, help: "Reverse proxies whose X-Forwarded-For names the client: addresses or CIDR ranges, comma-separated (or BASCULE_TRUSTED_PROXIES; default none).")
    var trustedProxies: String?

    @Option(name: .long, help: "Folder for scheduled backups (or BASCULE_BACKUP_DIR); none when unset.")
    var backupDir: String?

    @Option(name: .long, help: "How often to back up into --backup-dir: 90s, 30m, 6h, 1d (or BASCULE_BACKUP_EVERY; default 1d).")
    var backupEvery: String?

    @Option(name: .long, help: "How many scheduled backups to keep (or BASCULE_BACKUP_KEEP; default 7).")
    var backupKeep: Int?

    @Option(name: .long, help: "The address people reach Bascule at, for the links in e-mails and webhooks: https://bascule.example.com (or BASCULE_PUBLIC_URL).")
    var publicURL: String?

    @Flag(help: "Fill an empty database with a sample portfolio; a database with data is left as it is.")
    var demo = false

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let host = host ?? environment["BASCULE_HOST"] ?? "127.0.0.1"
        guard let port = port ?? environment["BASCULE_PORT"].flatMap(Int.init) ?? Optional(8080), (1...65535).contains(port) else {
            throw CLIError.invalidOption("the port must be a number between 1 and 65535")
        }
        let zoneName = timeZone ?? environment["BASCULE_TIMEZONE"] ?? "Europe/Paris"
        guard let zone = TimeZone(identifier: zoneName) else {
            throw CLIError.invalidOption("unknown time zone \(zoneName); use an IANA name such as Europe/Paris")
        }
        let proxies: TrustedProxies
        switch TrustedProxies.parse(trustedProxies ?? environment["BASCULE_TRUSTED_PROXIES"] ?? "") {
        case .success(let parsed): proxies = parsed
        case .failure(let bad): throw CLIError.invalidOption("not an IP address or CIDR range among the trusted proxies: \(bad.text)")
        }
        var configuration = ServerConfiguration(host: host, port: port, timeZone: zone, trustedProxies: proxies)
        if let folder = backupDir ?? environment["BASCULE_BACKUP_DIR"], !folder.isEmpty {
            let every = try DurationArgument.parse(backupEvery ?? environment["BASCULE_BACKUP_EVERY"] ?? "1d", option: "--backup-every")
            guard let keep = backupKeep ?? environment["BASCULE_BACKUP_KEEP"].flatMap(Int.init) ?? Optional(7), keep >= 1 else {
                throw CLIError.invalidOption("--backup-keep must be a whole number of at least 1")
            }
            let url = URL(fileURLWithPath: folder)
            do {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            } catch {
                throw CLIError.invalidOption("cannot create the backup folder \(folder): \(error.localizedDescription)")
            }
            configuration.backups = .init(folder: url, every: every, keep: keep)
        }
        if let url = publicURL ?? environment["BASCULE_PUBLIC_URL"], !url.isEmpty {
            guard let parsed = URLComponents(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host?.isEmpty == false else {
                throw CLIError.invalidOption("--public-url must be an http or https address such as https://bascule.example.com, not \(url)")
            }
            configuration.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        let format = environment["BASCULE_LOG_FORMAT"] ?? "text"
        guard ["json", "text"].contains(format) else { throw CLIError.invalidOption("BASCULE_LOG_FORMAT is json or text, not \(format)") }
        let json = format == "json"
        if json {
            LoggingSystem.bootstrap(JSONLogHandler.init)
            Console.json = true
        }
        configuration.accessLog = environment["BASCULE_ACCESS_LOG"].map { $0 == "1" || $0 == "true" } ?? json
        var logger = Logger(label: "bascule")
        logger.logLevel = Logger.Level(rawValue: environment["BASCULE_LOG_LEVEL"] ?? "info") ?? .info

        let (store, applied) = try await storeOptions.openMigrated()
        let heartbeat = try environment["BASCULE_AGENT_HEARTBEAT"].map { text in
            guard let seconds = Double(text), seconds >= 0.5, seconds <= 60 else { throw CLIError.invalidOption("BASCULE_AGENT_HEARTBEAT is seconds from 0.5 to 60, not \(text)") }
            return seconds
        } ?? 2
        let smtp = try Self.smtp(environment)
        let services = BasculeServices(store: store, agentSettings: AgentSettings(heartbeat: heartbeat), vault: try Self.vault(storeOptions.location, environment),
                                       smtp: smtp)
        Console.say("Bascule \(BasculeVersion.current): \(store.location), schema version \(Migrator.latestVersion)" + (applied.isEmpty ? "" : " (migrated)"))
        if let password = try await RequestOrigin.asSystem({ try await services.identity.bootstrapAdmin() }) {
            Console.say("Created the first user: admin, password \(password)")
            Console.say("  It is shown only now. Sign in at http://\(host):\(port)/login; change it with `bascule user reset-password admin`.")
        }
        if demo {
            let outcome: DemoPortfolio.Outcome
            do {
                outcome = try await DemoPortfolio.seed(services, timeZone: zone, server: "http://\(host):\(port)")
            } catch {
                // Said before the store closes: a pool dropped open would end the process without the reason.
                await store.close()
                throw CLIError.store("the demo portfolio could not be written: \(error)")
            }
            switch outcome {
            case .seeded(let releases, let environments, let history):
                Console.say("Demo: added \(environments) environments and \(releases) sample releases, and a year of history (\(history) past releases with their incidents).")
                Console.say("Demo users (password: the username followed by -bascule-demo): "
                    + DemoPortfolio.demoUsers.map { "\($0.0) (\($0.1.rawValue))" }.joined(separator: ", "))
            case .skipped:
                Console.say("Demo: the database already holds data; nothing was added.")
            }
        }
        let app = try await buildApplication(configuration, services: services, logger: logger)
        Console.say("Listening on http://\(host):\(port)  (time zone \(zone.identifier); Ctrl-C to stop)")
        Console.say(smtp.map { "E-mail through \($0.endpoint) (\($0.security.rawValue)) from \($0.from)" } ?? "E-mail: off (set BASCULE_SMTP_HOST to send notifications by e-mail)")
        do {
            try await app.runService()
        } catch {
            await store.close()
            throw CLIError.store("the server stopped: \(error)")
        }
        await store.close()
    }

    /// Where e-mail goes, from BASCULE_SMTP_HOST, _PORT (587, or 465 with tls), _SECURITY
    /// (starttls, tls, none), _USERNAME, _PASSWORD, _FROM and _CA_FILE, and BASCULE_EMAIL_GROUPING;
    /// nil without a host.
    static func smtp(_ environment: [String: String]) throws -> SMTPSettings? {
        guard let host = environment["BASCULE_SMTP_HOST"], !host.isEmpty else { return nil }
        let securityText = environment["BASCULE_SMTP_SECURITY"] ?? "starttls"
        guard let security = SMTPSettings.Security(rawValue: securityText) else {
            throw CLIError.invalidOption("BASCULE_SMTP_SECURITY is starttls, tls or none, not \(securityText)")
        }
        let defaultPort = security == .tls ? 465 : 587
        guard let port = environment["BASCULE_SMTP_PORT"].map(Int.init) ?? defaultPort, (1...65535).contains(port) else {
            throw CLIError.invalidOption("BASCULE_SMTP_PORT must be a number between 1 and 65535")
        }
        let from = environment["BASCULE_SMTP_FROM"] ?? "bascule@\(host)"
        guard EmailAddress.isValid(from) else { throw CLIError.invalidOption("BASCULE_SMTP_FROM must be an e-mail address, not \(from)") }
        let username = environment["BASCULE_SMTP_USERNAME"].flatMap { $0.isEmpty ? nil : $0 }
        let password = environment["BASCULE_SMTP_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        guard (username == nil) == (password == nil) else {
            throw CLIError.invalidOption("BASCULE_SMTP_USERNAME and BASCULE_SMTP_PASSWORD go together")
        }
        let trust = environment["BASCULE_SMTP_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let trust, !FileManager.default.isReadableFile(atPath: trust) { throw CLIError.invalidOption("BASCULE_SMTP_CA_FILE \(trust) cannot be read") }
        guard let grouping = environment["BASCULE_EMAIL_GROUPING"].map(Double.init) ?? 30, (0...3600).contains(grouping) else {
            throw CLIError.invalidOption("BASCULE_EMAIL_GROUPING is seconds from 0 to 3600")
        }
        return SMTPSettings(host: host, port: port, security: security, username: username, password: password, from: from, trustFile: trust,
                            grouping: grouping)
    }

    /// The key secrets are sealed with: BASCULE_SECRET_KEY, else (SQLite) a key file made
    /// beside the database on first start; PostgreSQL without the variable has no secrets.
    static func vault(_ location: StoreLocation, _ environment: [String: String]) throws -> SecretVault {
        if let text = environment["BASCULE_SECRET_KEY"], !text.isEmpty {
            guard let key = SecretVault.key(base64: text) else { throw CLIError.invalidOption("BASCULE_SECRET_KEY must be 32 bytes in base64 (openssl rand -base64 32)") }
            return SecretVault(key: key)
        }
        guard case .sqlite(let path) = location else { return .disabled }
        let file = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("secret.key")
        do { return SecretVault(key: try SecretVault.key(file: file)) } catch { throw CLIError.store("\(error)") }
    }
}
