import BasculeCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// HAProxy through its runtime API: one command per connection on the admin socket (a Unix
/// socket, or TCP), as `socat` would send it. The socket must be bound with `level admin`.
public struct HAProxyBalancer: Balancer {
    let socket: String
    let backend: String
    /// Seconds a command may take, connecting included.
    let timeout: Int

    public init(socket: String, backend: String, timeout: Int = 5) {
        self.socket = socket
        self.backend = backend
        self.timeout = timeout
    }

    public func servers() async throws(BalancerError) -> [String: BalancerServer] {
        let text = try await send("show stat")
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard let header = lines.first, header.hasPrefix("# ") else {
            throw .refused("HAProxy answered `show stat` with \(text.prefix(120).debugDescription): is the socket bound with `level admin`?")
        }
        let columns = header.dropFirst(2).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard let proxy = columns.firstIndex(of: "pxname"), let name = columns.firstIndex(of: "svname"),
              let sessions = columns.firstIndex(of: "scur"), let status = columns.firstIndex(of: "status") else {
            throw .refused("HAProxy's `show stat` lacks pxname, svname, scur or status")
        }
        var result: [String: BalancerServer] = [:]
        var backendSeen = false
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count > max(proxy, name, sessions, status), fields[proxy] == backend else { continue }
            backendSeen = true
            guard fields[name] != "BACKEND", fields[name] != "FRONTEND" else { continue }
            let state = fields[status]
            result[fields[name]] = BalancerServer(sessions: Int(fields[sessions]) ?? 0, up: state.hasPrefix("UP") || state == "no check" || state == "DRAIN",
                                                  administrativelyDown: state.hasPrefix("MAINT") || state.hasPrefix("DRAIN"))
        }
        guard backendSeen else { throw .refused("HAProxy has no backend \(backend)") }
        return result
    }

    public func drain(_ server: String) async throws(BalancerError) { try await set(server, "drain") }
    public func maintain(_ server: String) async throws(BalancerError) { try await set(server, "maint") }
    public func ready(_ server: String) async throws(BalancerError) { try await set(server, "ready") }

    private func set(_ server: String, _ state: String) async throws(BalancerError) {
        let answer = try await send("set server \(backend)/\(server) state \(state)").trimmingCharacters(in: .whitespacesAndNewlines)
        // HAProxy answers nothing when the command took; anything else says why not.
        guard answer.isEmpty else { throw .refused("HAProxy refused `set server \(backend)/\(server) state \(state)`: \(answer)") }
    }

    /// Sends one command and reads the answer to the end (HAProxy closes the connection).
    func send(_ command: String) async throws(BalancerError) -> String {
        let socket = socket, timeout = timeout
        let result: Result<String, BalancerError> = await withCheckedContinuation { continuation in
            // Blocking calls on a socket a local HAProxy answers at once: off the cooperative pool.
            Thread.detachNewThread { continuation.resume(returning: Self.exchange(socket: socket, command: command, timeout: timeout)) }
        }
        return try result.get()
    }

    private static func exchange(socket path: String, command: String, timeout: Int) -> Result<String, BalancerError> {
        let descriptor: Int32
        if let tcp = HAProxyAddress.tcp(path) {
            descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { return .failure(.unreachable("HAProxy admin socket \(path): no socket (errno \(errno))")) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(tcp.port).bigEndian)
            inet_pton(AF_INET, tcp.host, &address.sin_addr)
            setTimeouts(descriptor, timeout)
            let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            guard connected == 0 else {
                let why = String(cString: strerror(errno))
                close(descriptor)
                return .failure(.unreachable("HAProxy admin socket \(path) unreachable: \(why)"))
            }
        } else {
            descriptor = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { return .failure(.unreachable("HAProxy admin socket \(path): no socket (errno \(errno))")) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
                close(descriptor)
                return .failure(.unreachable("HAProxy admin socket path \(path) is too long"))
            }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in bytes.enumerated() { raw[index] = byte }
            }
            setTimeouts(descriptor, timeout)
            let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            guard connected == 0 else {
                let why = String(cString: strerror(errno))
                close(descriptor)
                return .failure(.unreachable("HAProxy admin socket \(path) unreachable: \(why)"))
            }
        }
        defer { close(descriptor) }
        let line = Array((command + "\n").utf8)
        let sent = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard sent == line.count else { return .failure(.unreachable("HAProxy admin socket \(path): the command could not be sent")) }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            guard count > 0 else { return .failure(.unreachable("HAProxy admin socket \(path): no answer within \(timeout) s")) }
            answer += buffer[0..<count]
        }
        return .success(String(decoding: answer, as: UTF8.self))
    }

    private static func setTimeouts(_ descriptor: Int32, _ seconds: Int) {
        var limit = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }
}
