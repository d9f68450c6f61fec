import Foundation

/// The automation keys of a runbook step in YAML:
///
/// ```yaml
///     kind: command
///     runsOn: os=linux,role=db          # or {agent: db-1} or {agent: db-1, labels: os=linux}
///     manualStart: false
///     command:
///       run: [pg_dump, -Fc, erp]          # or script: | …  (given to /bin/sh -c)
///       workingDirectory: /var/backups
///       environment: {PGPASSWORD: "{{secret.erp-db}}"}
///       timeout: 10m
///       exitCodes: [0]
///     httpCheck:                          # on a httpCheck step
///       url: https://erp.example/health
///       method: GET
///       headers: {Authorization: "Bearer {{secret.erp-token}}"}
///       expectStatus: [200]
///       bodyContains: ok                  # or bodyMatches: a regular expression
///       retries: 5
///       interval: 5s
///       deadline: 2m
/// ```
enum AutomationDocument {
    static let stepKeys: Set<String> = ["runsOn", "manualStart", "command", "httpCheck", "rollingUpdate"]

    /// The step's automation, nil when it names none of the keys.
    static func parse(_ entries: [String: PolicyNode]) throws(FieldError) -> StepAutomation? {
        guard stepKeys.contains(where: { entries[$0] != nil }) else { return nil }
        var automation = StepAutomation()
        if let node = entries["runsOn"] { automation.target = try target(node) }
        if let node = entries["manualStart"] { automation.manualStart = try node.flag() }
        if let node = entries["command"] { automation.command = try command(node) }
        if let node = entries["httpCheck"] { automation.httpCheck = try httpCheck(node) }
        if let node = entries["rollingUpdate"] { automation.rollingUpdate = try RollingUpdateDocument.parse(node) }
        return automation
    }

    static func target(_ node: PolicyNode) throws(FieldError) -> AgentTarget {
        if node.node.scalar != nil { return AgentTarget(labels: try node.labels()) }
        let entries = try node.mapping(allowed: ["agent", "labels"])
        return AgentTarget(agent: try entries["agent"]?.string(), labels: try entries["labels"]?.labels() ?? [:])
    }

    private static func command(_ node: PolicyNode) throws(FieldError) -> CommandSpec {
        let entries = try node.mapping(allowed: ["run", "script", "workingDirectory", "environment", "timeout", "exitCodes"])
        var spec = CommandSpec()
        if let run = entries["run"] { spec.arguments = try run.strings() }
        spec.script = try entries["script"]?.string()
        spec.workingDirectory = try entries["workingDirectory"]?.string()
        spec.environment = try entries["environment"]?.stringMap() ?? [:]
        if let timeout = entries["timeout"] { spec.timeout = try timeout.seconds() }
        if let codes = entries["exitCodes"] {
            spec.exitCodes = []
            for item in try codes.items() { spec.exitCodes.append(Int32(try item.int(in: 0...255))) }
        }
        return spec
    }

    static func httpCheck(_ node: PolicyNode) throws(FieldError) -> HTTPCheckSpec {
        let entries = try node.mapping(allowed: ["url", "method", "headers", "expectStatus", "bodyContains", "bodyMatches", "retries", "interval", "deadline"])
        guard let url = entries["url"] else { throw node.error("needs a url") }
        var spec = HTTPCheckSpec(url: try url.string())
        if let method = entries["method"] { spec.method = try method.string().uppercased() }
        spec.headers = try entries["headers"]?.stringMap() ?? [:]
        if let statuses = entries["expectStatus"] {
            spec.expectedStatus = []
            for item in try statuses.items() { spec.expectedStatus.append(try item.int(in: 100...599)) }
        }
        spec.bodyContains = try entries["bodyContains"]?.string()
        spec.bodyMatches = try entries["bodyMatches"]?.string()
        if let retries = entries["retries"] { spec.retries = try retries.int(in: 0...1000) }
        if let interval = entries["interval"] { spec.interval = try interval.seconds() }
        if let deadline = entries["deadline"] { spec.deadline = try deadline.seconds() }
        return spec
    }

