package import Prometheus
import Synchronization

/// Exports a count that another component already keeps (such as the sampling counters) as a
/// Prometheus counter, so the count lives in one place: at scrape time `sync(to:)` adds what
/// the source counted since the previous scrape.
package final class MirroredCounter: Sendable {
    private let counter: Prometheus.Counter
    private let exported = Mutex(0)

    package init(_ counter: Prometheus.Counter) { self.counter = counter }

    /// Brings the exported value up to `total`, the source's count since startup. A source
    /// count never goes down; if it ever did, the counter keeps its value rather than breaking
    /// Prometheus's rule that counters only rise.
    package func sync(to total: Int) {
        exported.withLock { exported in
            guard total > exported else { return }
            counter.increment(by: Int64(total - exported))
            exported = total
        }
    }
}
