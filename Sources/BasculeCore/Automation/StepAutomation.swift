import Foundation

/// Where an automated step runs: one agent by name, or any agent carrying every label.
public struct AgentTarget: Sendable, Equatable, Codable {
    public var agent: String?
    public var labels: [String: String]

    public init(agent: String? = nil, labels: [String: String] = [:]) {
        self.agent = agent
        self.labels = labels
    }

    /// `os=linux,role=db`, the way the YAML, the CLI and the pages write a set of labels.
    public init(labelText: String) throws(CoreError) {
        self.init(labels: try Self.labels(labelText, field: "runsOn"))
    }

    public func accepts(name: String, labels offered: [String: String]) -> Bool {
        if let agent, agent != name { return false }
        return labels.allSatisfy { offered[$0.key] == $0.value }
    }

    /// What the run page says a step waits for: `agent db-1`, `labels os=linux,role=db`.
    public var description: String {
        var parts: [String] = []
        if let agent { parts.append("agent \(agent)") }
        if !labels.isEmpty { parts.append("labels \(Self.text(labels))") }
        return parts.isEmpty ? "any agent" : parts.joined(separator: " with ")
    }

    public static func text(_ labels: [String: String]) -> String {
        labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// Labels as `name=value` pairs separated by commas; names and values are short words.
    public static func labels(_ text: String, field: String) throws(CoreError) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, AgentRules.isLabelPart(parts[0]), AgentRules.isLabelPart(parts[1]) else {
                throw .invalid([FieldError(field, "'\(pair)' is not a label: use name=value with letters, digits, '.', '-' or '_'")])
            }
            guard result.updateValue(parts[1], forKey: parts[0]) == nil else { throw .invalid([FieldError(field, "names the label \(parts[0]) twice")]) }
        }
        return result
    }
}

/// A process an agent starts: an argument list run as is, or a shell script given to `/bin/sh -c`.
public struct CommandSpec: Sendable, Equatable, Codable {
    public var arguments: [String]
    public var script: String?
    public var workingDirectory: String?
    public var environment: [String: String]
    /// Seconds; past it the agent kills the process group and the attempt fails.
    public var timeout: TimeInterval
    public var exitCodes: [Int32]

    public init(arguments: [String] = [], script: String? = nil, workingDirectory: String? = nil, environment: [String: String] = [:],
                timeout: TimeInterval = 3600, exitCodes: [Int32] = [0]) {
        self.arguments = arguments
        self.script = script
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.timeout = timeout
        self.exitCodes = exitCodes
    }

    /// The argument list the agent starts.
    public var argv: [String] { script.map { ["/bin/sh", "-c", $0] } ?? arguments }
}

/// An HTTP request tried until its answer is the expected one, or the deadline passes.
public struct HTTPCheckSpec: Sendable, Equatable, Codable {
    public var method: String
    public var url: String
    public var headers: [String: String]
    public var expectedStatus: [Int]
    /// The body must contain this text.
    public var bodyContains: String?
    /// The body must match this regular expression.
    public var bodyMatches: String?
    public var retries: Int
    /// Seconds between tries.
    public var interval: TimeInterval
    /// Seconds from the first try after which the check fails, whatever the retries left.
    public var deadline: TimeInterval

    public init(method: String = "GET", url: String, headers: [String: String] = [:], expectedStatus: [Int] = [200], bodyContains: String? = nil,
                bodyMatches: String? = nil, retries: Int = 0, interval: TimeInterval = 5, deadline: TimeInterval = 60) {
        self.method = method
        self.url = url
        self.headers = headers
        self.expectedStatus = expectedStatus
        self.bodyContains = bodyContains
        self.bodyMatches = bodyMatches
        self.retries = retries
        self.interval = interval
        self.deadline = deadline
    }
}

/// How an automated step (`StepKind.isAutomated`) is carried out by an agent. A `command` or
/// `httpCheck` step without it is completed by hand, as before agents existed.
public struct StepAutomation: Sendable, Equatable, Codable {
    public var target: AgentTarget
    /// The step waits for an operator to start it, even when its predecessors are done.
    public var manualStart: Bool
    public var command: CommandSpec?
    public var httpCheck: HTTPCheckSpec?
    public var rollingUpdate: RollingUpdateSpec?

