import Synchronization

/// The run's counters. Requests count once however often they were retried; attempts count
/// every send. A span is acknowledged, rejected (partial success, never retried) or failed
/// (a permanent refusal, or retries used up): never two of these.
package struct RunCounters: Sendable, Equatable {
    package var requestsSent = 0
    package var requestsAcknowledged = 0
    package var requestsFailed = 0
    package var attempts = 0
    package var retries = 0
    package var tracesSent = 0
    package var tracesAcknowledged = 0
    package var spansSent = 0
    package var spansAcknowledged = 0
    package var spansRejected = 0
    package var spansFailed = 0
    /// Retryable refusals (each attempt refused), by code: `UNAVAILABLE`, `HTTP 503`, `connection error`.
    package var refusals: [String: Int] = [:]
    /// Requests given up on, by the code of their last answer.
    package var failures: [String: Int] = [:]
    /// Every attempt's latency, from send to answer (or error).
    package var latency = LatencyHistogram()
    /// Bytes sent on the wire (after gzip for HTTP), first attempts only.
    package var bytesSent = 0

    package init() {}

    package var refusalCount: Int { refusals.values.reduce(0, +) }
}

/// `RunCounters` shared by the workers and the progress reporter.
final class RunStats: Sendable {
    private let state = Mutex(RunCounters())

    func update(_ body: (inout RunCounters) -> Void) { state.withLock { body(&$0) } }
    var snapshot: RunCounters { state.withLock { $0 } }
}
