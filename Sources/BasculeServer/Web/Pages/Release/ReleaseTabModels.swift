import BasculeCore
import Foundation

/// The tabs of the release page, each a typed model with display-ready values.
struct PlanTab: Sendable {
    struct ObjectiveLine: Sendable { let statement: String; let criterion: String; let assessment: String }
    struct MilestoneLine: Sendable { let name: String; let due: String; let done: String?; let overdue: Bool }
    struct ResourceLine: Sendable { let name: String; let kind: String; let role: String }
    struct TrainingLine: Sendable { let title: String; let audience: String; let due: String; let done: Bool }
    struct RequirementLine: Sendable { let category: String; let target: String; let verification: String; let status: String }
    struct ReadinessLine: Sendable { let title: String; let done: Bool }
    struct DocumentLine: Sendable { let title: String; let href: String; let html: String?; let meta: String? }

    let revision: Int
    let canEdit: Bool
    let objectives: [ObjectiveLine]
    let hasObjectives: Bool
    let scopeIn: [String]
    let scopeOut: [String]
    let milestones: [MilestoneLine]
    let hasMilestones: Bool
    let resources: [ResourceLine]
    let training: [TrainingLine]
    let requirements: [RequirementLine]
    let readiness: [ReadinessLine]
    let readinessDone: String
    let documents: [DocumentLine]
}

struct RisksTab: Sendable {
    struct RiskLine: Sendable {
        let title: String; let probability: Int; let impact: Int; let score: Int; let level: String; let levelLabel: String
        let mitigation: String; let owner: String; let status: String
    }
    struct FactorLine: Sendable { let points: Int; let text: String }
    let risks: [RiskLine]
    let hasRisks: Bool
    let score: Int
    let scoreStatus: String
    let scoreLabel: String
    let factors: [FactorLine]
    let hasFactors: Bool
    let canEdit: Bool
}

struct ChangesTab: Sendable {
    struct ChangeLine: Sendable {
        let key: String; let title: String; let category: String; let kind: String; let risk: String; let status: String
        let requestedBy: String; let link: String?; let reference: String?; let rollback: String; let items: String; let editHref: String?
    }
    let changes: [ChangeLine]
    let hasChanges: Bool
    let canManage: Bool
}

struct TestsTab: Sendable {
    struct CampaignLine: Sendable {
        let kind: String; let environment: String; let passed: Int; let failed: Int; let skipped: Int; let rate: String
        let failing: [String]; let hasFailing: Bool; let source: String; let by: String; let at: String; let evidence: String?
    }
    let campaigns: [CampaignLine]
    let hasCampaigns: Bool
    let canRecord: Bool
}

struct ApprovalsTab: Sendable {
    struct RequirementLine: Sendable { let rule: String; let roles: String; let have: Int; let count: Int; let satisfied: Bool; let approvers: String? }
    struct DecisionLine: Sendable { let approver: String; let decision: String; let value: String; let comment: String; let conditions: String?; let at: String }
    struct Round: Sendable {
        let requestedBy: String; let requestedAt: String; let voided: Bool; let voidReason: String; let approved: Bool
        let requirements: [RequirementLine]; let decisions: [DecisionLine]
    }
    let canRequest: Bool
    let canDecide: Bool
    let round: Round?
}

struct PolicyTab: Sendable {
    struct Target: Sendable { let value: String; let label: String; let selected: Bool }
    struct OutcomeLine: Sendable { let rule: String; let verdict: String; let verdictLabel: String; let explanation: String }
    struct OverrideLine: Sendable { let actor: String; let target: String; let rules: String; let reason: String; let at: String }
    let target: String
    let targets: [Target]
    let passed: Bool
    let version: Int
    /// The lifecycle's own requirements for that gate (a window, an environment), before the policy's rules.
    let requirements: [GateReason]
    let outcomes: [OutcomeLine]
    let overrides: [OverrideLine]
    let hasOverrides: Bool
    let passedGate: Bool
}

struct ImpactTab: Sendable {
    struct ItemLine: Sendable { let key: String; let name: String; let type: String; let criticality: Int; let depth: Int; let path: String; let team: String }
    struct Modified: Sendable { let key: String; let name: String; let type: String }
    let modified: [Modified]
    let hasModified: Bool
    let services: [ItemLine]
    let hasServices: Bool
    let impacted: [ItemLine]
    let count: Int
    let svg: String
    let omitted: Int
    let hasOmitted: Bool
}

struct CalendarTab: Sendable {
    struct ConflictLine: Sendable { let kind: String; let kindLabel: String; let explanation: String; let other: String?; let otherHref: String? }
    struct Slot: Sendable { let label: String; let start: String; let end: String; let revision: Int; let key: String }
    /// The scheduling assistant's offers, each a form that moves the release there.
    struct Slots: Sendable {
        let slots: [Slot]
        let hasSlots: Bool
        let noSlots: Bool
    }
    let conflicts: [ConflictLine]
    let hasConflicts: Bool
    let hasWindow: Bool
    let window: String
    let slots: [Slot]
    let hasSlots: Bool
    let noSlots: Bool
}

struct RunbookTab: Sendable {
    struct StepLine: Sendable {
        let key: String; let title: String; let phase: String; let kind: String; let owner: String; let minutes: String; let after: String
        let downtime: Bool; let undoneBy: String?; let critical: Bool
    }
    struct RunLine: Sendable { let href: String; let kind: String; let status: String; let statusValue: String; let created: String }
    /// `interruption`: seconds its rolling updates measured from outside, "—" when none did.
    struct Column: Sendable { let label: String; let minutes: String; let downtime: String; let interruption: String }
    struct ReportRow: Sendable { let key: String; let title: String; let planned: String; let actuals: [String]; let deviation: String?; let flagged: Bool }
    struct Report: Sendable {
        let hasRehearsals: Bool; let columns: [Column]; let plannedMinutes: String; let plannedDowntime: String; let rows: [ReportRow]; let flaggedCount: Int
        /// Some rehearsal measured an interruption: the report shows the row.
        let measured: Bool
    }
    let hasSteps: Bool
    let revision: Int
    let count: Int
    let plannedMinutes: Int
    let steps: [StepLine]
    let runs: [RunLine]
    let hasRuns: Bool
    let report: Report
    let canEdit: Bool
    let yaml: String
    /// Why the YAML in the editor was refused, each with its line.
    let yamlErrors: [String]
    let canRehearse: Bool
    let canGoLive: Bool
}