    public init(target: AgentTarget = AgentTarget(), manualStart: Bool = false, command: CommandSpec? = nil, httpCheck: HTTPCheckSpec? = nil,
                rollingUpdate: RollingUpdateSpec? = nil) {
        self.target = target
        self.manualStart = manualStart
        self.command = command
        self.httpCheck = httpCheck
        self.rollingUpdate = rollingUpdate
    }

    /// The names of the secrets its texts refer to as `{{secret.NAME}}`.
    public var secretNames: Set<String> {
        var texts: [String] = []
        if let command {
            texts += command.arguments + [command.script ?? "", command.workingDirectory ?? ""] + Array(command.environment.values)
        }
        if let httpCheck { texts += [httpCheck.url] + Array(httpCheck.headers.values) }
        if let rollingUpdate { texts += rollingUpdate.texts }
        return Set(texts.flatMap(SecretReference.names(in:)))
    }

    /// Its texts with each `{{secret.NAME}}` replaced by the value given for NAME.
    public func filled(with values: [String: String]) -> StepAutomation {
        func fill(_ text: String) -> String { SecretReference.fill(text) { values[$0] } }
        var copy = self
        if var command {
            command.arguments = command.arguments.map(fill)
            command.script = command.script.map(fill)
            command.workingDirectory = command.workingDirectory.map(fill)
            command.environment = command.environment.mapValues(fill)
            copy.command = command
        }
        if var check = httpCheck {
            check.url = fill(check.url)
            check.headers = check.headers.mapValues(fill)
            copy.httpCheck = check
        }
        copy.rollingUpdate = rollingUpdate?.filled(fill)
        return copy
    }

    /// What is wrong with it on a step of `kind`, each error under `field`.
    func problems(kind: StepKind, field: String) -> [FieldError] {
        var errors: [FieldError] = []
        if command != nil, kind != .command { errors.append(FieldError("\(field).command", "a \(kind.rawValue) step takes no command")) }
        if httpCheck != nil, kind != .httpCheck { errors.append(FieldError("\(field).httpCheck", "a \(kind.rawValue) step takes no HTTP check")) }
        if kind == .command, command == nil { errors.append(FieldError("\(field).command", "an automated command step needs its command")) }
        if kind == .httpCheck, httpCheck == nil { errors.append(FieldError("\(field).httpCheck", "an automated HTTP check needs its request")) }
        if rollingUpdate != nil, kind != .rollingUpdate { errors.append(FieldError("\(field).rollingUpdate", "a \(kind.rawValue) step takes no rolling update")) }
        if kind == .rollingUpdate, rollingUpdate == nil { errors.append(FieldError("\(field).rollingUpdate", "an automated rolling update needs its service, instances and commands")) }
        if let rollingUpdate { errors += rollingUpdate.problems(field: "\(field).rollingUpdate") }
        if !kind.isAutomated { errors.append(FieldError("\(field).runsOn", "a \(kind.rawValue) step is not run by an agent")) }
        if let agent = target.agent, !AgentRules.isName(agent) { errors.append(FieldError("\(field).runsOn.agent", AgentRules.nameRule)) }
        if let command {
            if command.arguments.isEmpty == (command.script == nil) {
                errors.append(FieldError("\(field).command", "give either the arguments (run) or a shell script (script), not both"))
            }
            if command.script?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true {
                errors.append(FieldError("\(field).command.script", "is empty"))
            }
            if !(command.timeout.isFinite && command.timeout > 0 && command.timeout <= RunbookLimits.longestStep) {
                errors.append(FieldError("\(field).command.timeout", "must be more than 0 and at most 7 days"))
            }
            if command.exitCodes.isEmpty || command.exitCodes.contains(where: { !(0...255).contains($0) }) {
                errors.append(FieldError("\(field).command.exitCodes", "must list exit codes from 0 to 255"))
            }
            for name in command.environment.keys where !AgentRules.isEnvironmentName(name) {
                errors.append(FieldError("\(field).command.environment", "'\(name)' is not a variable name (letters, digits and '_')"))
            }
        }
        if let check = httpCheck {
            let scheme = URLComponents(string: check.url)?.scheme?.lowercased()
            // A secret may stand for part of the URL; the scheme and host must be written out.
            if !(scheme == "http" || scheme == "https") || URLComponents(string: check.url)?.host?.isEmpty != false {
                errors.append(FieldError("\(field).httpCheck.url", "must be an http or https URL"))
            }
            if !["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"].contains(check.method) {
                errors.append(FieldError("\(field).httpCheck.method", "must be GET, HEAD, POST, PUT, DELETE, PATCH or OPTIONS"))
            }
            if check.expectedStatus.isEmpty || check.expectedStatus.contains(where: { !(100...599).contains($0) }) {
                errors.append(FieldError("\(field).httpCheck.expectStatus", "must list HTTP statuses from 100 to 599"))
            }
            if let pattern = check.bodyMatches, (try? Regex(pattern)) == nil {
                errors.append(FieldError("\(field).httpCheck.bodyMatches", "is not a regular expression"))
            }
            if !(0...1000).contains(check.retries) { errors.append(FieldError("\(field).httpCheck.retries", "must be from 0 to 1000")) }
            if !(check.interval.isFinite && check.interval >= 0 && check.interval <= 3600) {
                errors.append(FieldError("\(field).httpCheck.interval", "must be from 0 to 1 hour"))
            }
            if !(check.deadline.isFinite && check.deadline > 0 && check.deadline <= 86_400) {
                errors.append(FieldError("\(field).httpCheck.deadline", "must be more than 0 and at most a day"))
            }
        }
        return errors
    }
}

