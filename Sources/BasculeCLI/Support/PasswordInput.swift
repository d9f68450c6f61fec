import Foundation

/// Where a command reads a password from: `--password-stdin` (the first line of standard
/// input), then BASCULE_PASSWORD. Never from a flag's value, which would end up in shell history.
enum PasswordInput {
    static func read(fromStandardInput: Bool) throws -> String? {
        if fromStandardInput {
            guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
                throw CLIError.invalidOption("--password-stdin: standard input holds no password")
            }
            return line
        }
        if let password = ProcessInfo.processInfo.environment["BASCULE_PASSWORD"], !password.isEmpty { return password }
        return nil
    }
}

/// "30d", "12h", "90" (days) for token lifetimes, in whole days.
enum LifetimeArgument {
    static func days(_ text: String) throws -> Int {
        let lower = text.lowercased()
        if lower.hasSuffix("d"), let days = Int(lower.dropLast()) { return days }
        if lower.hasSuffix("h"), let hours = Int(lower.dropLast()), hours > 0 { return max(1, (hours + 23) / 24) }
        if let days = Int(lower) { return days }
        throw CLIError.invalidOption("--expires must be a number of days such as 30d (or hours such as 48h)")
    }
}
