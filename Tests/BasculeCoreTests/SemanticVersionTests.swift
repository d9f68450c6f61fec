import BasculeCore
import Testing

@Suite("Semantic versions")
struct SemanticVersionTests {
    @Test("the precedence example of SemVer 2.0.0 §11 is ordered")
    func specOrdering() throws {
        // given
        let ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1"]
        // when
        let versions = try ordered.map { try #require(SemanticVersion($0)) }
        // then
        for (lower, higher) in zip(versions, versions.dropFirst()) {
            #expect(lower < higher, "\(lower) should precede \(higher)")
            #expect(!(higher < lower))
        }
    }

    @Test("numbers compare as numbers, not text")
    func numericCompare() throws {
        #expect(try #require(SemanticVersion("1.9.0")) < #require(SemanticVersion("1.10.0")))
    }

    @Test("build metadata does not change precedence")
    func buildIgnored() throws {
        #expect(try #require(SemanticVersion("1.0.0+build.1")) == #require(SemanticVersion("1.0.0+build.2")))
    }

    @Test("a leading v is tolerated")
    func leadingV() {
        #expect(SemanticVersion("v2.4.0")?.description == "2.4.0")
    }

    @Test("non-semantic versions stay free text", arguments: ["2024.11", "FW 7.4.3", "1.2", "01.2.3", "1.2.3-", "1.2.3-01", "n/a", ""])
    func notSemantic(text: String) {
        #expect(SemanticVersion(text) == nil)
    }

    @Test("free-text versions sort after semantic ones")
    func mixedOrdering() {
        let sorted = ["n/a", "10.0.0", "2.0.0", "2024.11"].sorted(by: versionPrecedes)
        #expect(sorted == ["2.0.0", "10.0.0", "2024.11", "n/a"])
    }
}