/// `{{secret.NAME}}` in a command, a header or the environment.
public enum SecretReference {
    // A Swift regex is built anew each time it is used: texts without a reference (nearly
    // all) are answered without one, as this runs on every step an agent takes.
    public static func names(in text: String) -> [String] {
        guard text.contains("{{") else { return [] }
        return text.matches(of: /\{\{\s*secret\.([A-Za-z0-9_.-]+)\s*\}\}/).map { String($0.output.1) }
    }

    /// The text with each reference replaced by `value(name)`; a name with no value stays as written.
    public static func fill(_ text: String, _ value: (String) -> String?) -> String {
        guard text.contains("{{") else { return text }
        return text.replacing(/\{\{\s*secret\.([A-Za-z0-9_.-]+)\s*\}\}/) { match in value(String(match.output.1)) ?? String(match.output.0) }
    }
}

/// Names of agents and labels: what a host name or a configuration label is made of.
public enum AgentRules {
    public static let nameRule = "must be 1 to 64 letters, digits, '.', '-' or '_'"

    public static func isName(_ text: String) -> Bool { isLabelPart(text) }

    static func isLabelPart(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64 && text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
    }

    /// The labels an agent offers: names and values as `isName` says.
    public static func checkLabels(_ labels: [String: String]) throws(CoreError) {
        for (name, value) in labels where !isName(name) || !isName(value) {
            throw .invalid([FieldError("labels", "'\(name)=\(value)' is not a label: names and values \(nameRule)")])
        }
    }

    static func isEnvironmentName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }
    }
}

extension Runbook {
    /// This runbook with the automation of `previous`'s steps given back to the steps of the
    /// same key and kind that have none: what an editor that does not show automation saves.
    public func keepingAutomation(of previous: Runbook) -> Runbook {
        let before = Dictionary(previous.steps.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var steps = self.steps
        for index in steps.indices where steps[index].automation == nil {
            guard let old = before[steps[index].key], old.kind == steps[index].kind, let automation = old.automation else { continue }
            steps[index].automation = automation
        }
        return Runbook(steps: steps)
    }
}

extension SecretReference {
    /// `text` with every value of `values` replaced by `[secret NAME]`, longest first so that a
    /// value inside another is not half hidden.
    public static func redact(_ text: String, _ values: [String: String]) -> String {
        var result = text
        for (name, value) in values.sorted(by: { $0.value.count > $1.value.count }) where !value.isEmpty {
            result = result.replacingOccurrences(of: value, with: "[secret \(name)]")
        }
        return result
    }
}
