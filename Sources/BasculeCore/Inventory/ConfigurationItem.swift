import Foundation

/// The key of a configuration item, `payroll-db`: lower case, so that `Payroll-DB` in a
/// spreadsheet and `payroll-db` in a change name the same thing.
public struct CIKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let maximumLength = 100
    public let text: String

    /// Letters, digits, `.`, `-`, `_` and `/`, starting with a letter or digit.
    public init?(_ raw: String) {
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard let first = text.unicodeScalars.first, text.count <= Self.maximumLength,
              CharacterSet.alphanumerics.contains(first), first.isASCII,
              text.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-/".unicodeScalars.contains($0)) })
        else { return nil }
        self.text = text
    }

    public var description: String { text }
    public static func < (lhs: CIKey, rhs: CIKey) -> Bool { lhs.text < rhs.text }

    static let rule = "may hold only letters, digits, '.', '-', '_' and '/' (1 to 100), starting with a letter or digit"
}

public enum CIType: String, Sendable, CaseIterable, Codable {
    case application, service, server, database, network, microservice, other
}

/// Something a release may modify and others depend on: an application, a business
/// service, a server, a database… `dependsOn` holds the relations "this depends on that".
public struct ConfigurationItem: Sendable, Equatable {
    public let key: CIKey
    public var fields: CIFields
    public let createdAt: Date
    public var updatedAt: Date
    public var revision: Int

    public init(key: CIKey, fields: CIFields, createdAt: Date, updatedAt: Date? = nil, revision: Int = 1) {
        self.key = key
        self.fields = fields
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.revision = revision
    }
}

/// The editable part of a configuration item.
public struct CIFields: Sendable, Equatable {
    public var name: String
    public var type: CIType
    /// The team that runs it (a team name); it is booked when a release modifies the item.
    public var ownerTeam: String?
    /// 1 is the most critical (a business service everyone uses), 4 the least.
    public var criticality: Int
    public var environments: [String]
    public var tags: [String]
    /// The items this one depends on, sorted, without repeats.
    public var dependsOn: [CIKey]

    public init(name: String, type: CIType, ownerTeam: String? = nil, criticality: Int = 3, environments: [String] = [],
                tags: [String] = [], dependsOn: [CIKey] = []) {
        self.name = name
        self.type = type
        self.ownerTeam = ownerTeam
        self.criticality = criticality
        self.environments = environments
        self.tags = tags
        self.dependsOn = dependsOn
    }
}

public enum InventoryLimits {
    public static let name = 200
    public static let listItem = 100
    public static let listCount = 50
    public static let dependencies = 500
}

/// A configuration item as typed or imported, before the rules have looked at it.
public struct CIInput: Sendable, Equatable {
    public var key: String
    public var name: String
    public var type: String
    public var ownerTeam: String?
    public var criticality: Int?
    public var environments: [String]
    public var tags: [String]
    public var dependsOn: [String]

    public init(key: String, name: String, type: String, ownerTeam: String? = nil, criticality: Int? = nil,
                environments: [String] = [], tags: [String] = [], dependsOn: [String] = []) {
        self.key = key
        self.name = name
        self.type = type
        self.ownerTeam = ownerTeam
        self.criticality = criticality
        self.environments = environments
        self.tags = tags
        self.dependsOn = dependsOn
    }

    public init(_ item: ConfigurationItem) {
        let f = item.fields
        self.init(key: item.key.text, name: f.name, type: f.type.rawValue, ownerTeam: f.ownerTeam, criticality: f.criticality,
                  environments: f.environments, tags: f.tags, dependsOn: f.dependsOn.map(\.text))
    }

    /// Every rule about one item at once. Whether the items it depends on exist is the
    /// inventory's question, not this one's: see `InventoryImport`.
    public func validate() throws(CoreError) -> (CIKey, CIFields) {
        var errors: [FieldError] = []
        let parsedKey = CIKey(key)
        if parsedKey == nil { errors.append(FieldError("key", key.isEmpty ? "is required" : CIKey.rule)) }
        let trimmedName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmedName.isEmpty { errors.append(FieldError("name", "is required")) }
        if trimmedName.textLength > InventoryLimits.name { errors.append(FieldError("name", "must be at most \(InventoryLimits.name) characters")) }
        let parsedType = CIType(rawValue: type.trimmingCharacters(in: .whitespaces).lowercased())
        if parsedType == nil {
            errors.append(FieldError("type", "must be one of \(CIType.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        let level = criticality ?? 3
        if !(1...4).contains(level) { errors.append(FieldError("criticality", "must be 1 (most critical) to 4")) }
        let team = ownerTeam?.trimmingCharacters(in: .whitespaces)
        if let team, !team.isEmpty, (try? Team.validate(name: team)) == nil {
            errors.append(FieldError("ownerTeam", "must be a team name"))
        }
        let environments = Self.clean(environments, field: "environments", errors: &errors)
        let tags = Self.clean(tags, field: "tags", errors: &errors).map { $0.lowercased() }
        var dependencies: Set<CIKey> = []
        for raw in dependsOn where !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let dependency = CIKey(raw) else { errors.append(FieldError("dependsOn", "\"\(raw)\" \(CIKey.rule)")); continue }
            if dependency == parsedKey { errors.append(FieldError("dependsOn", "an item cannot depend on itself")); continue }
            if !dependencies.insert(dependency).inserted { errors.append(FieldError("dependsOn", "names \(dependency) twice")) }
        }
        if dependencies.count > InventoryLimits.dependencies {
            errors.append(FieldError("dependsOn", "must name at most \(InventoryLimits.dependencies) items"))
        }
        guard errors.isEmpty, let parsedKey, let parsedType else { throw .invalid(errors) }
        return (parsedKey, CIFields(name: trimmedName, type: parsedType, ownerTeam: team?.isEmpty == false ? team : nil, criticality: level,
                                    environments: environments, tags: tags, dependsOn: dependencies.sorted()))
    }

    private static func clean(_ list: [String], field: String, errors: inout [FieldError]) -> [String] {
        var seen: Set<String> = [], result: [String] = []
        for item in list.map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            if item.textLength > InventoryLimits.listItem { errors.append(FieldError(field, "items must be at most \(InventoryLimits.listItem) characters")) }
            if seen.insert(item.lowercased()).inserted { result.append(item) }
        }
        if result.count > InventoryLimits.listCount { errors.append(FieldError(field, "must hold at most \(InventoryLimits.listCount) items")) }
        return result
    }
}
