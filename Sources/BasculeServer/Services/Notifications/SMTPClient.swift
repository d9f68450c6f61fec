import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where e-mail goes and how Bascule signs in there (BASCULE_SMTP_*).
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Sendable, CaseIterable {
        /// Plain connection upgraded with STARTTLS (port 587); refused if the server does not offer it.
        case starttls
        /// TLS from the first byte (port 465).
        case tls
        /// No encryption: a relay on the same host or a test server only.
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// The sender's address: `From:` and the envelope.
    public var from: String
    /// A PEM file of the certificates to trust instead of the system's (a private CA).
    public var trustFile: String?
    /// How long an e-mail waits before it goes, so that a burst of events to one person goes
    /// as one message (BASCULE_EMAIL_GROUPING, seconds).
    public var grouping: TimeInterval

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil, from: String, trustFile: String? = nil,
                grouping: TimeInterval = 30) {
        self.grouping = grouping
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.from = from
        self.trustFile = trustFile
    }

    public var endpoint: String { "\(host):\(port)" }
}

/// Why an SMTP exchange failed, said so that an operator knows what to fix.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// True when the server refused for good (a bad address): retrying will not help.
    public let permanent: Bool
}

/// One message for the envelope and the wire.
public struct MailMessage: Sendable {
    public let to: String
    /// Headers and body, lines ending in CRLF, not yet dot-stuffed.
    public let data: String

    public init(to: String, data: String) {
        self.to = to
        self.data = data
    }
}

/// Speaks SMTP (RFC 5321) with STARTTLS (RFC 3207) and AUTH PLAIN or LOGIN (RFC 4954): one
/// connection per batch of messages. Every step has its own deadline, so a server that
/// stops answering fails the batch instead of holding it.
public struct SMTPClient: Sendable {
    let settings: SMTPSettings
    static let stepTimeout: TimeAmount = .seconds(20)

    public init(settings: SMTPSettings) {
        self.settings = settings
    }

    /// Sends each message; the result of each, in order (a refused recipient fails only its message).
    public func send(_ messages: [MailMessage]) async throws -> [Result<Void, SMTPError>] {
        try await session { conversation in
            var results: [Result<Void, SMTPError>] = []
            for message in messages {
                do {
                    try await conversation.expect("MAIL FROM:<\(settings.from)>", 250)
                    try await conversation.expect("RCPT TO:<\(message.to)>", 250, 251)
                    try await conversation.expect("DATA", 354)
                    try await conversation.expect(Self.dotStuffed(message.data) + ".", 250)
                    results.append(.success(()))
                } catch let error as SMTPError where error.permanent {
                    results.append(.failure(error))
                    try? await conversation.expect("RSET", 250)
                }
            }
            return results
        }
    }

    /// Connects, greets, secures and signs in, then says goodbye: what `bascule notify test` checks.
    public func check() async throws {
        _ = try await session { _ in () }
    }

