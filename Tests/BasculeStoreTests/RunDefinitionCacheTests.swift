import BasculeCore
@testable import BasculeStore
import Testing

@Suite("Decoded run definitions")
struct RunDefinitionCacheTests {
    private func definitions(_ count: Int) -> RunDefinitionCache.Entry {
        RunDefinitionCache.Entry(
            steps: (0..<count).map { RunStepDefinition(step: RunbookStep(key: "S\($0)", title: "Step \($0)", plannedDuration: 60), segment: .main) }, rollback: [])
    }

    @Test("a thousand runs of forty steps stay decoded together")
    func manySmallRuns() {
        // given
        let cache = RunDefinitionCache()
        // when
        for run in 0..<1000 { cache.store(definitions(40), run: "run-\(run)", revision: 1) }
        // then
        #expect((0..<1000).allSatisfy { cache.entry("run-\($0)", revision: 1) != nil })
    }

    @Test("past the budget the oldest runs leave first, and the newest stays even when it alone is over")
    func oldestLeave() {
        // given
        let cache = RunDefinitionCache()
        let half = RunDefinitionCache.capacity / 2
        // when
        cache.store(definitions(half), run: "old", revision: 1)
        cache.store(definitions(half), run: "middle", revision: 1)
        cache.store(definitions(10), run: "new", revision: 1)
        cache.store(definitions(RunDefinitionCache.capacity + 1), run: "huge", revision: 1)
        // then
        #expect(cache.entry("old", revision: 1) == nil)
        #expect(cache.entry("middle", revision: 1) == nil)
        #expect(cache.entry("new", revision: 1) == nil)
        #expect(cache.entry("huge", revision: 1) != nil)
    }
}
