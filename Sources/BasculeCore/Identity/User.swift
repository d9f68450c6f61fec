import Foundation

/// A person who signs in. The password hash never leaves the store and the services.
public struct User: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let username: String
    public var displayName: String
    public var email: String
    public var roles: Set<Role>
    public var disabledAt: Date?
    public let createdAt: Date

    public init(id: UUID = UUID(), username: String, displayName: String, email: String, roles: Set<Role>, disabledAt: Date? = nil, createdAt: Date) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.email = email
        self.roles = roles
        self.disabledAt = disabledAt
        self.createdAt = createdAt
    }

    public var isDisabled: Bool { disabledAt != nil }
    public var identity: Identity { Identity(userID: id, username: username, roles: roles) }
}

/// The rules of accounts.
public enum AccountRules {
    public static let minimumPasswordLength = 12
    /// bcrypt reads at most 72 bytes; a longer password would be silently cut.
    public static let maximumPasswordBytes = 72

    public static func validate(password: String) throws(CoreError) {
        if password.textLength < minimumPasswordLength {
            throw .invalid([FieldError("password", "must be at least \(minimumPasswordLength) characters")])
        }
        if password.utf8.count > maximumPasswordBytes {
            throw .invalid([FieldError("password", "must be at most \(maximumPasswordBytes) bytes")])
        }
    }

    /// Usernames appear in URLs and in the audit trail: lower-case letters, digits, `.`, `-`, `_`.
    public static func validate(username raw: String, displayName: String, email: String, roles: Set<Role>) throws(CoreError) -> (String, String, String) {
        var errors: [FieldError] = []
        let username = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let allowed = username.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isLowercase || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
        if username.isEmpty || username.count > 64 || !allowed || !(username.first?.isLetter ?? false) {
            errors.append(FieldError("username", "must be 1 to 64 lower-case letters, digits, '.', '-' or '_', starting with a letter"))
        }
        if ["system", "anonymous"].contains(username) {
            errors.append(FieldError("username", "is reserved"))
        }
        let display = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        if display.textLength > 200 { errors.append(FieldError("displayName", "must be at most 200 characters")) }
        let mail = email.trimmingCharacters(in: .whitespaces)
        if !mail.isEmpty, mail.textLength > 320 || mail.wholeMatch(of: /[^@\s]+@[^@\s]+\.[^@\s]+/) == nil {
            errors.append(FieldError("email", "is not an e-mail address"))
        }
        if roles.isEmpty { errors.append(FieldError("roles", "must hold at least one role")) }
        guard errors.isEmpty else { throw .invalid(errors) }
        return (username, display.isEmpty ? username : display, mail)
    }
}
