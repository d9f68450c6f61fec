import Foundation

/// One instance of a service a rolling update moves to a new version.
public struct RollingInstance: Sendable, Equatable, Codable {
    public var name: String
    /// Where its own health check and commands reach it (`host:port`), as `{{address}}`.
    public var address: String?
    /// Its name in the balancer's backend (HAProxy's server name); its own name when not given.
    public var server: String?
    /// A slot that does not run the service: started on the new version only as surge, and
    /// stopped again once the update is over.
    public var spare: Bool
    /// The agent that runs its commands, on its own host; the agent running the step when nil.
    public var runsOn: AgentTarget?

    public init(name: String, address: String? = nil, server: String? = nil, spare: Bool = false, runsOn: AgentTarget? = nil) {
        self.name = name
        self.address = address
        self.server = server
        self.spare = spare
        self.runsOn = runsOn
    }

    public var balancerName: String { server ?? name }
}

/// The balancer in front of the instances, driven through its own interface. HAProxy is the
/// one supported: its runtime API on the admin socket (`set server … state drain|maint|ready`).
public struct BalancerSpec: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case haproxy }

    public var kind: Kind
    /// A Unix socket path, or `tcp://host:port` for a socket HAProxy binds on TCP.
    public var socket: String
    public var backend: String
    /// Take an instance out of rotation and wait for its connections to end before stopping it.
    /// Off, the instance is stopped while the balancer still sends it requests.
    public var drain: Bool
    /// Seconds to wait for an instance's connections to end; past it the instance is stopped anyway.
    public var drainTimeout: TimeInterval

    public init(kind: Kind = .haproxy, socket: String, backend: String, drain: Bool = true, drainTimeout: TimeInterval = 30) {
        self.kind = kind
        self.socket = socket
        self.backend = backend
        self.drain = drain
        self.drainTimeout = drainTimeout
    }
}

/// The interruption probe: requests to the service's public address at a steady rate.
public struct ProbeSpec: Sendable, Equatable, Codable {
    public var url: String
    /// Requests per second.
    public var rate: Double
    /// Seconds after which a good status still counts as an interruption.
    public var slowAfter: TimeInterval
    /// Seconds after which a request with no answer counts as failed.
    public var timeout: TimeInterval

    public init(url: String, rate: Double = 20, slowAfter: TimeInterval = 1, timeout: TimeInterval = 2) {
        self.url = url
        self.rate = rate
        self.slowAfter = slowAfter
        self.timeout = timeout
    }

    public var rule: ProbeRule { ProbeRule(slowAfter: slowAfter) }
}

/// A `rollingUpdate` step: the service's instances moved to `version` a batch at a time, each
/// drained, stopped, started on the new version, checked and put back; rolled back the same
/// way when more instances fail than `failureLimit` or the probe measures more interruption
/// than `maxInterruption`. The agent that takes the step runs every instance's commands (they
/// may reach other hosts themselves, over ssh for example): see docs/AGENTS.md.
public struct RollingUpdateSpec: Sendable, Equatable, Codable {
    public var service: String
    public var version: String
    public var instances: [RollingInstance]
    /// Shell scripts; `{{instance}}`, `{{address}}`, `{{server}}` and `{{version}}` are
    /// replaced, and given as `BASCULE_INSTANCE`, `BASCULE_ADDRESS`, `BASCULE_SERVER`, `BASCULE_VERSION`.
    public var stop: String
    public var start: String
    /// Prints the version the instance runs (its last line is compared).
    public var versionCommand: String
    public var batchSize: Int
    public var surge: Int
    /// Its URL may hold `{{address}}` and `{{instance}}`; tried every `interval` until the instance's deadline.
    public var healthCheck: HTTPCheckSpec
    /// Seconds a batch must stay healthy before the next one starts.
    public var minHealthy: TimeInterval
    /// Seconds an instance has from being drained to being back in rotation.
    public var instanceDeadline: TimeInterval
    /// Instances that may fail before the whole update is rolled back (0: the first failure does it).
    public var failureLimit: Int
    /// Seconds of measured interruption past which the update is rolled back.
    public var maxInterruption: TimeInterval?
    public var balancer: BalancerSpec?
    public var probe: ProbeSpec?

