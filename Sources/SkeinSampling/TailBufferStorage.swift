package import SkeinCore
import Foundation

/// Where the tail sampler keeps held spans durable (SkeinStorage's `tail` column family in the
/// server; a dictionary in tests). Fragments are loaded back by the owner at startup and passed
/// to `TailSampler.init`.
package protocol TailBufferStorage: Sendable {
    /// Returns once every fragment is in the write-ahead log: only then may the spans in them be
    /// acknowledged. Throws a `RetryableError` when nothing was written.
    func hold(_ fragments: [HeldFragment]) async throws

    /// Removes decided fragments. Unknown IDs are ignored. A failure leaves them held; they are
    /// decided again after a restart, and rewriting a kept trace is idempotent.
    func release(_ ids: [HeldFragment.ID]) async throws
}

/// Time for the tail sampler, injected so tests decide when traces come due.
package protocol SamplingClock: Sendable {
    /// Wall-clock nanoseconds since the Unix epoch. Wall time, not a monotonic clock, because it
    /// is stored with held spans and compared again after a restart.
    func nowNanos() -> UInt64
    /// Suspends for the given nanoseconds; throws `CancellationError` when the task is cancelled.
    func sleep(nanoseconds: UInt64) async throws
}

/// The system clock.
package struct SystemSamplingClock: SamplingClock {
    package init() {}

    package func nowNanos() -> UInt64 {
        UInt64(Date().timeIntervalSince1970 * 1_000_000_000)
    }

    package func sleep(nanoseconds: UInt64) async throws {
        try await Task.sleep(nanoseconds: nanoseconds)
    }
}
