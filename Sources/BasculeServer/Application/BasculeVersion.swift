public enum BasculeVersion {
    public static let current = "0.1.0"
}
