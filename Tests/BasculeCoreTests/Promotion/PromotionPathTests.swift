@testable import BasculeCore
import Foundation
import Testing

/// The promotion path: which environments a release goes through, where it stands on each, and
/// what the promotion rule lets through.
@Suite("Promotion path")
struct PromotionPathTests {
    static let environments = [
        Environment(name: "dev", kind: .development, order: 0),
        Environment(name: "recette", kind: .test, order: 10),
        Environment(name: "preprod", kind: .preproduction, order: 20, mirrors: "production"),
        Environment(name: "production", kind: .production, order: 30),
    ]
    static let release = ReleaseKey(number: 7)
    static let day = Date(timeIntervalSince1970: 1_800_000_000)
    static func hour(_ value: Double) -> Date { day.addingTimeInterval(value * 3600) }
    static func deployed(_ environment: String, at value: Double, _ outcome: EnvironmentDeployment.Outcome = .deployed) -> EnvironmentDeployment {
        EnvironmentDeployment(release: release, environment: environment, outcome: outcome, at: hour(value), run: nil, recordedBy: "ops")
    }
    static func campaign(_ environment: String, at value: Double, failed: Int = 0, kind: TestKind = .regression) -> TestCampaign {
        TestCampaign(kind: kind, environment: environment, result: TestResult(passed: 10, failed: failed, skipped: 0), evidence: nil,
                     source: "manual", recordedBy: "qa", recordedAt: hour(value))
    }
    static func path(_ deployments: [EnvironmentDeployment], _ campaigns: [TestCampaign] = [], target: String? = "production") -> PromotionPath {
        PromotionPath(target: target, environments: environments.shuffled(), deployments: deployments, campaigns: campaigns)
    }

    @Test("the path runs through test, preproduction and production in order, leaving development out")
    func pathInOrder() {
        // when
        let toProduction = Self.path([]), toPreprod = Self.path([], target: "preprod"), toDev = Self.path([], target: "dev")
        // then
        #expect(toProduction.environments == ["recette", "preprod", "production"])
        #expect(toPreprod.environments == ["recette", "preprod"])
        #expect(toDev.environments == ["dev"])
        #expect(Self.path([], target: nil).stops.isEmpty)
        #expect(Self.path([], target: "elsewhere").stops.isEmpty)
    }

    @Test("each stop stands by its latest deployment and the tests run there since")
    func standings() {
        // given recette deployed and tested, preprod deployed then a failing campaign, production failed
        let deployments = [Self.deployed("recette", at: 1), Self.deployed("preprod", at: 5), Self.deployed("production", at: 9, .failed)]
        let campaigns = [Self.campaign("recette", at: 0, failed: 3), Self.campaign("recette", at: 2), Self.campaign("preprod", at: 6, failed: 1),
                         Self.campaign("recette", at: 7, kind: .performance)]
        // when
        let path = Self.path(deployments, campaigns)
        // then the campaign from before the deployment does not count
        #expect(path.stops.map(\.standing) == [.passed, .testsFailing, .failed])
        #expect(path.stops[0].campaigns.count == 2)
        #expect(path.current?.environment.name == "preprod")
        #expect(path.next?.environment.name == "production")
    }

    @Test("a later campaign of the same kind supersedes a failing one; a redeployment asks for tests again")
    func laterCampaigns() {
        // given
        let campaigns = [Self.campaign("recette", at: 2, failed: 2), Self.campaign("recette", at: 3)]
        // when
        let fixed = Self.path([Self.deployed("recette", at: 1)], campaigns)
        let redeployed = Self.path([Self.deployed("recette", at: 1), Self.deployed("recette", at: 4)], campaigns)
        let rolledBack = Self.path([Self.deployed("recette", at: 1), Self.deployed("recette", at: 4, .rolledBack)], campaigns)
        // then
        #expect(fixed.stops[0].standing == .passed)
        #expect(redeployed.stops[0].standing == .untested)
        #expect(rolledBack.stops[0].standing == .failed)
        #expect(rolledBack.current == nil)
        #expect(rolledBack.next?.environment.name == "recette")
    }

    @Test("an environment waits for a success and passing tests on the one before it")
    func blockers() {
        // given recette deployed but untested
        let path = Self.path([Self.deployed("recette", at: 1)])
        // when
        let blocker = path.blocker(before: "preprod")
        // then
        #expect(blocker == PromotionPath.Blocker(environment: "preprod", previous: "recette", standing: .untested))
        #expect(blocker?.english == "no test campaign was run on recette since it was deployed there")
        #expect(path.blocker(before: "preprod", requiringTests: false) == nil)
        #expect(path.blocker(before: "recette") == nil)
        #expect(path.blocker(before: "dev") == nil)
        #expect(path.blockerOnTheWay(requiringTests: false)?.previous == "preprod")
    }

    @Test("the promotion rule fails at the gate while an environment on the way blocks, and names it")
    func rule() throws {
        // given
        let policy = try PolicyDocument.parse("""
            version: 1
            rules:
              - id: promote-in-turn
                kind: promotion
            """)
        let rule = try #require(policy.rules.first as? PromotionRule)
        var dossier = ReleaseDossier(release: Paris.release("2027-01-12 20:00", "2027-01-12 23:00"), now: Paris.at("2027-01-10 09:00"))
        let context = PolicyContext(clock: Paris.clock, target: .ready)
        // when
        dossier.promotion = Self.path([Self.deployed("recette", at: 1)], [Self.campaign("recette", at: 2)])
        let blocked = rule.evaluate(dossier, context: context)
        dossier.promotion = Self.path([Self.deployed("recette", at: 1), Self.deployed("preprod", at: 3)],
                                      [Self.campaign("recette", at: 2), Self.campaign("preprod", at: 4)])
        let through = rule.evaluate(dossier, context: context)
        // then
        #expect(rule.gates == [.ready])
        #expect(blocked.verdict == .fail)
        #expect(blocked.explanation.en == "it cannot reach production: it is not deployed on preprod yet (rule `promote-in-turn`)")
        #expect(blocked.explanation.fr.contains("n'est pas encore déployée sur preprod"))
        #expect(through.verdict == .pass)
        #expect(through.explanation.en == "it went through recette, preprod first (rule `promote-in-turn`)")
    }

    @Test("an environment mirrors another that exists, never itself nor through a loop")
    func mirrors() throws {
        // given preprod mirrors production
        let recette = Self.environments[1], production = Self.environments[3]
        // when / then
        try Environment.validateMirror("preprod", of: recette, among: Self.environments)
        #expect(throws: CoreError.invalid([FieldError("mirrors", "an environment cannot mirror itself")])) {
            try Environment.validateMirror("recette", of: recette, among: Self.environments)
        }
        #expect(throws: CoreError.invalid([FieldError("mirrors", "names no environment: qa")])) {
            try Environment.validateMirror("qa", of: recette, among: Self.environments)
        }
        #expect(throws: CoreError.invalid([FieldError("mirrors", "would make a loop of mirrors: production → preprod → production")])) {
            try Environment.validateMirror("preprod", of: production, among: Self.environments)
        }
    }
}
