import Synchronization

/// Counts of what sampling did, by reason: the status endpoint shows them and /metrics can
/// export them. Updated once per batch or decision, never per span log line.
package final class SamplingCounters: Sendable {
    package struct Snapshot: Sendable, Equatable {
        /// Spans that entered the sampling stage.
        package var spansReceived = 0
        /// Spans handed to storage (kept by head sampling and, with tail sampling, by a decision).
        package var spansForwarded = 0
        /// Spans dropped by head sampling.
        package var spansDroppedHead = 0
        /// Spans of traces that no tail policy kept.
        package var spansDroppedTail = 0
        /// Spans that arrived after their trace was decided and followed the decision.
        package var lateSpansKept = 0
        package var lateSpansDropped = 0
        /// Traces kept, by the name of the policy that kept them.
        package var tracesKept: [String: Int] = [:]
        /// Traces no policy kept.
        package var tracesDropped = 0
        /// Traces decided before their wait was over, by bound (`max_traces`, `max_bytes`).
        package var earlyDecisions: [String: Int] = [:]
        /// Held traces found in the durable buffer at startup.
        package var tracesReloaded = 0
        /// Times storage refused kept traces (they are retried every tick).
        package var writeFailures = 0
    }

    private let state = Mutex(Snapshot())

    package init() {}

    package var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ body: (inout Snapshot) -> Void) { state.withLock { body(&$0) } }
}