    /// The step's automation keys, indented as a step's entries.
    static func yaml(_ automation: StepAutomation) -> String {
        let q = RunbookDocument.quoted
        var out = ""
        let target = automation.target
        if target.agent != nil || !target.labels.isEmpty { out += "    runsOn: \(inline(target))\n" }
        if automation.manualStart { out += "    manualStart: true\n" }
        if let command = automation.command {
            out += "    command:\n"
            if !command.arguments.isEmpty { out += "      run: [\(command.arguments.map(q).joined(separator: ", "))]\n" }
            if let script = command.script { out += "      script: \(q(script))\n" }
            if let directory = command.workingDirectory { out += "      workingDirectory: \(q(directory))\n" }
            if !command.environment.isEmpty { out += "      environment: \(map(command.environment))\n" }
            out += "      timeout: \(seconds(command.timeout))\n"
            out += "      exitCodes: [\(command.exitCodes.map(String.init).joined(separator: ", "))]\n"
        }
        if let check = automation.httpCheck {
            out += "    httpCheck:\n      url: \(q(check.url))\n      method: \(check.method)\n"
            if !check.headers.isEmpty { out += "      headers: \(map(check.headers))\n" }
            out += "      expectStatus: [\(check.expectedStatus.map(String.init).joined(separator: ", "))]\n"
            if let text = check.bodyContains { out += "      bodyContains: \(q(text))\n" }
            if let pattern = check.bodyMatches { out += "      bodyMatches: \(q(pattern))\n" }
            out += "      retries: \(check.retries)\n      interval: \(seconds(check.interval))\n      deadline: \(seconds(check.deadline))\n"
        }
        if let update = automation.rollingUpdate { out += RollingUpdateDocument.yaml(update) }
        return out
    }

    /// `{agent: "db-1", labels: "os=linux"}`.
    static func inline(_ target: AgentTarget) -> String {
        var parts: [String] = []
        if let agent = target.agent { parts.append("agent: \(RunbookDocument.quoted(agent))") }
        if !target.labels.isEmpty { parts.append("labels: \(RunbookDocument.quoted(AgentTarget.text(target.labels)))") }
        return "{\(parts.joined(separator: ", "))}"
    }

    static func map(_ values: [String: String]) -> String {
        "{" + values.sorted { $0.key < $1.key }.map { "\(RunbookDocument.quoted($0.key)): \(RunbookDocument.quoted($0.value))" }.joined(separator: ", ") + "}"
    }

    /// Whole seconds, `90s`: written back exactly, where minutes would round.
    static func seconds(_ value: TimeInterval) -> String { "\(Int(value.rounded()))s" }
}

extension PolicyNode {
    func flag() throws(FieldError) -> Bool {
        let value = try string()
        guard value == "true" || value == "false" else { throw error("must be true or false") }
        return value == "true"
    }

    /// `30s`, `10m`, `1h30m`, or a number of seconds.
    func seconds() throws(FieldError) -> TimeInterval {
        let text = try string().trimmingCharacters(in: .whitespaces)
        if let plain = Double(text), plain.isFinite, plain >= 0 { return plain }
        var rest = text
        var extra: TimeInterval = 0
        if let match = text.firstMatch(of: /^(.*?)(\d+)s$/), let value = Double(match.output.2) {
            extra = value
            rest = String(match.output.1)
        }
        if rest.isEmpty { return extra }
        guard let minutes = DurationText.seconds(rest) else { throw error("must be a duration such as 30s, 10m or 1h30m") }
        return minutes + extra
    }

    /// A mapping of names to texts (environment variables, headers).
    func stringMap() throws(FieldError) -> [String: String] {
        guard let mapping = node.mapping else { throw error("must be a mapping of names to values") }
        var result: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string, let text = value.scalar?.string else { throw error("must map names to plain values") }
            result[name] = text
        }
        return result
    }

    func labels() throws(FieldError) -> [String: String] {
        do { return try AgentTarget.labels(try string(), field: path) } catch {
            throw self.error("must be labels such as os=linux,role=db")
        }
    }
}
