@testable import QGather
import Testing

@Suite struct SpreadQueueTests {
    @Test func queriesGoOutInOrderToWhicheverMemberAsks() {
        let queue = SpreadQueue(count: 3, memberCount: 2)
        #expect(queue.take(for: 1) == .run(0))
        #expect(queue.take(for: 0) == .run(1))
        #expect(queue.take(for: 1) == .run(2))
        #expect(queue.take(for: 0) == .wait)  // three still running: one may come back
        for i in 0..<3 { queue.finished(i) }
        #expect(queue.take(for: 0) == .done)
    }

    @Test func aQueryPutBackGoesToAnotherMemberOnly() {
        let queue = SpreadQueue(count: 1, memberCount: 3)
        #expect(queue.take(for: 0) == .run(0))
        #expect(queue.putBack(0, from: 0, memberDown: false))
        #expect(queue.take(for: 0) == .wait)
        #expect(queue.take(for: 2) == .run(0))
        #expect(queue.putBack(0, from: 2, memberDown: false))
        #expect(queue.take(for: 1) == .run(0))
        #expect(!queue.putBack(0, from: 1, memberDown: false))  // tried everywhere: its outcome stands
    }

    @Test func aMemberDownGetsNothingMoreAndStrandedQueriesComeBackWhenAllAreDown() {
        let queue = SpreadQueue(count: 3, memberCount: 2)
        #expect(queue.take(for: 0) == .run(0))
        #expect(queue.putBack(0, from: 0, memberDown: true))
        #expect(queue.memberDown(0).isEmpty)
        #expect(queue.take(for: 0) == .done)
        #expect(queue.take(for: 1) == .run(0))
        #expect(!queue.putBack(0, from: 1, memberDown: true))
        #expect(queue.memberDown(1).sorted() == [1, 2])
    }
}
