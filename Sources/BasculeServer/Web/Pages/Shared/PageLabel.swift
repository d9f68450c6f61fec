import BasculeCore
import BasculeStore

/// A value of the domain that pages name in words: its label is `<prefix>_<rawValue>` in the
/// localisation table, so that no raw enum value reaches a page.
protocol PageLabel: CaseIterable, RawRepresentable where RawValue == String {
    static var labelPrefix: String { get }
}

extension PageLabel {
    var labelKey: String { "\(Self.labelPrefix)_\(rawValue)" }
    static var labelKeys: [String] { allCases.map(\.labelKey) }
}

/// Every labelled type, so that a test finds each of their values in both languages.
enum PageLabels {
    static let allKeys: [String] = [
        ReleaseStatus.labelKeys, ReleaseType.labelKeys, Role.labelKeys, EnvironmentKind.labelKeys,
        ApprovalDecisionKind.labelKeys, Verdict.labelKeys, RiskScore.Status.labelKeys, RiskLevel.labelKeys,
        Risk.Status.labelKeys, Objective.Assessment.labelKeys, Resource.Kind.labelKeys, Resource.RACI.labelKeys,
        TrainingItem.Audience.labelKeys, NonFunctionalRequirement.Category.labelKeys, NonFunctionalRequirement.Status.labelKeys,
        DocumentKind.labelKeys, TestKind.labelKeys, ChangeCategory.labelKeys, ChangeKind.labelKeys, ChangeStatus.labelKeys,
        ConflictKind.labelKeys, CIType.labelKeys, RunKind.labelKeys, RunStatus.labelKeys, StepState.labelKeys,
        StepPhase.labelKeys, StepKind.labelKeys, GoNoGo.labelKeys, RunAction.Kind.labelKeys, AuditAction.labelKeys,
        AgentState.labelKeys, AttemptState.labelKeys, NoticeKind.labelKeys, NoticeChannel.labelKeys, Delivery.State.labelKeys, WebhookFormat.labelKeys,
        DisruptionState.labelKeys, IndicatorSet.Key.labelKeys, DORA.Band.labelKeys, CutoverOutcome.Result.labelKeys, AttributionState.labelKeys,
        ReportPeriod.labelKeys, MeetingKind.labelKeys, MeetingStatus.labelKeys, ActionStatus.labelKeys,
        Review.Status.labelKeys, Review.Closure.labelKeys, PromotionPath.Standing.labelKeys, EnvironmentDeployment.Outcome.labelKeys,
        DependencyKind.labelKeys, DependencyRules.OrderProblem.Reason.labelKeys, CommitKind.labelKeys, UnconventionalReason.labelKeys,
    ].flatMap { $0 }
}

extension ReleaseStatus: PageLabel { static var labelPrefix: String { "status" } }
extension ReleaseType: PageLabel { static var labelPrefix: String { "type" } }
extension Role: PageLabel { static var labelPrefix: String { "role" } }
extension EnvironmentKind: PageLabel { static var labelPrefix: String { "envkind" } }
extension ApprovalDecisionKind: PageLabel { static var labelPrefix: String { "decision" } }
extension Verdict: PageLabel { static var labelPrefix: String { "verdict" } }
extension RiskScore.Status: PageLabel { static var labelPrefix: String { "risk" } }
extension RiskLevel: PageLabel { static var labelPrefix: String { "level" } }
extension Risk.Status: PageLabel { static var labelPrefix: String { "riskstatus" } }
extension Objective.Assessment: PageLabel { static var labelPrefix: String { "assessment" } }
extension Resource.Kind: PageLabel { static var labelPrefix: String { "resource" } }
extension Resource.RACI: PageLabel { static var labelPrefix: String { "raci" } }
extension TrainingItem.Audience: PageLabel { static var labelPrefix: String { "audience" } }
extension NonFunctionalRequirement.Category: PageLabel { static var labelPrefix: String { "reqcat" } }
extension NonFunctionalRequirement.Status: PageLabel { static var labelPrefix: String { "reqstatus" } }
extension DocumentKind: PageLabel { static var labelPrefix: String { "doc" } }
extension TestKind: PageLabel { static var labelPrefix: String { "testkind" } }
extension ChangeCategory: PageLabel { static var labelPrefix: String { "chgcat" } }
extension ChangeKind: PageLabel { static var labelPrefix: String { "chgkind" } }
extension ChangeStatus: PageLabel { static var labelPrefix: String { "chgstatus" } }
extension ConflictKind: PageLabel { static var labelPrefix: String { "conflict" } }
extension CIType: PageLabel { static var labelPrefix: String { "citype" } }
extension RunKind: PageLabel { static var labelPrefix: String { "run" } }
extension RunStatus: PageLabel { static var labelPrefix: String { "runstatus" } }
extension StepState: PageLabel { static var labelPrefix: String { "step" } }
extension StepPhase: PageLabel { static var labelPrefix: String { "phase" } }
extension StepKind: PageLabel { static var labelPrefix: String { "stepkind" } }
extension GoNoGo: PageLabel { static var labelPrefix: String { "gonogo" } }
extension RunAction.Kind: PageLabel { static var labelPrefix: String { "runaction" } }
extension AuditAction: PageLabel { static var labelPrefix: String { "audit" } }
extension MeetingKind: PageLabel { static var labelPrefix: String { "meetingkind" } }
extension MeetingStatus: PageLabel { static var labelPrefix: String { "meetingstatus" } }
extension ActionStatus: PageLabel { static var labelPrefix: String { "actionstatus" } }
extension Review.Status: PageLabel { static var labelPrefix: String { "reviewstatus" } }
extension Review.Closure: PageLabel { static var labelPrefix: String { "closure" } }
extension PromotionPath.Standing: PageLabel { static var labelPrefix: String { "promstanding" } }
extension EnvironmentDeployment.Outcome: PageLabel { static var labelPrefix: String { "promoutcome" } }
extension DependencyKind: PageLabel { static var labelPrefix: String { "depkind" } }
extension DependencyRules.OrderProblem.Reason: PageLabel { static var labelPrefix: String { "depproblem" } }
extension CommitKind: PageLabel { static var labelPrefix: String { "commitkind" } }
extension UnconventionalReason: PageLabel { static var labelPrefix: String { "commitreason" } }