    public init(service: String, version: String, instances: [RollingInstance], stop: String, start: String, versionCommand: String,
                batchSize: Int = 1, surge: Int = 0, healthCheck: HTTPCheckSpec, minHealthy: TimeInterval = 10, instanceDeadline: TimeInterval = 300,
                failureLimit: Int = 0, maxInterruption: TimeInterval? = nil, balancer: BalancerSpec? = nil, probe: ProbeSpec? = nil) {
        self.service = service
        self.version = version
        self.instances = instances
        self.stop = stop
        self.start = start
        self.versionCommand = versionCommand
        self.batchSize = batchSize
        self.surge = surge
        self.healthCheck = healthCheck
        self.minHealthy = minHealthy
        self.instanceDeadline = instanceDeadline
        self.failureLimit = failureLimit
        self.maxInterruption = maxInterruption
        self.balancer = balancer
        self.probe = probe
    }

    /// The instances that run the service, in the order they are updated.
    public var active: [RollingInstance] { instances.filter { !$0.spare } }

    /// Versions are put into shell commands: they are kept to the characters of version names.
    public static let versionRule = "must be 1 to 64 letters, digits, '.', '-', '_', '+' or '~', starting with a letter or a digit"

    public static func isVersion(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 64, first.isASCII, CharacterSet.alphanumerics.contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-+~".unicodeScalars.contains($0)) }
    }