    private func session<R: Sendable>(_ body: (Conversation) async throws -> R) async throws -> R {
        let tls = try tlsContext()
        let host = settings.host, implicit = settings.security == .tls
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(host: host, port: settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if implicit { try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: Self.sni(host))) }
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPError(description: "the SMTP server \(settings.endpoint) is unreachable: \(Self.reason(error))", permanent: false)
        }
        return try await channel.executeThenClose { inbound, outbound in
            let conversation = Conversation(lines: LineReader(inbound.makeAsyncIterator()), outbound: outbound, endpoint: settings.endpoint)
            try await conversation.read(220)
            let name = ProcessInfo.processInfo.hostName.isEmpty ? "bascule" : ProcessInfo.processInfo.hostName
            var offers = try await conversation.expectLines("EHLO \(name)", 250)
            if settings.security == .starttls {
                guard offers.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw SMTPError(description: "the SMTP server \(settings.endpoint) does not offer STARTTLS; set BASCULE_SMTP_SECURITY=tls or none", permanent: false)
                }
                try await conversation.expect("STARTTLS", 220)
                try await channel.channel.pipeline.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: Self.sni(host)), position: .first).get()
                offers = try await conversation.expectLines("EHLO \(name)", 250)
            }
            if let username = settings.username, let password = settings.password {
                let mechanisms = offers.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased().split(separator: " ").map(String.init) ?? []
                do {
                    if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
                        try await conversation.expect("AUTH PLAIN " + Data("\0\(username)\0\(password)".utf8).base64EncodedString(), 235)
                    } else {
                        try await conversation.expect("AUTH LOGIN", 334)
                        try await conversation.expect(Data(username.utf8).base64EncodedString(), 334)
                        try await conversation.expect(Data(password.utf8).base64EncodedString(), 235)
                    }
                } catch let error as SMTPError {
                    throw SMTPError(description: "the SMTP server \(settings.endpoint) refused the login of \(username): \(error.description)", permanent: false)
                }
            }
            let result = try await body(conversation)
            try? await conversation.expect("QUIT", 221)
            return result
        }
    }

    private func tlsContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let file = settings.trustFile {
            configuration.trustRoots = .file(file)
        }
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw SMTPError(description: "TLS for SMTP could not be set up (BASCULE_SMTP_CA_FILE?): \(error)", permanent: false)
        }
    }

    /// An IP address is not sent as a server name (SNI forbids it).
    private static func sni(_ host: String) -> String? {
        host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" } ? nil : host
    }

    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectTimeout") { return "no connection within 10 s" }
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return String(text.prefix(200))
    }

    /// Lines starting with a dot get another (RFC 5321 §4.5.2); the body ends with CRLF.
    static func dotStuffed(_ data: String) -> String {
        var text = data.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        if !text.hasSuffix("\r\n") { text += "\r\n" }
        if text.hasPrefix(".") { text = "." + text }
        return text.replacingOccurrences(of: "\r\n.", with: "\r\n..")
    }

    /// Replies read a line at a time; a reply spans lines `250-…` until `250 …`.
    final class Conversation: @unchecked Sendable {
        let lines: LineReader
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        let endpoint: String

        init(lines: LineReader, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, endpoint: String) {
            self.lines = lines
            self.outbound = outbound
            self.endpoint = endpoint
        }

        /// Reads one reply and checks its code.
        func read(_ code: Int) async throws {
            _ = try await read(codes: [code])
        }

        func expect(_ command: String, _ codes: Int...) async throws {
            try await outbound.write(ByteBuffer(string: command + "\r\n"))
            _ = try await read(codes: codes)
        }

        func expectLines(_ command: String, _ code: Int) async throws -> [String] {
            try await outbound.write(ByteBuffer(string: command + "\r\n"))
            return try await read(codes: [code])
        }

        private func read(codes: [Int]) async throws -> [String] {
            var texts: [String] = []
            while true {
                guard let line = try await withDeadline({ try await self.lines.next() }) else {
                    throw SMTPError(description: "the SMTP server \(endpoint) closed the connection", permanent: false)
                }
                let code = Int(line.prefix(3)) ?? 0
                texts.append(String(line.dropFirst(4)))
                if line.count > 3, line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
                guard codes.contains(code) else {
                    throw SMTPError(description: "\(code) \(texts.joined(separator: " "))", permanent: (500...599).contains(code))
                }
                return texts
            }
        }

        private func withDeadline<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
            try await withThrowingTaskGroup(of: T.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try await Task.sleep(for: .seconds(20))
                    throw SMTPError(description: "the SMTP server \(self.endpoint) did not answer within 20 s", permanent: false)
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        }
    }

    /// Cuts the bytes the server sends into lines (CRLF or LF).
    final class LineReader: @unchecked Sendable {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var pending: [UInt8] = []

        init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
            self.iterator = iterator
        }

        func next() async throws -> String? {
            while true {
                if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    var line = Array(pending[..<end])
                    pending.removeSubrange(...end)
                    if line.last == UInt8(ascii: "\r") { line.removeLast() }
                    return String(decoding: line, as: UTF8.self)
                }
                guard let buffer = try await iterator.next() else { return nil }
                pending += buffer.readableBytesView
            }
        }
    }
}
