import Foundation

/// One line of the audit trail: who did what to which record, when, from where. Events are
/// chained: each carries the hash of the one before it and its own, so that a changed, removed
/// or inserted row is found by walking the chain.
public struct AuditEvent: Sendable, Equatable {
    /// 1, 2, 3… with no gap.
    public let sequence: Int
    public let at: Date
    public let entry: AuditEntry
    public let requestID: String?
    public let clientAddress: String?
    public let previousHash: String
    public let hash: String

    public init(sequence: Int, at: Date, entry: AuditEntry, requestID: String?, clientAddress: String?, previousHash: String, hash: String) {
        self.sequence = sequence
        self.at = at
        self.entry = entry
        self.requestID = requestID
        self.clientAddress = clientAddress
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The hash of the first event's predecessor.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// What is hashed: every field but the hash itself, in a fixed order, each one escaped so
    /// that no choice of text can make two different events read the same.
    public static func canonicalContent(
        sequence: Int, at: Date, entry: AuditEntry, requestID: String?, clientAddress: String?, previousHash: String
    ) -> String {
        let millis = Int64((at.timeIntervalSince1970 * 1000).rounded())
        let fields: [String?] = [
            String(sequence), String(millis), entry.actor, entry.action.rawValue, entry.target, entry.summary,
            requestID, clientAddress, previousHash,
        ]
        var content = ""
        content.reserveCapacity(fields.reduce(16) { $0 + ($1?.utf8.count ?? 1) + 3 })
        for (index, field) in fields.enumerated() {
            if index > 0 { content += "," }
            guard let field else {
                content += "-"
                continue
            }
            content += "\""
            // Most fields hold neither character to escape: appended as they are, with the same
            // bytes as the replacement would give (hashes already stored depend on them).
            if field.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") }) {
                content += field.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            } else {
                content += field
            }
            content += "\""
        }
        return content
    }

    public var canonicalContent: String {
        Self.canonicalContent(sequence: sequence, at: at, entry: entry, requestID: requestID, clientAddress: clientAddress, previousHash: previousHash)
    }
}

/// What a use case records: the part of an event that the use case knows.
public struct AuditEntry: Sendable, Equatable {
    /// The username, `anonymous` without credentials, or `system` for start-up and local admin work.
    public let actor: String
    public let action: AuditAction
    /// The record acted on: `REL-3`, `environment:production`.
    public let target: String
    /// What changed, for a person reading the trail.
    public let summary: String

    public init(actor: String, action: AuditAction, target: String, summary: String) {
        self.actor = actor
        self.action = action
        self.target = target
        self.summary = summary
    }
}

/// The kinds of write the trail records. Later capabilities add theirs.
public enum AuditAction: String, Sendable, CaseIterable, Codable {
    case releaseCreate = "release.create"
    case releaseUpdate = "release.update"
    case releaseDelete = "release.delete"
    case releaseTransition = "release.transition"
    case environmentCreate = "environment.create"
    case demoSeed = "demo.seed"
    case loginSuccess = "login.success"
    case loginFailure = "login.failure"
    /// Sign-ins refused unheard while a throttle holds: one event per subject and window.
    case loginThrottled = "login.throttled"
    case logout = "logout"
    case tokenCreate = "token.create"
    case tokenRevoke = "token.revoke"
    case userCreate = "user.create"
    case userUpdate = "user.update"
    case userPasswordReset = "user.password-reset"
    case permissionDenied = "permission.denied"
    case teamCreate = "team.create"
    case teamUpdate = "team.update"
    case planUpdate = "plan.update"
    case documentUpdate = "document.update"
    case changeCreate = "change.create"
    case changeUpdate = "change.update"
    case changeDelete = "change.delete"
    case testRecord = "test.record"
    case policyUpdate = "policy.update"
    case approvalRequest = "approval.request"
    case approvalDecide = "approval.decide"
    case approvalVoid = "approval.void"
    case gateOverride = "gate.override"
    case itemCreate = "ci.create"
    case itemUpdate = "ci.update"
    case itemDelete = "ci.delete"
    case inventoryImport = "inventory.import"
    case maintenanceCreate = "maintenance.create"
    case maintenanceUpdate = "maintenance.update"
    case maintenanceDelete = "maintenance.delete"
    case calendarFeed = "calendar.feed"
    case runbookUpdate = "runbook.update"
    case runbookTemplate = "runbook.template"
    case runCreate = "run.create"
    case runAction = "run.action"
    case agentTokenCreate = "agent.token.create"
    case agentRegister = "agent.register"
    case agentDisable = "agent.disable"
    case agentEnable = "agent.enable"
    case agentRevoke = "agent.revoke"
    case attemptStart = "attempt.start"
    case attemptEnd = "attempt.end"
    /// A result or output from an agent whose lease on the attempt was taken back.
    case attemptRefused = "attempt.refused"
    /// An operator asked for a running rolling update to be rolled back.
    case rollingRollback = "rolling.rollback"
    case secretSet = "secret.set"
    case secretDelete = "secret.delete"
    case subscriptionCreate = "subscription.create"
    case subscriptionDelete = "subscription.delete"
    case stakeholderAdd = "stakeholder.add"
    case stakeholderRemove = "stakeholder.remove"
    case webhookCreate = "webhook.create"
    case webhookUpdate = "webhook.update"
    case webhookDelete = "webhook.delete"
    case webhookRotate = "webhook.rotate"
    /// An endpoint failing for days, switched off by the server.
    case webhookDisable = "webhook.disable"
    case deliveryReplay = "delivery.replay"
    case notifyTest = "notify.test"
    case statusPublish = "status.publish"
    case incidentRecord = "incident.record"
    case incidentUpdate = "incident.update"
    case incidentImport = "incident.import"
    case attributionDecide = "attribution.decide"
    case incidentSourceCreate = "incident-source.create"
    case incidentSourceDelete = "incident-source.delete"
    /// An evidence pack made, with its manifest's digest: the auditor's anchor.
    case evidencePack = "evidence.pack"
    case meetingCreate = "meeting.create"
    case meetingUpdate = "meeting.update"
    case meetingMinutes = "meeting.minutes"
    case meetingAgenda = "meeting.agenda"
    /// A decision on an agenda item, taken in the meeting (the approval is audited as well).
    case meetingDecide = "meeting.decide"
    case meetingClose = "meeting.close"
    case meetingCancel = "meeting.cancel"
    case meetingSeriesCreate = "meeting-series.create"
    case meetingSeriesEnd = "meeting-series.end"
    case actionCreate = "action.create"
    case actionUpdate = "action.update"
    case reviewOpen = "review.open"
    case reviewUpdate = "review.update"
    case reviewPublish = "review.publish"
    case reviewFeedback = "review.feedback"
    case reviewFeedbackLink = "review.feedback-link"
    case commitImport = "commit.import"
    case commitSort = "commit.sort"
    case notesPublish = "notes.publish"
    case dependencyAdd = "dependency.add"
    case dependencyRemove = "dependency.remove"
    case promotionRecord = "promotion.record"
    case environmentMirror = "environment.mirror"
    case environmentRefresh = "environment.refresh"
}
