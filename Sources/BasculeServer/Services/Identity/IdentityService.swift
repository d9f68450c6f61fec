import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Accounts, sign-in, sessions and API tokens.
public struct IdentityService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let hasher: PasswordHasher
    let gate: Gatekeeper
    /// Credentials this server ended, so that long-lived answers (event streams) look again.
    public let revocations = Revocations()
    let credentials = CredentialCache()

    /// The topic of credential changes in the events table: every replica forgets the
    /// credentials it remembered when it hears one.
    static let topic = "credentials"

    /// Tells every replica that credentials were ended or changed (in the change's transaction).
    static func credentialsChanged(_ subject: String, in db: any SQLDatabase, at: Date) async throws {
        try await EventRepository(db).append(topic: topic, subject: subject, kind: "changed", payload: "{}", at: at)
    }
    let signInForm: SignInFormToken

    static let sessionLifetime: TimeInterval = 12 * 3600
    static let badCredentials = "unknown username or wrong password"

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init, hasher: PasswordHasher) {
        self.store = store
        self.now = now
        self.hasher = hasher
        self.gate = Gatekeeper(store: store, now: now)
        self.signInForm = SignInFormToken(store: store, now: now)
    }

    /// A signed anti-forgery token for the sign-in form (`SignInFormToken`).
    public func signInFormToken() async throws -> String { try await signInForm.issue() }

    public func isValidSignInFormToken(_ token: String) async -> Bool { await signInForm.isValid(token) }

    // MARK: - Accounts

    /// Creates an account; without a password one is generated and returned, to be shown once.
    public func createUser(username: String, displayName: String = "", email: String = "", roles: Set<Role>, password: String? = nil) async throws -> (User, generatedPassword: String?) {
        try await gate.require(.userManage, on: "user:\(username)")
        return try await refusing {
            let (name, display, mail) = try AccountRules.validate(username: username, displayName: displayName, email: email, roles: roles)
            let generated = password == nil ? Secrets.password() : nil
            let secret = password ?? generated ?? ""
            try AccountRules.validate(password: secret)
            let hash = try await hasher.hash(secret)
            let user = User(username: name, displayName: display, email: mail, roles: roles, createdAt: now())
            try await store.transaction { db in
                let users = UserRepository(db)
                if try await users.named(name) != nil { throw ServiceError.conflict("a user named \(name) already exists") }
                try await users.insert(user, passwordHash: hash)
                let roleList = roles.sorted().map(\.rawValue).joined(separator: ", ")
                try await AuditLog.record(.userCreate, target: "user:\(name)", summary: "created \(name) with roles \(roleList)", at: user.createdAt, in: db)
            }
            return (user, generated)
        }
    }

    /// The signed-in user's account.
    public func me() async throws -> User {
        let identity = try gate.currentUser()
        guard let user = try await store.withConnection({ try await UserRepository($0).find(id: identity.userID) }) else {
            throw ServiceError.unauthorized("the signed-in user no longer exists")
        }
        return user
    }

    public func users() async throws -> [User] {
        try await gate.require(.userRead)
        return try await store.withConnection { try await UserRepository($0).all() }
    }

    /// Changes roles, names or the disabled flag. Disabling ends the user's sessions and
    /// revokes their tokens and calendar feed: re-enabling gives a fresh start, not the old keys.
    @discardableResult
    public func updateUser(_ username: String, displayName: String? = nil, email: String? = nil, roles: Set<Role>? = nil, disabled: Bool? = nil,
                           precondition: RevisionPrecondition? = nil) async throws -> (user: User, revision: Int) {
        try await gate.require(.userManage, on: "user:\(username)")
        defer { revocations.bump() }
        return try await refusing {
            try await store.transaction { db in
                let users = UserRepository(db)
                guard let current = try await users.named(username.lowercased()) else { throw ServiceError.notFound("user \(username)") }
                let revision = try await RevisionPrecondition.advance(.users, id: current.id, precondition, in: db)
                var next = current
                let (_, display, mail) = try AccountRules.validate(
                    username: current.username, displayName: displayName ?? current.displayName, email: email ?? current.email,
                    roles: roles ?? current.roles)
                next.displayName = display
                next.email = mail
                next.roles = roles ?? current.roles
                if let disabled { next.disabledAt = disabled ? (current.disabledAt ?? now()) : nil }
                try await users.update(next, at: now())
                var summary = Self.describe(current, next)
                if next.isDisabled, !current.isDisabled {
                    // Disabling ends every credential for good: re-enabling must not revive them.
                    let tokens = TokenRepository(db)
                    try await tokens.deleteSessions(of: next.id)
                    let revoked = try await tokens.revokeAll(of: next.id, at: now())
                    try await CalendarFeedRepository(db).revoke(userID: next.id)
                    summary += "; sessions ended, \(revoked) token(s) and the calendar feed revoked"
                }
                try await AuditLog.record(.userUpdate, target: "user:\(current.username)", summary: summary, at: now(), in: db)
                try await Self.credentialsChanged("user:\(current.username)", in: db, at: now())
                return (next, revision)
            }
        }
    }

    /// Sets a new password (generated and returned when none is given), ends the sessions and
    /// revokes the API tokens: whoever knew the old password may have made some.
    public func resetPassword(_ username: String, to password: String? = nil, precondition: RevisionPrecondition? = nil) async throws -> String? {
        try await gate.require(.userManage, on: "user:\(username)")
        defer { revocations.bump() }
        return try await refusing {
            let generated = password == nil ? Secrets.password() : nil
            let secret = password ?? generated ?? ""
            try AccountRules.validate(password: secret)
            let hash = try await hasher.hash(secret)
            try await store.transaction { db in
                let users = UserRepository(db)
                guard let user = try await users.named(username.lowercased()) else { throw ServiceError.notFound("user \(username)") }
                _ = try await RevisionPrecondition.advance(.users, id: user.id, precondition, in: db)
                try await users.setPasswordHash(hash, of: user, at: now())
                let tokens = TokenRepository(db)
                try await tokens.deleteSessions(of: user.id)
                let revoked = try await tokens.revokeAll(of: user.id, at: now())
                try await AuditLog.record(.userPasswordReset, target: "user:\(user.username)",
                                          summary: "password reset; sessions ended, \(revoked) token(s) revoked", at: now(), in: db)
                try await Self.credentialsChanged("user:\(user.username)", in: db, at: now())
            }
            return generated
        }
    }

    /// On a database without users, creates `admin` with a generated password to show once.
    public func bootstrapAdmin() async throws -> String? {
        let count = try await store.withConnection { try await UserRepository($0).count() }
        guard count == 0 else { return nil }
        return try await RequestOrigin.asSystem {
            try await createUser(username: "admin", displayName: "Administrator", roles: [.admin]).generatedPassword
        }
    }

    // MARK: - Signing in

    /// Checks a username and password; one message for every bad credential.
    public func signIn(username rawName: String, password: String) async throws -> WebSession {
        let user = try await authenticate(username: rawName, password: password)
        let secret = Secrets.random()
        let csrf = Secrets.random(bytes: 24)
        let at = now()
        try await store.transaction { db in
            try await TokenRepository(db).purgeExpiredSessions(at: at)
            try await TokenRepository(db).insertSession(secret: secret, userID: user.id, csrf: csrf, createdAt: at, expiresAt: at.addingTimeInterval(Self.sessionLifetime))
            try await RequestOrigin.$current.withValue(Self.origin(acting: user)) {
                try await AuditLog.record(.loginSuccess, target: "user:\(user.username)", summary: "signed in", at: at, in: db)
            }
        }
        return WebSession(secret: secret, csrfToken: csrf, user: user, expiresAt: at.addingTimeInterval(Self.sessionLifetime))
    }

    public func signOut(secret: String) async throws {
        guard let session = try await session(secret: secret) else { return }
        defer { revocations.bump() }
        try await store.transaction { db in
            try await TokenRepository(db).deleteSession(secret: secret)
            try await AuditLog.record(.logout, target: "user:\(session.identity.username)", summary: "signed out", at: now(), in: db)
            try await Self.credentialsChanged("user:\(session.identity.username)", in: db, at: now())
        }
    }

    /// The identity behind a session cookie, if the session is alive and the user enabled.
    public func session(secret: String) async throws -> (identity: Identity, csrfToken: String)? {
        let at = now(), epoch = revocations.epoch
        if let known = credentials.find(secret, at: at, epoch: epoch), let csrf = known.csrfToken { return (known.identity, csrf) }
        guard let session = try await store.withConnection({ try await TokenRepository($0).session(secret: secret, at: at) }),
              !session.user.isDisabled
        else { return nil }
        credentials.remember(secret, identity: session.user.identity, csrfToken: session.csrf, at: at, expiresAt: nil, epoch: epoch)
        return (session.user.identity, session.csrf)
    }

    /// The identity behind a bearer token; refused when unknown, expired, revoked or disabled.
    public func identity(bearer secret: String) async throws -> Identity {
        let at = now(), epoch = revocations.epoch
        if let known = credentials.find(secret, at: at, epoch: epoch), known.csrfToken == nil { return known.identity }
        let found = try await store.withConnection { try await TokenRepository($0).findWithOwner(secret: secret) }
        guard let (token, user) = found, token.isUsable(at: at), !user.isDisabled else {
            throw ServiceError.unauthorized("the token is unknown, expired or revoked")
        }
        if token.lastUsedAt.map({ at.timeIntervalSince($0) > 60 }) ?? true {
            try await store.transaction { try await TokenRepository($0).touch(token.id, at: at) }
        }
        credentials.remember(secret, identity: user.identity, at: at, expiresAt: token.expiresAt, epoch: epoch)
        return user.identity
    }

    /// Whether what a request signed in with still stands (the session alive, the token not
    /// revoked, the user enabled and still allowed to read releases): asked again by answers
    /// that outlive their request.
    public func stillValid(_ credential: RequestOrigin.Credential?) async -> Bool {
        switch credential {
        case nil: return true
        case .session(let secret):
            guard let found = try? await session(secret: secret) else { return false }
            return found.identity.may(.releaseRead)
        case .bearer(let secret):
            // Through the credentials' cache, which a revocation on any replica empties.
            guard let identity = try? await identity(bearer: secret) else { return false }
            return identity.may(.releaseRead)
        }
    }

    // MARK: - Tokens

    /// A new token for the signed-in user, or for `username` when called by a local admin
    /// command. The secret is returned once and stored only as a hash.
    public func createToken(name rawName: String, lifetimeDays: Int? = nil, for username: String? = nil) async throws -> (APIToken, secret: String) {
        let owner: User
        if let username {
            try await gate.require(.userManage, on: "user:\(username)")
            guard let user = try await store.withConnection({ try await UserRepository($0).named(username.lowercased()) }) else {
                throw ServiceError.notFound("user \(username)")
            }
            owner = user
        } else {
            try await gate.require(.tokenOwn)
            let identity = try gate.currentUser()
            guard let user = try await store.withConnection({ try await UserRepository($0).find(id: identity.userID) }) else {
                throw ServiceError.unauthorized("the signed-in user no longer exists")
            }
            owner = user
        }
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [FieldError] = []
        if name.isEmpty || name.count > 100 { errors.append(FieldError("name", "must be 1 to 100 characters")) }
        if let days = lifetimeDays, !(1...3650).contains(days) { errors.append(FieldError("expiresInDays", "must be between 1 and 3650")) }
        if owner.isDisabled { errors.append(FieldError("user", "\(owner.username) is disabled")) }
        guard errors.isEmpty else { throw ServiceError.invalid(errors) }
        let secret = Secrets.tokenPrefix + Secrets.random()
        let at = now()
        let token = APIToken(
            id: UUID(), userID: owner.id, name: name, prefix: String(secret.prefix(Secrets.tokenPrefix.count + 6)), createdAt: at,
            expiresAt: lifetimeDays.map { at.addingTimeInterval(Double($0) * 86_400) })
        try await store.transaction { db in
            try await TokenRepository(db).insert(token, secret: secret)
            let expiry = token.expiresAt.map { "expires \($0.formatted(Date.ISO8601FormatStyle()))" } ?? "never expires"
            try await AuditLog.record(.tokenCreate, target: "user:\(owner.username)", summary: "token \"\(name)\" (\(token.prefix)…) created; \(expiry)", at: at, in: db)
        }
        return (token, secret)
    }

    /// One's own tokens, or `username`'s for an admin (who may then revoke them).
    public func tokens(of username: String? = nil) async throws -> [APIToken] {
        if let username {
            try await gate.require(.userManage, on: "user:\(username)")
            return try await store.withConnection { db in
                guard let user = try await UserRepository(db).named(username.lowercased()) else { throw ServiceError.notFound("user \(username)") }
                return try await TokenRepository(db).owned(by: user.id)
            }
        }
        try await gate.require(.tokenOwn)
        let identity = try gate.currentUser()
        return try await store.withConnection { try await TokenRepository($0).owned(by: identity.userID) }
    }

    /// Revokes one of one's own tokens; an admin may revoke anyone's.
    public func revokeToken(id: UUID) async throws {
        try await gate.require(.tokenOwn)
        let identity = try gate.currentUser()
        defer { revocations.bump() }
        try await refusing {
            try await store.transaction { db in
                let tokens = TokenRepository(db)
                guard let token = try await tokens.find(id: id), token.userID == identity.userID || identity.may(.userManage) else {
                    throw ServiceError.notFound("token \(id.uuidString)")
                }
                try await tokens.revoke(id, at: now())
                try await AuditLog.record(.tokenRevoke, target: "token:\(token.prefix)", summary: "token \"\(token.name)\" revoked", at: now(), in: db)
                try await Self.credentialsChanged("token:\(token.prefix)", in: db, at: now())
            }
        }
    }

    /// `bascule login`: a password exchanged for a new API token.
    public func tokenForPassword(username: String, password: String, name: String) async throws -> (APIToken, secret: String, user: User) {
        let user = try await authenticate(username: username, password: password)
        let (token, secret) = try await RequestOrigin.$current.withValue(Self.origin(acting: user)) {
            try await createToken(name: name, lifetimeDays: 90)
        }
        return (token, secret, user)
    }

    // MARK: - Steps

    /// The throttled check of a username and password (`SignInThrottle` holds the rule). A
    /// throttled attempt is refused before any hashing, and recorded once per window rather
    /// than once per attempt; a failure writes its audit event, in a transaction of its own
    /// since the request fails. The throttle counts those events.
    private func authenticate(username rawName: String, password: String) async throws -> User {
        let username = rawName.trimmingCharacters(in: .whitespaces).lowercased()
        let subject = SignInThrottle.Subject(username: username, address: RequestOrigin.current.clientAddress)
        let at = now()
        let since = at.addingTimeInterval(-SignInThrottle.window)
        let target = "user:\(username)"
        let counts = try await store.withConnection { db in
            let audit = AuditRepository(db)
            let pair = try await audit.count(.loginFailure, target: target, from: subject.address, since: since)
            let address = subject.address == nil ? 0 : try await audit.count(.loginFailure, address: subject.address, since: since)
            return SignInThrottle.Failures(pair: pair, address: address)
        }
        if SignInThrottle.holds(counts) {
            try await store.transaction { db in
                let audit = AuditRepository(db)
                guard try await audit.count(.loginThrottled, target: target, from: subject.address, since: since) == 0 else { return }
                try await AuditLog.record(.loginThrottled, target: target, summary: SignInThrottle.summary(counts), at: at, in: db)
            }
            throw ServiceError.tooManyRequests(retryAfter: Int(SignInThrottle.window))
        }
        // bcrypt reads 72 bytes at most: a longer password cannot be the one that was set.
        let withinBcrypt = password.utf8.count <= AccountRules.maximumPasswordBytes
        let found = try await store.withConnection { try await UserRepository($0).credentials(of: username) }
        // Always run bcrypt, so that an unknown name answers as slowly as a wrong password.
        let matches = try await hasher.verify(withinBcrypt ? password : "", against: found?.1 ?? hasher.decoy) && withinBcrypt
        if let (user, _) = found, matches, !user.isDisabled { return user }
        try await store.transaction { db in
            try await AuditLog.record(.loginFailure, target: target, summary: "bad credentials", at: at, in: db)
        }
        throw ServiceError.unauthorized(Self.badCredentials)
    }

    static func origin(acting user: User) -> RequestOrigin {
        var origin = RequestOrigin.current
        origin.principal = .user(user.identity)
        return origin
    }

    private static func describe(_ before: User, _ after: User) -> String {
        var changes: [String] = []
        if before.roles != after.roles {
            changes.append("roles: \(before.roles.sorted().map(\.rawValue).joined(separator: ",")) → \(after.roles.sorted().map(\.rawValue).joined(separator: ","))")
        }
        if before.isDisabled != after.isDisabled { changes.append(after.isDisabled ? "disabled" : "enabled") }
        if before.displayName != after.displayName { changes.append("display name changed") }
        if before.email != after.email { changes.append("e-mail changed") }
        return changes.isEmpty ? "no change" : changes.joined(separator: "; ")
    }
}

/// A signed-in browser: the cookie's secret and the anti-forgery token of its forms.
public struct WebSession: Sendable {
    public let secret: String
    public let csrfToken: String
    public let user: User
    public let expiresAt: Date
}
