@testable import QGather
import Testing

@Suite struct SlotGateTests {
    @Test func aWaiterGetsTheSlotReleasedAndACancelledWaiterWithdraws() async throws {
        let gate = SlotGate(capacity: 1)
        try await gate.acquire()
        #expect(gate.freeSlots == 0)
        let cancelled = Task { try await gate.acquire() }
        let waiting = Task { try await gate.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        gate.release()
        try await waiting.value  // got the slot
        #expect(gate.freeSlots == 0)
        gate.release()
        #expect(gate.freeSlots == 1)
    }
}
