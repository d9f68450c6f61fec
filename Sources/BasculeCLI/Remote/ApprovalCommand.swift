import ArgumentParser
import BasculeAPI
import Foundation

struct ApprovalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approval", abstract: "Request, give and follow approvals.",
        subcommands: [Request.self, Show.self, Approve.self, Reject.self, Inbox.self])

    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Request the approval of a release; the policy names who must approve.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key.") var key: String

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.requestApproval(path: .init(key: key)) }
            switch output {
            case .created(let created): try ApprovalCommand.print(try created.body.json, remote)
            case .badRequest(let problem), .notFound(let problem), .conflict(let problem): throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the approval round of a release.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key.") var key: String

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.getApprovals(path: .init(key: key)) }
            switch output {
            case .ok(let ok): try ApprovalCommand.print(try ok.body.json, remote)
            case .badRequest(let problem), .notFound(let problem): throw CLIError.refusal(problem)
            case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a release awaiting approval (with --conditions, approve with conditions).")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key.") var key: String
        @Option(help: "A comment.") var comment: String = ""
        @Option(help: "Conditions of the approval.") var conditions: String?

        func run() async throws {
            try await ApprovalCommand.decide(key, conditions == nil ? .approve : .approveWithConditions, comment, conditions ?? "", remote)
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a release awaiting approval.")
        @OptionGroup var remote: RemoteOptions
        @Argument(help: "The release key.") var key: String
        @Option(help: "Why (required).") var comment: String

        func run() async throws {
            try await ApprovalCommand.decide(key, .reject, comment, "", remote)
        }
    }

    struct Inbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The releases awaiting your decision.")
        @OptionGroup var remote: RemoteOptions

        func run() async throws {
            let client = try remote.client()
            let output = try await remote.call { try await client.getApprovalInbox() }
            switch output {
            case .ok(let ok):
                let inbox = try ok.body.json
                if remote.json { return try remote.printJSON(inbox) }
                if inbox.items.isEmpty { Swift.print("nothing awaits your decision") }
                Swift.print(TextTable.render(["KEY", "TITLE", "REQUESTED BY", "NEEDS"], inbox.items.map { item in
                    [item.release.key, item.release.title, item.round.requestedBy,
                     item.round.requirements.map { "\($0.approvers.count)/\($0.count) \($0.roles.map(\.rawValue).joined(separator: "/"))" }.joined(separator: ", ")]
                }))
            case .badRequest(let problem), .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
            case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
            }
        }
    }

    static func decide(_ key: String, _ decision: Components.Schemas.DecisionInput.DecisionPayload, _ comment: String, _ conditions: String,
                       _ remote: RemoteOptions) async throws {
        let client = try remote.client()
        let output = try await remote.call {
            try await client.decideApproval(path: .init(key: key), body: .json(.init(decision: decision, comment: comment, conditions: conditions)))
        }
        switch output {
        case .ok(let ok): try print(try ok.body.json, remote)
        case .badRequest(let problem), .notFound(let problem), .conflict(let problem), .unprocessableContent(let problem):
            throw CLIError.refusal(problem)
        case .unauthorized(let problem), .forbidden(let problem): throw CLIError.refusal(problem)
        case .undocumented(let status, _): throw CLIError.unexpectedAnswer(status)
        }
    }

    static func print(_ approvals: Components.Schemas.Approvals, _ remote: RemoteOptions) throws {
        if remote.json { return try remote.printJSON(approvals) }
        guard let round = approvals.round else { return Swift.print("\(approvals.release): approval was never requested") }
        let state = round.status == .voided ? "voided (\(round.voidReason ?? "scope changed"))" : round.approved ? "approved" : "awaiting approval"
        Swift.print("\(approvals.release): \(state); requested by \(round.requestedBy)")
        for requirement in round.requirements {
            let who = requirement.approvers.isEmpty ? "" : " (\(requirement.approvers.joined(separator: ", ")))"
            Swift.print("  \(requirement.satisfied ? "✓" : "·") \(requirement.rule): \(requirement.approvers.count)/\(requirement.count) from \(requirement.roles.map(\.rawValue).joined(separator: " or "))\(who)")
        }
        for decision in round.decisions {
            let extra = decision.conditions.isEmpty ? "" : " — conditions: \(decision.conditions)"
            Swift.print("  \(decision.approver) \(decision.decision.rawValue)\(decision.comment.isEmpty ? "" : ": \(decision.comment)")\(extra)")
        }
    }
}
