import BasculeCore
import Foundation
import Testing

@Suite("Who is told of a notice")
struct RecipientsTests {
    static let payroll = NoticeRelease(key: "REL-4", title: "Payroll", version: "4.2", status: "planned", environment: "production",
                                       tags: ["payroll"], items: ["pay-db"], windowStart: Fixtures.t0, windowEnd: Fixtures.t0.addingTimeInterval(3600))

    static func notice(_ kind: NoticeKind, release: NoticeRelease? = payroll) -> Notice {
        Notice(kind: kind, at: Fixtures.t0, actor: "alice", release: release)
    }

    static func person(_ name: String, email: String? = nil, language: String = "en", active: Bool = true) -> (String, Recipients.Person) {
        (name, Recipients.Person(username: name, email: email ?? "\(name)@example.com", language: language, active: active))
    }

    static func subscription(_ user: String, _ scope: SubscriptionScope, kinds: Set<NoticeKind> = [], channels: Set<NoticeChannel> = [.inbox]) throws -> Subscription {
        try Subscription(username: user, scope: scope, kinds: kinds, channels: channels, createdAt: Fixtures.t0)
    }

    @Test("a subscription follows its release, tag, item or environment and nothing else")
    func scopes() throws {
        // given
        let other = NoticeRelease(key: "REL-9", title: "Portal", version: "1", status: "planned", environment: "recette", tags: ["web"], items: [],
                                  windowStart: nil, windowEnd: nil)
        // then
        for scope: SubscriptionScope in [.release("REL-4"), .tag("payroll"), .item("pay-db"), .environment("production"), .everything] {
            let subscription = try Self.subscription("bob", scope)
            #expect(subscription.matches(Self.notice(.releaseMoved)), "\(scope) should match")
            #expect(subscription.matches(Self.notice(.releaseMoved, release: other)) == (scope == .everything), "\(scope) matched another release")
        }
    }

    @Test("a subscription to some kinds is not told of the others, and never of someone else's test")
    func kinds() throws {
        // given
        let subscription = try Self.subscription("bob", .everything, kinds: [.runStarted])
        // then
        #expect(subscription.matches(Self.notice(.runStarted)))
        #expect(!subscription.matches(Self.notice(.approvalDecided)))
        #expect(!(try Self.subscription("bob", .everything)).matches(Notice(kind: .test, at: Fixtures.t0, actor: "carol", release: nil, addressee: "carol")))
    }

    @Test("subscribers and stakeholders are told once each, on the channels they chose; the disabled are not told")
    func merged() throws {
        // given
        let people = Dictionary(uniqueKeysWithValues: [Self.person("bob"), Self.person("carol", language: "fr"), Self.person("dave", active: false)])
        let subscriptions = [try Self.subscription("bob", .tag("payroll")), try Self.subscription("bob", .release("REL-4"), channels: [.email]),
                             try Self.subscription("dave", .everything)]
        let stakeholders = [
            Stakeholder(release: "REL-4", party: .team("paie"), addedBy: "alice", addedAt: Fixtures.t0),
            Stakeholder(release: "REL-4", party: .address("rh@example.com", language: "fr"), addedBy: "alice", addedAt: Fixtures.t0),
            Stakeholder(release: "REL-4", party: .address("carol@example.com", language: "en"), addedBy: "alice", addedAt: Fixtures.t0),
        ]
        // when
        let told = Recipients.of(Self.notice(.releaseMoved), subscriptions: subscriptions, stakeholders: stakeholders, teams: ["paie": ["carol"]], people: people)
        // then
        #expect(told.map(\.target) == [.user("bob"), .user("carol"), .address("rh@example.com")])
        #expect(told[0].channels == [.inbox, .email])
        #expect(told[1].language == "fr")
        #expect(told[2].channels == [.email] && told[2].language == "fr")
    }

    @Test("stakeholders are not told of the release team's own workings (approvals, overrides, failed steps)")
    func stakeholdersOnlyWhatConcernsThem() {
        // given
        let stakeholders = [Stakeholder(release: "REL-4", party: .address("rh@example.com", language: "fr"), addedBy: "alice", addedAt: Fixtures.t0)]
        // then
        for kind in [NoticeKind.approvalRequested, .approvalDecided, .policyOverridden, .stepFailed] {
            #expect(Recipients.of(Self.notice(kind), subscriptions: [], stakeholders: stakeholders, teams: [:], people: [:]).isEmpty, "\(kind)")
        }
        for kind in [NoticeKind.releaseMoved, .runStarted, .runFinished, .runRolledBack, .announcement] {
            #expect(Recipients.of(Self.notice(kind), subscriptions: [], stakeholders: stakeholders, teams: [:], people: [:]).count == 1, "\(kind)")
        }
    }

    @Test("a person without an e-mail address is told in the inbox only")
    func noAddress() throws {
        // given
        let people = Dictionary(uniqueKeysWithValues: [Self.person("bob", email: "")])
        // when
        let told = Recipients.of(Self.notice(.releaseMoved), subscriptions: [try Self.subscription("bob", .everything, channels: [.inbox, .email])],
                                 stakeholders: [], teams: [:], people: people)
        // then
        #expect(told.first?.channels == [.inbox])
        #expect(told.first?.email == nil)
    }

    @Test("a subscription refuses no channel, an unknown scope, a release key that is not one, and a personal kind")
    func badSubscriptions() {
        #expect(throws: CoreError.self) { try Self.subscription("bob", .everything, channels: []) }
        #expect(throws: CoreError.self) { try SubscriptionScope.parse(kind: "planet", value: "x") }
        #expect(throws: CoreError.self) { try SubscriptionScope.parse(kind: "release", value: "payroll") }
        #expect(throws: CoreError.self) { try Self.subscription("bob", .everything, kinds: [.webhookDisabled]) }
        #expect(throws: CoreError.self) { try NoticeKind.parse("release.exploded", field: "kinds") }
    }
}
