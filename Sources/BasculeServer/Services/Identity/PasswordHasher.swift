import Foundation
import HummingbirdBcrypt
import NIOPosix

/// bcrypt, off the event loops: hashing takes a quarter of a second at cost 12 by design.
public struct PasswordHasher: Sendable {
    public let cost: UInt8
    /// A hash to check against when the user does not exist, so that an unknown name takes as
    /// long to refuse as a wrong password and reveals nothing.
    let decoy: String

    public init(cost: UInt8 = 12) {
        self.cost = cost
        self.decoy = Bcrypt.hash("not the password of anyone", cost: cost)
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, against hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}

/// Random secrets: passwords shown once, API tokens, session ids, anti-forgery tokens.
enum Secrets {
    static func random(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A password people can type: 20 characters from an alphabet without look-alikes.
    static func password() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    static let tokenPrefix = "bsc_"
}
