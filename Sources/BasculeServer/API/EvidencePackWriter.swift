import BasculeAPI
import BasculeCore
import BasculeStore
import Foundation

/// Writes a release's evidence as the API shows each record (the same JSON, documented in the
/// OpenAPI document), seals it with its manifest and records the manifest's digest in the
/// audit trail.
enum EvidencePackWriter {
    struct Pack: Sendable {
        let bytes: [UInt8]
        let manifestDigest: String
        let fileName: String
    }

    private struct RunRecord: Encodable {
        let run: Components.Schemas.RunSummary
        let steps: [Components.Schemas.RunStepView]
        let log: [Components.Schemas.RunActionView]
    }

    private struct DeploymentRecord: Encodable {
        let run: String
        let environment: String?
        let production: Bool
        let result: String
        let plannedStart: Date?
        let plannedEnd: Date?
        let startedAt: Date
        let endedAt: Date
        let plannedDowntimeSeconds: Double?
        let actualDowntimeSeconds: Double?
    }

    static func make(_ key: String, evidence: EvidenceService) async throws -> Pack {
        let records = try await evidence.gather(key)
        let files = try entries(records)
        let bytes = EvidencePack.seal(files, at: records.gatheredAt)
        let digest = EvidencePack.manifestDigest(bytes) ?? ""
        try await evidence.recordPack(records.release.key.description, manifestDigest: digest, files: files.count + 1)
        let stamp = records.gatheredAt.formatted(.iso8601.year().month().day())
        return Pack(bytes: bytes, manifestDigest: digest, fileName: "\(records.release.key)-evidence-\(stamp).zip")
    }

    static func entries(_ records: EvidenceService.Records) throws -> [ZipArchive.Entry] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        func json(_ name: String, _ value: some Encodable) throws -> ZipArchive.Entry {
            ZipArchive.Entry(name: name, data: Array(try encoder.encode(value)))
        }
        let release = records.release
        var files: [ZipArchive.Entry] = [ZipArchive.Entry(name: "README.md", data: Array(readme(records).utf8))]
        files.append(try json("release.json", Components.Schemas.Release(release)))
        files.append(try json("plan.json", Components.Schemas.Plan(records.plan, release: release.key.description, revision: records.planRevision, now: records.gatheredAt)))
        for document in records.documents.sorted(by: { ($0.kind.rawValue, $0.version) < ($1.kind.rawValue, $1.version) }) {
            let header = "<!-- \(document.kind.rawValue) version \(document.version), by \(document.author), \(document.at.formatted(.iso8601)) -->\n\n"
            files.append(ZipArchive.Entry(name: "documents/\(document.kind.rawValue)-v\(document.version).md", data: Array((header + document.content).utf8)))
        }
        files.append(try json("changes.json", records.changes.map(Components.Schemas.Change.init)))
        files.append(try json("tests.json", records.tests.map(Components.Schemas.TestCampaign.init)))
        files.append(try json("approvals.json", records.approval.map(Components.Schemas.ApprovalRound.init)))
        files.append(try json("policy-checks.json", records.checks.map { Components.Schemas.PolicyCheck(release: release.key.description, check: $0, overrides: records.overrides) }))
        files.append(try json("runbook.json", Components.Schemas.Runbook(records.runbook, revision: records.runbookRevision, release: release.key.description)))
        for (index, run) in records.runs.enumerated() {
            let record = RunRecord(run: .init(run), steps: run.steps.map { Components.Schemas.RunStepView($0, waitingFor: []) },
                                   log: run.log.map(Components.Schemas.RunActionView.init))
            files.append(try json("runs/\(String(format: "%02d", index + 1))-\(run.kind.rawValue)-\(run.id.uuidString.lowercased()).json", record))
        }
        files.append(try json("deployments.json", records.deployments.map {
            DeploymentRecord(run: $0.run.uuidString.lowercased(), environment: $0.environment, production: $0.production, result: $0.result.rawValue,
                             plannedStart: $0.planned?.start, plannedEnd: $0.planned?.end, startedAt: $0.startedAt, endedAt: $0.endedAt,
                             plannedDowntimeSeconds: $0.plannedDowntime, actualDowntimeSeconds: $0.actualDowntime)
        }))
        files.append(try json("promotion.json", records.promotion.stops.map(Components.Schemas.PromotionStop.init)))
        files.append(try json("incidents.json", records.incidents.map(Components.Schemas.AttributionView.init)))
        files.append(ZipArchive.Entry(name: EvidencePack.auditName, data: Array(try EvidencePack.encoder().encode(records.audit.map(EvidencePack.AuditLine.init)))))
        return files
    }

    private static func readme(_ records: EvidenceService.Records) -> String {
        """
        # Evidence pack of \(records.release.key): \(records.release.fields.title) \(records.release.fields.version)

        Made by Bascule on \(records.gatheredAt.formatted(.iso8601)), all records read in one transaction.

        | File | What it holds |
        |---|---|
        | release.json | The release as the API shows it (status \(records.release.status.rawValue)) |
        | plan.json | Objectives, risks, milestones, resources, training, requirements, readiness |
        | documents/ | Every version of the release notes and rollback plan |
        | changes.json | The changes and the configuration items each modifies |
        | tests.json | Test campaigns and their evidence |
        | approvals.json | The approval round with each decision |
        | policy-checks.json | The policy's verdict at each gate as it stands today, and every override with its reason |
        | runbook.json | The runbook |
        | runs/ | Every rehearsal and live run: steps and the timestamped log of every action |
        | deployments.json | Each live cutover's end: result, times, planned and actual downtime |
        | incidents.json | Incidents attributed to the release, with the evidence and who decided |
        | audit-events.json | The release's audit events, each with its chain hash and its predecessor's |
        | MANIFEST.sha256 | The SHA-256 of every file above |

        To check it: `bascule evidence verify FILE.zip` (offline; names any file changed, missing or
        added, and re-hashes every audit event), or unzip it and run `sha256sum -c MANIFEST.sha256`.
        The manifest's own SHA-256 is in the installation's audit trail (action `evidence.pack`).
        """
    }
}
