import Synchronization

/// Hands out requests to workers: a running index (which also seeds the request's IDs, so a
/// seed gives the same traces whatever order workers take them in) and, for `--traces`, how
/// many traces are still to send.
final class RequestSource: Sendable {
    struct Work: Sendable {
        var index: Int
        var template: Int
        /// Traces to take from the template: all of them, or fewer for the last request.
        var traces: Int
    }

    private let traceCounts: [Int]
    private let state: Mutex<(next: Int, tracesLeft: Int?)>

    init(traceCounts: [Int], traceLimit: Int?) {
        self.traceCounts = traceCounts
        state = Mutex((0, traceLimit))
    }

    /// The next request, or nil when `--traces` have all been handed out.
    func take() -> Work? {
        guard !traceCounts.isEmpty else { return nil }
        return state.withLock { state in
            if let left = state.tracesLeft, left <= 0 { return nil }
            let template = state.next % traceCounts.count
            var traces = traceCounts[template]
            if let left = state.tracesLeft {
                traces = min(traces, left)
                state.tracesLeft = left - traces
            }
            defer { state.next += 1 }
            return Work(index: state.next, template: template, traces: traces)
        }
    }
}

/// Spaces requests so all workers together send `spansPerSecond`. Each request books a slot
/// as long as its spans take at the rate; a slot never starts more than 100 ms in the past,
/// so after a stall the generator catches up with a short burst, not a flood.
final class Pacer: Sendable {
    let spansPerSecond: Double
    private let next = Mutex<ContinuousClock.Instant?>(nil)

    init(spansPerSecond: Double) { self.spansPerSecond = spansPerSecond }

    func slot(for spans: Int, now: ContinuousClock.Instant = .now) -> ContinuousClock.Instant {
        next.withLock { next in
            let start = max(next ?? now, now - .milliseconds(100))
            next = start + .seconds(Double(spans) / spansPerSecond)
            return start
        }
    }
}
