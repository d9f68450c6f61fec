import Foundation

/// Who is told of a notice, and how: every subscription that matches and every stakeholder
/// it concerns, merged so that each person or address gets one message per event.
public enum Recipients {
    /// A person known to Bascule, as routing needs them.
    public struct Person: Sendable, Equatable {
        public let username: String
        public let email: String
        public let language: String
        public let active: Bool

        public init(username: String, email: String, language: String, active: Bool) {
            self.username = username
            self.email = email
            self.language = language
            self.active = active
        }
    }

    public enum Target: Sendable, Hashable {
        case user(String)
        case address(String)
    }

    public struct Recipient: Sendable, Equatable {
        public let target: Target
        public let channels: Set<NoticeChannel>
        /// The address e-mail goes to (the account's, or the outside one); nil without one.
        public let email: String?
        public let language: String
    }

    /// `people` by username; `teams` lists each team's members. Disabled people are told nothing,
    /// an address that is also a person's account is told once, as that person.
    public static func of(_ notice: Notice, subscriptions: [Subscription], stakeholders: [Stakeholder],
                          teams: [String: [String]], people: [String: Person]) -> [Recipient] {
        var channels: [String: Set<NoticeChannel>] = [:]
        if let addressee = notice.addressee {
            channels[addressee] = notice.kind == .test ? Set(NoticeChannel.allCases) : [.inbox, .email]
        } else {
            for subscription in subscriptions where subscription.matches(notice) {
                channels[subscription.username, default: []].formUnion(subscription.channels)
            }
        }
        var addresses: [String: String] = [:]
        if notice.addressee == nil, notice.kind.concernsStakeholders, let release = notice.release {
            for stakeholder in stakeholders where stakeholder.release == release.key {
                switch stakeholder.party {
                case .user(let name): channels[name, default: []].formUnion(NoticeChannel.allCases)
                case .team(let team):
                    for member in teams[team] ?? [] { channels[member, default: []].formUnion(NoticeChannel.allCases) }
                case .address(let address, let language): addresses[address] = language
                }
            }
        }
        var recipients: [Recipient] = []
        var emailed = Set<String>()
        for (username, wanted) in channels.sorted(by: { $0.key < $1.key }) {
            guard let person = people[username], person.active else { continue }
            let email = EmailAddress.isValid(person.email) ? person.email.lowercased() : nil
            let usable = email == nil ? wanted.subtracting([.email]) : wanted
            guard !usable.isEmpty else { continue }
            if usable.contains(.email), let email { emailed.insert(email) }
            recipients.append(Recipient(target: .user(username), channels: usable, email: email, language: person.language))
        }
        for (address, language) in addresses.sorted(by: { $0.key < $1.key }) where !emailed.contains(address) {
            recipients.append(Recipient(target: .address(address), channels: [.email], email: address, language: language))
        }
        return recipients
    }
}
