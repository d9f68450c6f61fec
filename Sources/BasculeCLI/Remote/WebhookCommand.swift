import ArgumentParser
import BasculeAPI
import Foundation

/// `bascule webhook add|list|deliveries|replay|rotate|remove`: endpoints that receive events,
/// signed as the Standard Webhooks specification says.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "webhook", abstract: "Webhook endpoints and their deliveries (release managers, admins).",
                                                    subcommands: [Add.self, List.self, Deliveries.self, Replay.self, Rotate.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an endpoint; prints its signing secret, shown only now.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "A name for people.") var name: String
        @Argument(help: "Where deliveries are posted: an http or https URL.") var url: String
        @Option(name: .customLong("kind"), help: "An event kind to send (repeat it); none sends every kind: release.moved, run.started, …") var kinds: [String] = []
        @Option(help: "standard (the Standard Webhooks envelope) or slack (a chat message Slack and Mattermost accept).") var format: String = "standard"
        @Flag(help: "Read the whsec_ secret from standard input instead of having one made.") var secretStdin = false

        func run() async throws {
            guard let format = Components.Schemas.NewWebhook.FormatPayload(rawValue: format) else { throw CLIError.invalidOption("--format is standard or slack, not \(format)") }
            var secret: String?
            if secretStdin {
                secret = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let client = try remote.client()
            let body = Components.Schemas.NewWebhook(name: name, url: url, kinds: kinds.isEmpty ? nil : kinds, format: format, secret: secret)
            let output = try await remote.call { try await client.createWebhook(body: .json(body)) }
            switch output {
            case .created(let created):
                let made = try created.body.json
                if remote.json { return try remote.printJSON(made) }
                print("webhook \(made.webhook.name) added: \(made.webhook.id)")
                print("signing secret (shown only now): \(made.secret)")
            case .badRequest(let problem), .unprocessableContent(let problem), .serviceUnavailable(let problem),
                 .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The endpoints, their state and what they receive.")
        @OptionGroup var remote: RemoteOptions

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.listWebhooks() }
            switch output {
            case .ok(let ok):
                let items = try ok.body.json.items
                if remote.json { return try remote.printJSON(items) }
                let iso = ISO8601DateFormatter()
                print(TextTable.render(["ID", "NAME", "URL", "KINDS", "STATE", "LAST SUCCESS"], items.map {
                    [$0.id, $0.name, $0.url, $0.kinds.isEmpty ? "every" : $0.kinds.joined(separator: ","),
                     $0.enabled ? ($0.failingSince.map { "failing since \(iso.string(from: $0))" } ?? "enabled") : "off: \($0.disabledReason ?? "by hand")",
                     $0.lastSuccessAt.map(iso.string) ?? "-"]
                }))
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An endpoint's deliveries, newest first: state, tries, last answer.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The endpoint's id.") var id: String
        @Option(help: "pending, delivered or failed.") var state: String?
        @Option(help: "How many (1 to 200).") var limit: Int = 50

        func run() async throws {
            let state = try state.map { text in
                guard let state = Operations.ListWebhookDeliveries.Input.Query.StatePayload(rawValue: text) else {
                    throw CLIError.invalidOption("--state is pending, delivered or failed, not \(text)")
                }
                return state
            }
            let client = try remote.client()
            let output = try await remote.call { try await client.listWebhookDeliveries(path: .init(id: id), query: .init(state: state, limit: limit)) }
            switch output {
            case .ok(let ok):
                let items = try ok.body.json.items
                if remote.json { return try remote.printJSON(items) }
                let iso = ISO8601DateFormatter()
                print(TextTable.render(["WEBHOOK-ID", "EVENT", "STATE", "TRIES", "LAST", "ANSWER"], items.map {
                    [$0.id, $0.kind, $0.state.rawValue, String($0.attempts), $0.lastAt.map(iso.string) ?? "-",
                     ($0.lastStatus.map(String.init) ?? "-") + " " + String(($0.lastAnswer ?? "").prefix(60)).replacingOccurrences(of: "\n", with: " ")]
                }))
            case .badRequest(let problem), .notFound(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a delivered or failed delivery again, under the same webhook-id.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The endpoint's id.") var id: String
        @Argument(help: "The delivery's webhook-id (msg_…).") var delivery: String

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.replayWebhookDelivery(path: .init(id: id, delivery: delivery)) }
            switch output {
            case .accepted: print("delivery \(delivery) will be sent again")
            case .badRequest(let problem), .notFound(let problem), .conflict(let problem), .unauthorized(let problem), .forbidden(let problem):
                throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A new signing secret; the previous one keeps signing for 24 hours.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The endpoint's id.") var id: String

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.rotateWebhookSecret(path: .init(id: id), body: .json(.init())) }
            switch output {
            case .ok(let ok): print("new signing secret (shown only now): \(try ok.body.json.secret ?? "")")
            case .badRequest(let problem), .notFound(let problem), .unprocessableContent(let problem), .unauthorized(let problem), .forbidden(let problem):
                throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an endpoint and its delivery log.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The endpoint's id.") var id: String

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.deleteWebhook(path: .init(id: id)) }
            switch output {
            case .noContent: print("webhook \(id) removed")
            case .badRequest(let problem), .notFound(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}

/// `bascule notify test|subscribe`: one's own notifications.
struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "notify", abstract: "One's notifications: a test on every channel, subscriptions.",
                                                    subcommands: [Test.self, Subscribe.self])

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send yourself a test notification; checks at once that the SMTP server is reached and takes the login (exit 1 when not: the message waits).")
        @OptionGroup var remote: RemoteOptions

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.sendTestNotification() }
            switch output {
            case .accepted(let accepted):
                let result = try accepted.body.json
                if remote.json { return try remote.printJSON(result) }
                print("inbox: written")
                switch result.email {
                case .ready: print("e-mail: \(result.address.map { "to \($0): " } ?? "no address on your account; ")\(result.detail ?? "")")
                case .off: print("e-mail: off (\(result.detail ?? "no SMTP server configured"))")
                case .failing: throw CLIError.invalidOption("e-mail: \(result.detail ?? "the SMTP server could not be used")")
                }
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Subscribe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Follow a release, a tag, a configuration item, an environment or everything.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "release, tag, item, environment or everything.") var scope: String
        @Argument(help: "Which one: REL-12, a tag, an item key, an environment (none for everything).") var value: String = ""
        @Option(name: .customLong("kind"), help: "An event kind to follow (repeat it); none follows every kind.") var kinds: [String] = []
        @Option(name: .customLong("channel"), help: "inbox or email (repeat it).") var channels: [String] = ["inbox"]

        func run() async throws {
            let client = try remote.client()
            let body = Components.Schemas.NewSubscription(scope: scope, value: value, kinds: kinds, channels: channels)
            let output = try await remote.call { try await client.createSubscription(body: .json(body)) }
            switch output {
            case .created(let created):
                let made = try created.body.json
                if remote.json { return try remote.printJSON(made) }
                print("subscribed \(made.id): \(made.scope) \(made.value) on \(made.channels.joined(separator: ", "))")
            case .badRequest(let problem), .unprocessableContent(let problem), .conflict(let problem), .unauthorized(let problem), .forbidden(let problem):
                throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }
}
