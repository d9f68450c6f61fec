import Foundation

/// A release's evidence for auditors: one zip of JSON and Markdown files with a manifest of
/// their SHA-256 sums (`sha256sum -c` reads it once unzipped), and the release's audit events
/// each with its chain hash, checked again offline from its content.
public enum EvidencePack {
    public static let manifestName = "MANIFEST.sha256"
    public static let auditName = "audit-events.json"

    /// The archive holding `files` and, last, their manifest.
    public static func seal(_ files: [ZipArchive.Entry], at date: Date) -> [UInt8] {
        let manifest = files.map { "\(Digest.sha256(bytes: $0.data))  \($0.name)\n" }.joined()
        return ZipArchive.write(files + [ZipArchive.Entry(name: manifestName, data: Array(manifest.utf8))], at: date)
    }

    /// The SHA-256 of the manifest in an archive: quoted in the audit trail when the pack is
    /// made, so that a pack whose manifest was rewritten too is still caught.
    public static func manifestDigest(_ archive: [UInt8]) -> String? {
        (try? ZipArchive.read(archive))?.first { $0.name == manifestName }.map { Digest.sha256(bytes: $0.data) }
    }

    public struct Verification: Sendable, Equatable {
        /// The files whose sums matched.
        public let checked: [String]
        /// One line per problem, each naming its file.
        public let problems: [String]
        public let manifestDigest: String?

        public var isIntact: Bool { problems.isEmpty }
    }

    /// Checks every file against the manifest, names the changed, missing and unlisted ones,
    /// and re-hashes each audit event; `expectedManifest`: the manifest digest the audit
    /// trail quoted, when the auditor has it.
    public static func verify(_ archive: [UInt8], expectedManifest: String? = nil) -> Verification {
        let entries: [ZipArchive.Entry]
        do { entries = try ZipArchive.read(archive) } catch { return Verification(checked: [], problems: ["the archive: \(error)"], manifestDigest: nil) }
        guard let manifest = entries.first(where: { $0.name == manifestName }) else {
            return Verification(checked: [], problems: ["\(manifestName) is missing: nothing can be checked"], manifestDigest: nil)
        }
        var problems: [String] = []
        let digest = Digest.sha256(bytes: manifest.data)
        if let expectedManifest, expectedManifest.lowercased() != digest {
            problems.append("\(manifestName) is not the one made with the pack (its SHA-256 is \(digest), expected \(expectedManifest))")
        }
        var listed: [String: String] = [:], order: [String] = []
        for line in String(decoding: manifest.data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else {
                problems.append("\(manifestName) has a line that is not \"sum  name\": \(line)")
                continue
            }
            let name = String(parts[1].drop { $0 == " " || $0 == "*" })
            listed[name] = String(parts[0]).lowercased()
            order.append(name)
        }
        let files = Dictionary(entries.map { ($0.name, $0.data) }) { first, _ in first }
        var checked: [String] = []
        for name in order {
            guard let data = files[name] else {
                problems.append("\(name) is missing")
                continue
            }
            if Digest.sha256(bytes: data) == listed[name] { checked.append(name) } else { problems.append("\(name) was changed (its SHA-256 no longer matches the manifest)") }
        }
        for entry in entries where entry.name != manifestName && listed[entry.name] == nil {
            problems.append("\(entry.name) is not in the manifest (added after the pack was made)")
        }
        if let audit = files[auditName] { problems += auditProblems(audit) }
        return Verification(checked: checked, problems: problems, manifestDigest: digest)
    }

    /// One audit event as the pack writes it.
    public struct AuditLine: Codable, Sendable, Equatable {
        public let sequence: Int
        public let at: Date
        /// Milliseconds since 1970, as hashed: the readable time above may lose a millisecond to rounding.
        public let atMillis: Int64
        public let actor: String
        public let action: String
        public let target: String
        public let summary: String
        public let requestID: String?
        public let clientAddress: String?
        public let previousHash: String
        public let hash: String

        public init(_ event: AuditEvent) {
            sequence = event.sequence
            at = event.at
            atMillis = Int64((event.at.timeIntervalSince1970 * 1000).rounded())
            actor = event.entry.actor
            action = event.entry.action.rawValue
            target = event.entry.target
            summary = event.entry.summary
            requestID = event.requestID
            clientAddress = event.clientAddress
            previousHash = event.previousHash
            hash = event.hash
        }
    }

    /// Milliseconds kept: the audit hash covers them.
    static let timeStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(timeStyle))
        }
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = try? timeStyle.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(text) is not a time"))
            }
            return date
        }
        return decoder
    }

    private static func auditProblems(_ data: [UInt8]) -> [String] {
        guard let lines = try? decoder().decode([AuditLine].self, from: Data(data)) else { return ["\(auditName) cannot be read as audit events"] }
        var problems: [String] = []
        for line in lines {
            guard let action = AuditAction(rawValue: line.action) else {
                problems.append("\(auditName): event \(line.sequence) has an unknown action \(line.action)")
                continue
            }
            let content = AuditEvent.canonicalContent(sequence: line.sequence, at: Date(timeIntervalSince1970: Double(line.atMillis) / 1000), entry: AuditEntry(actor: line.actor, action: action, target: line.target, summary: line.summary),
                                                      requestID: line.requestID, clientAddress: line.clientAddress, previousHash: line.previousHash)
            if Digest.sha256(content) != line.hash { problems.append("\(auditName): event \(line.sequence) no longer matches its chain hash") }
        }
        return problems
    }
}
