import Foundation

/// Runs blocking work (a child process, a compiler) on a thread of its own: a synchronous wait
/// on one of the cooperative pool's two threads here stalls every async test beside it (a
/// cancellation test then measured 15 s instead of a few milliseconds). The work must not
/// record issues (`#expect` needs the test's task); return what to check instead.
enum OffPool {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }
}
