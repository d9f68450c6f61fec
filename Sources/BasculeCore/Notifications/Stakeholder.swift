import Foundation

/// Someone a release concerns: a user, a team (each member), or an outside address with the
/// language its messages are written in.
public enum StakeholderParty: Sendable, Equatable, Hashable {
    case user(String)
    case team(String)
    case address(String, language: String)

    public var kind: String {
        switch self {
        case .user: return "user"
        case .team: return "team"
        case .address: return "address"
        }
    }

    public var name: String {
        switch self {
        case .user(let name), .team(let name), .address(let name, _): return name
        }
    }

    /// A party from its kind and name; an address is checked as one (`x@y.z`, no spaces).
    public static func parse(kind: String, name: String, language: String = "en") throws -> StakeholderParty {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 254 else { throw CoreError.invalid([FieldError("name", "must be 1 to 254 characters")]) }
        switch kind {
        case "user": return .user(name)
        case "team": return .team(name)
        case "address":
            guard EmailAddress.isValid(name) else { throw CoreError.invalid([FieldError("name", "\"\(name)\" is not an e-mail address")]) }
            guard ["en", "fr"].contains(language) else { throw CoreError.invalid([FieldError("language", "must be en or fr")]) }
            return .address(name.lowercased(), language: language)
        default:
            throw CoreError.invalid([FieldError("kind", "\"\(kind)\" is not a kind of stakeholder (one of: user, team, address)")])
        }
    }
}

public struct Stakeholder: Sendable, Equatable {
    public let release: String
    public let party: StakeholderParty
    public let addedBy: String
    public let addedAt: Date

    public init(release: String, party: StakeholderParty, addedBy: String, addedAt: Date) {
        self.release = release
        self.party = party
        self.addedBy = addedBy
        self.addedAt = addedAt
    }
}

/// The plain check an SMTP server will agree with: one `@`, something on both sides, a dot
/// in the domain, no spaces or angle brackets (which would break the envelope).
public enum EmailAddress {
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              text.count <= 254 else { return false }
        return !text.unicodeScalars.contains { CharacterSet.whitespacesAndNewlines.contains($0) || "<>()[],;:\"\\".unicodeScalars.contains($0) }
    }
}
