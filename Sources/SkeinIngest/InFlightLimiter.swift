import Synchronization

/// Bounds the bytes of export requests being decoded or written at once, so memory stays
/// bounded under any load: over the bound a request is refused at once with a retryable error
/// instead of queueing.
package final class InFlightLimiter: Sendable {
    package let limitBytes: Int
    private let inFlight = Mutex(0)

    package init(limitBytes: Int) { self.limitBytes = limitBytes }

    /// Takes `bytes` of the budget, or returns false when that would pass the limit. A request is
    /// always admitted when nothing else is in flight, so one larger than the limit (but within
    /// the transport's maximum message size) can still get through alone.
    package func tryAcquire(_ bytes: Int) -> Bool {
        inFlight.withLock { current in
            guard current == 0 || current + bytes <= limitBytes else { return false }
            current += bytes
            return true
        }
    }

    package func release(_ bytes: Int) {
        inFlight.withLock { $0 -= bytes }
    }

    /// Bytes currently admitted.
    package var inFlightBytes: Int { inFlight.withLock { $0 } }
}
