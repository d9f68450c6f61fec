import Foundation
import Yams

/// Reads a rule of one kind from its YAML node. The standard kinds are below; later
/// capabilities (calendar conflicts, rehearsals) add theirs to `PolicyDocument.kinds`.
public struct PolicyRuleKind: Sendable {
    public let name: String
    /// Keys this kind accepts besides the common `id`, `kind`, `gates`, `description`.
    public let keys: Set<String>
    public let parse: @Sendable (_ id: String, _ entries: [String: PolicyNode], _ gates: Set<ReleaseStatus>?, _ clock: PolicyClock) throws(FieldError) -> any PolicyRule

    public init(name: String, keys: Set<String>,
                parse: @escaping @Sendable (String, [String: PolicyNode], Set<ReleaseStatus>?, PolicyClock) throws(FieldError) -> any PolicyRule) {
        self.name = name
        self.keys = keys
        self.parse = parse
    }
}

/// The release policy as people write it: YAML, validated whole, with every error naming its
/// line and field. A document with any error is refused entirely.
public enum PolicyDocument {
    public static let maximumSize = 256 * 1024

    public static func parse(_ text: String, version: Int = 0, kinds: [PolicyRuleKind] = standardKinds) throws(CoreError) -> ReleasePolicy {
        guard text.utf8.count <= maximumSize else { throw .invalid([FieldError("document", "is larger than 256 KiB")]) }
        let root = try YAMLText.compose(text, field: "document")
        var errors: [FieldError] = []
        do {
            let top = try PolicyNode(root, path: "").mapping(allowed: ["version", "timeZone", "overrideRoles", "emergency", "afterRelease", "rules"])
            if let schema = top["version"] { _ = try schema.int(in: 1...1) }
            var zone = TimeZone(identifier: ReleasePolicy.defaultTimeZone) ?? .gmt
            if let node = top["timeZone"] {
                let name = try node.string()
                guard let found = TimeZone(identifier: name) else {
                    throw node.error("unknown time zone '\(name)' (use an IANA name such as Europe/Paris)")
                }
                zone = found
            }
            let clock = PolicyClock(timeZone: zone)
            var overrideRoles: Set<Role> = [.admin]
            if let node = top["overrideRoles"] { overrideRoles = Set(try node.choices(Role.self)) }
            var rules: [any PolicyRule] = []
            if let node = top["rules"] {
                guard node.node.sequence != nil else { throw node.error("must be a list of rules") }
                var seen: Set<String> = []
                for item in try node.items() {
                    do throws(FieldError) {
                        let rule = try parseRule(item, kinds: kinds, clock: clock)
                        if !seen.insert(rule.id).inserted { throw item.error("the rule id '\(rule.id)' is used twice") }
                        rules.append(rule)
                    } catch {
                        errors.append(error)
                    }
                }
            }
            var emergency: EmergencyProvision?
            if let node = top["emergency"] {
                let entries = try node.mapping(allowed: ["skips", "approvalsWithinHours"])
                let skips = try entries["skips"]?.strings() ?? []
                let ids = Set(rules.map(\.id))
                if let unknown = skips.first(where: { !ids.contains($0) }), errors.isEmpty {
                    throw (entries["skips"] ?? node).error("names no rule of this policy: '\(unknown)'")
                }
                let hours = try entries["approvalsWithinHours"]?.int(in: 0...720) ?? 48
                emergency = EmergencyProvision(skips: Set(skips), approvalsWithinHours: hours)
            }
            var afterRelease = AfterReleaseSettings.standard
            if let node = top["afterRelease"] {
                let entries = try node.mapping(allowed: ["attributionDays", "incidentDays"])
                afterRelease = AfterReleaseSettings(attributionDays: try entries["attributionDays"]?.int(in: 1...90) ?? afterRelease.attributionDays,
                                                    incidentDays: try entries["incidentDays"]?.int(in: 1...90) ?? afterRelease.incidentDays)
            }
            guard errors.isEmpty else { throw CoreError.invalid(errors) }
            return ReleasePolicy(version: version, timeZone: zone, overrideRoles: overrideRoles, emergency: emergency, afterRelease: afterRelease, rules: rules)
        } catch let error as FieldError {
            throw .invalid(errors + [error])
        } catch let error as CoreError {
            throw error
        } catch {
            throw .invalid(errors + [FieldError("document", "\(error)")])
        }
    }

    private static func parseRule(_ item: PolicyNode, kinds: [PolicyRuleKind], clock: PolicyClock) throws(FieldError) -> any PolicyRule {
        guard let mapping = item.node.mapping else { throw item.error("must be a mapping with at least id and kind") }
        var kindName: String?
        for (key, value) in mapping where key.scalar?.string == "kind" { kindName = value.scalar?.string }
        guard let kindName else { throw item.error("needs a kind (one of \(kinds.map(\.name).joined(separator: ", ")))") }
        guard let kind = kinds.first(where: { $0.name == kindName }) else {
            throw PolicyNode(item.node, path: item.path + ".kind").error("unknown rule kind '\(kindName)' (use \(kinds.map(\.name).joined(separator: ", ")))")
        }
        let entries = try item.mapping(allowed: kind.keys.union(["id", "kind", "gates", "description"]))
        guard let idNode = entries["id"] else { throw item.error("needs an id, such as no-friday") }
        let id = try idNode.string()
        guard id.count <= 64, let first = id.first, first.isASCII, first.isLetter || first.isNumber,
              id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
        else { throw idNode.error("must be lowercase letters, digits and dashes, at most 64 characters") }
        var gates: Set<ReleaseStatus>?
        if let node = entries["gates"] { gates = Set(try node.choices(ReleaseStatus.self)) }
        return try kind.parse(id, entries, gates, clock)
    }

    static func syntaxError(_ error: any Error) -> FieldError {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                return FieldError("document", "is not valid YAML: \(problem)", line: mark.line)
            default: break
            }
        }
        return FieldError("document", "is not valid YAML: \(error)")
    }
}