    /// Addresses are put into shell commands too.
    static func isAddressCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || ".-_:[]".contains(character))
    }

    /// Every agent target it names: its instances'.
    public var targets: [AgentTarget] { instances.compactMap(\.runsOn) }

    /// The active instances in batches of `batchSize`, in the order written.
    public var batches: [[RollingInstance]] {
        let active = active
        guard batchSize > 0 else { return [] }
        return stride(from: 0, to: active.count, by: batchSize).map { Array(active[$0..<min($0 + batchSize, active.count)]) }
    }

    /// The spare slots started on the new version before the first batch.
    public var surgeInstances: [RollingInstance] { Array(instances.filter(\.spare).prefix(surge)) }

    /// A command or URL written for `instance` on `version`.
    public static func filled(_ text: String, instance: RollingInstance, version: String) -> String {
        guard text.contains("{{") else { return text }
        return text.replacingOccurrences(of: "{{instance}}", with: instance.name)
            .replacingOccurrences(of: "{{address}}", with: instance.address ?? instance.name)
            .replacingOccurrences(of: "{{server}}", with: instance.balancerName)
            .replacingOccurrences(of: "{{version}}", with: version)
    }

    /// The variables a command is given for `instance` on `version`.
    public static func environment(instance: RollingInstance, version: String) -> [String: String] {
        ["BASCULE_INSTANCE": instance.name, "BASCULE_ADDRESS": instance.address ?? instance.name,
         "BASCULE_SERVER": instance.balancerName, "BASCULE_VERSION": version]
    }

    var texts: [String] { [stop, start, versionCommand, healthCheck.url] + Array(healthCheck.headers.values) + [probe?.url ?? "", balancer?.socket ?? ""] }

    func filled(_ fill: (String) -> String) -> RollingUpdateSpec {
        var copy = self
        copy.stop = fill(stop)
        copy.start = fill(start)
        copy.versionCommand = fill(versionCommand)
        copy.healthCheck.url = fill(healthCheck.url)
        copy.healthCheck.headers = healthCheck.headers.mapValues(fill)
        if var probe { probe.url = fill(probe.url); copy.probe = probe }
        if var balancer { balancer.socket = fill(balancer.socket); copy.balancer = balancer }
        return copy
    }

    /// What is wrong with it, each error under `field`.
    func problems(field: String) -> [FieldError] {
        var errors: [FieldError] = []
        func error(_ key: String, _ message: String) { errors.append(FieldError("\(field).\(key)", message)) }
        if service.trimmingCharacters(in: .whitespaces).isEmpty { error("service", "is required") }
        if !Self.isVersion(version) { error("version", Self.versionRule) }
        if instances.isEmpty { error("instances", "needs at least one instance") }
        var names = Set<String>(), servers = Set<String>()
        for (index, instance) in instances.enumerated() {
            if !AgentRules.isName(instance.name) { error("instances[\(index)].name", AgentRules.nameRule) }
            if !names.insert(instance.name).inserted { error("instances[\(index)].name", "\(instance.name) is listed twice") }
            if !servers.insert(instance.balancerName).inserted { error("instances[\(index)].server", "\(instance.balancerName) names two instances") }
            if let address = instance.address, address.isEmpty || !address.allSatisfy(Self.isAddressCharacter) {
                error("instances[\(index)].address", "must be host:port (letters, digits, '.', '-', '_', ':', '[', ']')")
            }
            if let agent = instance.runsOn?.agent, !AgentRules.isName(agent) { error("instances[\(index)].runsOn.agent", AgentRules.nameRule) }
        }
        let active = active.count, spares = instances.count - active
        if active == 0, !instances.isEmpty { error("instances", "are all spare: at least one must run the service") }
        if batchSize < 1 || (active > 0 && batchSize > active) {
            error("batchSize", "must be from 1 to the \(active) instance\(active == 1 ? "" : "s") that run the service")
        }
        if surge < 0 { error("surge", "must not be negative") }
        if surge > spares {
            error("surge", "has no room: \(surge) extra instance\(surge == 1 ? "" : "s") asked, \(spares) spare slot\(spares == 1 ? "" : "s") listed (spare: true)")
        }
        for (key, text) in [("stop", stop), ("start", start), ("versionCommand", versionCommand)] where text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            error(key, "is required: a shell script")
        }
        let health = Self.filled(healthCheck.url, instance: RollingInstance(name: "instance", address: "host:1"), version: version)
        let scheme = URLComponents(string: health)?.scheme?.lowercased()
        if !(scheme == "http" || scheme == "https") || URLComponents(string: health)?.host?.isEmpty != false {
            error("healthCheck.url", "must be an http or https URL (it may hold {{address}})")
        }
        if healthCheck.expectedStatus.isEmpty || healthCheck.expectedStatus.contains(where: { !(100...599).contains($0) }) {
            error("healthCheck.expectStatus", "must list HTTP statuses from 100 to 599")
        }
        if !(healthCheck.interval.isFinite && healthCheck.interval > 0 && healthCheck.interval <= 600) { error("healthCheck.interval", "must be more than 0 and at most 10 minutes") }
        if !(minHealthy.isFinite && minHealthy >= 0 && minHealthy <= 3600) { error("minHealthy", "must be from 0 to 1 hour") }
        if !(instanceDeadline.isFinite && instanceDeadline > 0 && instanceDeadline <= 86_400) { error("instanceDeadline", "must be more than 0 and at most a day") }
        if failureLimit < 0 || (active > 0 && failureLimit >= active) {
            error("failureLimit", "must be from 0 to \(max(0, active - 1)): the instances that may fail before the update is rolled back")
        }
        if let limit = maxInterruption, !(limit.isFinite && limit >= 0) { error("maxInterruption", "must be a duration of 0 or more") }
        if maxInterruption != nil, probe == nil { error("maxInterruption", "needs a probe to measure the interruption") }
        if let balancer {
            if balancer.socket.isEmpty { error("balancer.socket", "is required: the admin socket's path, or tcp://host:port") }
            if balancer.socket.hasPrefix("tcp://"), HAProxyAddress.tcp(balancer.socket) == nil { error("balancer.socket", "must be tcp://IPv4:port") }
            if !AgentRules.isName(balancer.backend) { error("balancer.backend", AgentRules.nameRule) }
            if !(balancer.drainTimeout.isFinite && balancer.drainTimeout >= 0 && balancer.drainTimeout <= 3600) { error("balancer.drainTimeout", "must be from 0 to 1 hour") }
        }
        if let probe {
            let scheme = URLComponents(string: probe.url)?.scheme?.lowercased()
            if !(scheme == "http" || scheme == "https") || URLComponents(string: probe.url)?.host?.isEmpty != false { error("probe.url", "must be an http or https URL") }
            if !(probe.rate.isFinite && probe.rate >= 1 && probe.rate <= 1000) { error("probe.rate", "must be from 1 to 1000 requests a second") }
            if !(probe.slowAfter.isFinite && probe.slowAfter > 0 && probe.slowAfter <= 60) { error("probe.slowAfter", "must be more than 0 and at most a minute") }
            if !(probe.timeout.isFinite && probe.timeout > 0 && probe.timeout <= 60) { error("probe.timeout", "must be more than 0 and at most a minute") }
        }
        return errors
    }
}

/// Where an HAProxy admin socket listens.
public enum HAProxyAddress {
    /// `tcp://127.0.0.1:9999` as its IPv4 host and port.
    public static func tcp(_ text: String) -> (host: String, port: Int)? {
        guard text.hasPrefix("tcp://") else { return nil }
        let rest = text.dropFirst("tcp://".count)
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        let host = String(rest[..<colon])
        let parts = host.split(separator: ".")
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return nil }
        return (host, port)
    }
}
