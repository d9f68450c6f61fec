import BasculeCore
import BasculeStore
import Foundation

/// After the cutover, on the release's overview: how each live cutover ended, the incidents
/// attributed to the release (candidates and confirmed) with their path, and the evidence
/// pack for auditors.
struct AfterReleasePanel: Sendable {
    struct Cutover: Sendable {
        let result: String
        let failed: Bool
        let ended: String
        let downtime: String
    }

    struct Incident: Sendable {
        let reference: String
        let href: String
        let title: String
        let severity: String
        let state: String
        let confirmed: Bool
        let path: String
    }

    let cutovers: [Cutover]
    let incidents: [Incident]
    let showIncidents: Bool
    let evidenceHref: String?

    /// Nil when there is nothing to show yet: no cutover ended, no incident, no pack to give.
    static func model(_ release: Release, deployments: [Deployment], attributions: [StoredAttribution]?, mayExport: Bool, _ words: Words) -> AfterReleasePanel? {
        let ended: Set<ReleaseStatus> = [.deployed, .closed, .rolledBack, .failed]
        guard !deployments.isEmpty || !(attributions ?? []).isEmpty || ended.contains(release.status) else { return nil }
        return AfterReleasePanel(
            cutovers: deployments.map { deployment in
                Cutover(result: words.label(deployment.result), failed: deployment.result != .deployed, ended: words.date(deployment.endedAt),
                        downtime: deployment.actualDowntime.map { actual in
                            words.text("period_report_downtime", ["actual": IndicatorWording.long(actual, words),
                                                           "planned": deployment.plannedDowntime.map { IndicatorWording.long($0, words) } ?? "—"])
                        } ?? "")
            },
            incidents: (attributions ?? []).map { attribution in
                Incident(reference: attribution.incident, href: "/incidents/\(SitePath.segment(attribution.incident))", title: attribution.incidentTitle,
                         severity: words.text("severity_\(attribution.severity)"), state: words.label(attribution.state),
                         confirmed: attribution.state == .confirmed, path: attribution.path.joined(separator: " → "))
            },
            showIncidents: attributions != nil, evidenceHref: mayExport ? "/api/v1/releases/\(release.key)/evidence-pack" : nil)
    }
}
