import Foundation

/// Runs blocking work (waiting for a child process) on a thread of its own, so that it does not
/// hold one of the few threads of Swift's cooperative pool (two on a 2-core machine) that the
/// suite's async tests need: a test that waits 20 s for a 50 MB case would otherwise stall
/// timing-sensitive library tests running beside it. The work must not record issues
/// (`#expect` needs the test's task); return what to check instead.
enum OffPool {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }
}
