@testable import BasculeServer
import Foundation
import Testing

@Suite("Run events on one replica")
struct RunEventsTests {
    private func events(_ sequences: ClosedRange<Int>) -> @Sendable (Int) -> [RunEvent] {
        { after in sequences.filter { $0 > after }.map { RunEvent(sequence: $0, text: "\($0)") } }
    }

    private func first(_ count: Int, of stream: AsyncStream<RunEvent>) async -> [Int] {
        var iterator = stream.makeAsyncIterator(), sequences: [Int] = []
        while sequences.count < count, let event = await iterator.next() { sequences.append(event.sequence) }
        return sequences
    }

    @Test("an action published while a watcher's replay is read, and in that replay, is not sent again")
    func heldAndInReplay() async {
        // given a watcher whose replay is being read
        let fanOut = RunEvents(), run = UUID()
        let (watcher, stream) = await fanOut.watchBeforeReplay(run)
        // when action 2 is heard meanwhile, the replay ends at 2, then action 3 comes
        await fanOut.publish(run, upTo: 2, build: events(1...2))
        await fanOut.replayed(run, watcher: watcher, upTo: 2)
        await fanOut.publish(run, upTo: 3, build: events(1...3))
        // then
        #expect(await first(1, of: stream) == [3])
    }

    @Test("an action published while a watcher's replay is read, and not in that replay, is sent after it")
    func heldAndMissing() async {
        // given
        let fanOut = RunEvents(), run = UUID()
        let (watcher, stream) = await fanOut.watchBeforeReplay(run)
        // when the replay ended at 1 but action 2 was published meanwhile
        await fanOut.publish(run, upTo: 2, build: events(1...2))
        await fanOut.replayed(run, watcher: watcher, upTo: 1)
        await fanOut.publish(run, upTo: 3, build: events(1...3))
        // then
        #expect(await first(2, of: stream) == [2, 3])
    }
}
