@testable import QGather
import Testing

/// A connection's thread knows itself: the debug watchdog that guards every handle relies on it.
@Suite struct ConnectionThreadTests {
    @Test func aThreadKnowsItsOwnJobsFromEveryoneElse() async throws {
        let first = ConnectionThread(name: "qgt-first")
        let second = ConnectionThread(name: "qgt-second")
        #expect(!first.isCurrent)
        #expect(try await first.run { first.isCurrent })
        #expect(try await second.run { !first.isCurrent && second.isCurrent })
        first.stop()
        second.stop()
    }
}
