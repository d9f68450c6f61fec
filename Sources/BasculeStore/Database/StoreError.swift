/// What can go wrong in persistence, said so that an operator knows what to do.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case badDatabaseURL(String)
    case unreachable(String)
    case databaseNewerThanBinary(database: Int, binary: Int)
    case migrationFailed(version: Int, name: String, reason: String)
    case invalidCursor
    case duplicate(String)
    case corruptRow(String)
    case backupFailed(String)
    /// No connection of the pool came free in time: the server is overloaded, not broken.
    case busy

    public var description: String {
        switch self {
        case .badDatabaseURL(let reason):
            return "the database URL is not usable: \(reason) (expected postgres://user:password@host:port/database)"
        case .unreachable(let reason):
            return "the database cannot be reached: \(reason)"
        case .databaseNewerThanBinary(let database, let binary):
            return "the database is at schema version \(database) but this bascule only knows up to \(binary): "
                + "it was migrated by a newer bascule; run that version, or restore a backup taken before the upgrade"
        case .migrationFailed(let version, let name, let reason):
            return "migration \(version) (\(name)) failed and was rolled back: \(reason)"
        case .invalidCursor:
            return "the cursor is not one this server gave out"
        case .duplicate(let what):
            return "\(what) already exists"
        case .corruptRow(let what):
            return "a stored row cannot be read: \(what)"
        case .backupFailed(let reason):
            return reason
        case .busy:
            return "the database had no free connection in time; the server is overloaded, try again shortly"
        }
    }
}
