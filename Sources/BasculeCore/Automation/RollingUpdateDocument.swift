import Foundation

/// A `rollingUpdate` step in YAML:
///
/// ```yaml
///     kind: rollingUpdate
///     runsOn: {agent: lb-1}
///     rollingUpdate:
///       service: shop
///       version: "2.4.0"
///       instances:
///         - {name: web-1, address: "10.0.0.11:8080"}
///         - {name: web-2, address: "10.0.0.12:8080", server: w2}   # w2 in the HAProxy backend
///         - {name: web-4, address: "10.0.0.14:8080", spare: true}  # started only as surge
///         - {name: web-5, address: "10.0.0.15:8080", runsOn: {agent: web-5}}  # its commands run there
///       stop: "ssh {{address}} systemctl stop shop"
///       start: "ssh {{address}} /opt/shop/switch {{version}}"
///       versionCommand: "curl -fsS http://{{address}}/version"
///       batchSize: 1
///       surge: 0
///       healthCheck: {url: "http://{{address}}/health", expectStatus: [200], interval: 1s}
///       minHealthy: 10s
///       instanceDeadline: 2m
///       failureLimit: 0
///       maxInterruption: 2s
///       balancer: {haproxy: /run/haproxy/admin.sock, backend: shop, drain: true, drainTimeout: 30s}
///       probe: {url: "https://shop.example/", rate: 20, slowAfter: 1s, timeout: 2s}
/// ```
enum RollingUpdateDocument {
    static func parse(_ node: PolicyNode) throws(FieldError) -> RollingUpdateSpec {
        let entries = try node.mapping(allowed: ["service", "version", "instances", "stop", "start", "versionCommand", "batchSize", "surge", "healthCheck",
                                                 "minHealthy", "instanceDeadline", "failureLimit", "maxInterruption", "balancer", "probe"])
        func required(_ key: String) throws(FieldError) -> String {
            guard let value = entries[key] else { throw node.error("needs \(key)") }
            return try value.string()
        }
        guard let healthNode = entries["healthCheck"] else { throw node.error("needs a healthCheck") }
        guard let instanceList = entries["instances"] else { throw node.error("needs its instances") }
        var instances: [RollingInstance] = []
        for item in try instanceList.items() {
            if item.node.scalar != nil {
                instances.append(RollingInstance(name: try item.string()))
                continue
            }
            let fields = try item.mapping(allowed: ["name", "address", "server", "spare", "runsOn"])
            guard let name = fields["name"] else { throw item.error("needs a name") }
            instances.append(RollingInstance(name: try name.string(), address: try fields["address"]?.string(), server: try fields["server"]?.string(),
                                             spare: try fields["spare"]?.flag() ?? false, runsOn: try fields["runsOn"].map(AutomationDocument.target)))
        }
        var spec = RollingUpdateSpec(service: try required("service"), version: try required("version"), instances: instances,
                                     stop: try required("stop"), start: try required("start"), versionCommand: try required("versionCommand"),
                                     healthCheck: try AutomationDocument.httpCheck(healthNode))
        if entries["healthCheck"]?.node.mapping?["interval"] == nil { spec.healthCheck.interval = 1 }
        if let value = entries["batchSize"] { spec.batchSize = try value.int(in: 0...10_000) }
        if let value = entries["surge"] { spec.surge = try value.int(in: 0...10_000) }
        if let value = entries["minHealthy"] { spec.minHealthy = try value.seconds() }
        if let value = entries["instanceDeadline"] { spec.instanceDeadline = try value.seconds() }
        if let value = entries["failureLimit"] { spec.failureLimit = try value.int(in: 0...10_000) }
        if let value = entries["maxInterruption"] { spec.maxInterruption = try value.seconds() }
        if let value = entries["balancer"] { spec.balancer = try balancer(value) }
        if let value = entries["probe"] { spec.probe = try probe(value) }
        return spec
    }

    private static func balancer(_ node: PolicyNode) throws(FieldError) -> BalancerSpec {
        let entries = try node.mapping(allowed: ["haproxy", "backend", "drain", "drainTimeout"])
        guard let socket = entries["haproxy"] else { throw node.error("needs haproxy: the admin socket's path (the one balancer supported)") }
        guard let backend = entries["backend"] else { throw node.error("needs the backend that holds the instances") }
        var spec = BalancerSpec(socket: try socket.string(), backend: try backend.string())
        if let value = entries["drain"] { spec.drain = try value.flag() }
        if let value = entries["drainTimeout"] { spec.drainTimeout = try value.seconds() }
        return spec
    }

    private static func probe(_ node: PolicyNode) throws(FieldError) -> ProbeSpec {
        let entries = try node.mapping(allowed: ["url", "rate", "slowAfter", "timeout"])
        guard let url = entries["url"] else { throw node.error("needs the service's public url") }
        var spec = ProbeSpec(url: try url.string())
        if let value = entries["rate"] { spec.rate = Double(try value.int(in: 1...1000)) }
        if let value = entries["slowAfter"] { spec.slowAfter = try value.seconds() }
        if let value = entries["timeout"] { spec.timeout = try value.seconds() }
        return spec
    }

    /// The step's `rollingUpdate` key, indented as a step's entries.
    static func yaml(_ spec: RollingUpdateSpec) -> String {
        let q = RunbookDocument.quoted
        var out = "    rollingUpdate:\n      service: \(q(spec.service))\n      version: \(q(spec.version))\n      instances:\n"
        for instance in spec.instances {
            var parts = ["name: \(q(instance.name))"]
            if let address = instance.address { parts.append("address: \(q(address))") }
            if let server = instance.server { parts.append("server: \(q(server))") }
            if instance.spare { parts.append("spare: true") }
            if let target = instance.runsOn { parts.append("runsOn: \(AutomationDocument.inline(target))") }
            out += "        - {\(parts.joined(separator: ", "))}\n"
        }
        out += "      stop: \(q(spec.stop))\n      start: \(q(spec.start))\n      versionCommand: \(q(spec.versionCommand))\n"
        out += "      batchSize: \(spec.batchSize)\n      surge: \(spec.surge)\n"
        let check = spec.healthCheck
        out += "      healthCheck:\n        url: \(q(check.url))\n        method: \(check.method)\n"
        if !check.headers.isEmpty { out += "        headers: \(AutomationDocument.map(check.headers))\n" }
        out += "        expectStatus: [\(check.expectedStatus.map(String.init).joined(separator: ", "))]\n"
        if let text = check.bodyContains { out += "        bodyContains: \(q(text))\n" }
        if let pattern = check.bodyMatches { out += "        bodyMatches: \(q(pattern))\n" }
        out += "        interval: \(seconds(check.interval))\n"
        out += "      minHealthy: \(seconds(spec.minHealthy))\n      instanceDeadline: \(seconds(spec.instanceDeadline))\n      failureLimit: \(spec.failureLimit)\n"
        if let limit = spec.maxInterruption { out += "      maxInterruption: \(seconds(limit))\n" }
        if let balancer = spec.balancer {
            out += "      balancer: {haproxy: \(q(balancer.socket)), backend: \(q(balancer.backend)), drain: \(balancer.drain), drainTimeout: \(seconds(balancer.drainTimeout))}\n"
        }
        if let probe = spec.probe {
            out += "      probe: {url: \(q(probe.url)), rate: \(Int(probe.rate)), slowAfter: \(seconds(probe.slowAfter)), timeout: \(seconds(probe.timeout))}\n"
        }
        return out
    }

    /// `90s`, or a plain number of seconds when it has a fraction (`0.5`): written back exactly.
    private static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() ? "\(Int(value))s" : "\(value)"
    }
}
