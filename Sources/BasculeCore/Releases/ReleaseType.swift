public enum ReleaseType: String, Sendable, CaseIterable, Codable, Hashable {
    case major, minor, patch, emergency
}
