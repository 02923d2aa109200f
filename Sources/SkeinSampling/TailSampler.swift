package import Logging
package import SkeinCore
import Synchronization

/// Holds spans per trace until the trace's decision is due (`decision_wait` after its first
/// span), then keeps or drops the whole trace by policy. Held spans are written to durable
/// storage before `consume` returns, so an acknowledged span survives kill -9; they are removed
/// once decided (kept ones after storage has them). Memory is bounded by `max_traces` and
/// `max_bytes`: over either, the oldest traces are decided early.
///
/// The state is one `TailBuffer` behind a `Mutex` rather than an actor: every critical section
/// is short and synchronous, and the I/O (durable buffer, storage) runs outside it, which keeps
/// the reasoning about spans arriving mid-decision in one place (`TailBuffer.admit`/`finish`).
package final class TailSampler: Sendable {
    let configuration: TailSamplingConfiguration
    let evaluator: PolicyEvaluator
    let storage: any TailBufferStorage
    let next: any SpanBatchConsumer
    let clock: any SamplingClock
    let counters: SamplingCounters
    let logger: Logger
    let buffer: Mutex<TailBuffer>
    /// The next fragment sequence number; starts above every reloaded one.
    private let sequence: Atomic<UInt64>
    /// Most spans handed to storage in one batch when writing decided traces.
    static let writeChunkSpans = 4_096

    /// `reloaded` are the fragments the durable buffer held at startup; their traces are due a
    /// wait after their first fragment was received, which may already be over.
    package init(configuration: TailSamplingConfiguration, next: any SpanBatchConsumer, storage: any TailBufferStorage,
                 reloaded: [HeldFragment] = [], clock: any SamplingClock, counters: SamplingCounters, logger: Logger) throws {
        self.configuration = configuration
        self.evaluator = try PolicyEvaluator(policies: configuration.policies)
        self.storage = storage
        self.next = next
        self.clock = clock
        self.counters = counters
        self.logger = logger
        var buffer = TailBuffer(configuration: configuration)
        // Oldest first, so the arrival queue is in first-seen order; bounds apply at the first tick.
        let ordered = reloaded.sorted { ($0.receivedNanos, $0.id.sequence) < ($1.receivedNanos, $1.id.sequence) }
        _ = buffer.admit(ordered, applyingBounds: false)
        let traces = Set(ordered.map { TraceKey(tenant: $0.id.tenant, traceID: $0.id.traceID) })
        self.buffer = Mutex(buffer)
        let highest = reloaded.map(\.id.sequence).max() ?? 0
        sequence = Atomic(max(highest + 1, clock.nowNanos()))
        counters.update { $0.tracesReloaded += traces.count }
    }

    /// Held traces, spans and bytes, decisions cached, and kept bytes waiting for storage.
    package var bufferStatus: (traces: Int, spans: Int, bytes: Int, cachedDecisions: Int, unwrittenBytes: Int) {
        buffer.withLock { ($0.heldTraces, $0.heldSpans, $0.heldBytes + $0.unwrittenBytes, $0.cache.count, $0.unwrittenBytes) }
    }

    /// Holds the batch's spans of undecided traces (durably, before returning), applies cached
    /// decisions to spans of decided ones, and forwards the batch, with its other data and only
    /// the spans to store now, even when that leaves it no spans.
    func consume(_ batch: SpanBatch) async throws {
        let now = clock.nowNanos()
        let tenant = batch.tenant
        var traceIDs = Set<TraceID>()
        for group in batch.groups { for span in group.spans { traceIDs.insert(span.traceID) } }
        let known: [TraceID: CachedDecision] = try buffer.withLock { buffer in
            // Kept traces storage keeps refusing must not pile up without bound.
            guard buffer.unwrittenBytes < buffer.maxBytes else { throw TailSamplingError.storageBacklog(bytes: buffer.unwrittenBytes) }
            var known: [TraceID: CachedDecision] = [:]
            for traceID in traceIDs {
                if let decision = buffer.decision(for: TraceKey(tenant: tenant, traceID: traceID)) { known[traceID] = decision }
            }
            return known
        }

        var forward: [ResourceGroup] = []
        var fragments: [HeldFragment] = []
        var lateKept = 0
        var lateDropped = 0
        for group in batch.groups {
            var kept: [BatchSpan] = []
            var held: [TraceID: [BatchSpan]] = [:]
            var heldOrder: [TraceID] = []
            for span in group.spans {
                if let decision = known[span.traceID] {
                    if decision.kept {
                        kept.append(SpanThreshold.apply(decision.inclusion, to: span))
                        lateKept += 1
                    } else {
                        lateDropped += 1
                    }
                } else {
                    if held[span.traceID] == nil { heldOrder.append(span.traceID) }
                    held[span.traceID, default: []].append(span)
                }
            }
            if !kept.isEmpty {
                var out = group
                out.spans = kept
                forward.append(out)
            }
            for traceID in heldOrder {
                var fragment = group
                fragment.spans = held[traceID]!
                let id = HeldFragment.ID(tenant: tenant, traceID: traceID, sequence: sequence.add(1, ordering: .relaxed).oldValue)
                fragments.append(HeldFragment(id: id, receivedNanos: now, group: fragment))
            }
        }

        if !fragments.isEmpty { try await storage.hold(fragments) }
        // Durable now; into memory once there is room: over a bound, the oldest traces are
        // decided and written first, so what is held never grows past it.
        var waiting = fragments
        var raced: [(fragment: HeldFragment, decision: CachedDecision)] = []
        while !waiting.isEmpty {
            let admission = buffer.withLock { $0.admit(waiting) }
            raced += admission.decided
            waiting = admission.waiting
            if !admission.early.isEmpty { await settle(taken: admission.early, raced: []) }
        }

        var out = batch
        out.groups = forward
        do {
            try await next.consume(out)
        } catch {
            // The held fragments are durable and admitted; the ones that raced a decision must
            // still follow it.
            await settle(taken: [], raced: raced)
            throw error
        }
        counters.update {
            $0.lateSpansKept += lateKept
            $0.lateSpansDropped += lateDropped
            $0.spansForwarded += lateKept
        }
        await settle(taken: [], raced: raced)
    }
}

/// Why the tail sampler refused a batch; the sender should retry later.
package enum TailSamplingError: Error, CustomStringConvertible, RetryableError {
    case storageBacklog(bytes: Int)

    package var description: String {
        switch self {
        case .storageBacklog(let bytes):
            "tail sampling holds \(bytes) bytes of kept traces that storage has not accepted yet (sampling.tail.max_bytes reached); retry later"
        }
    }

    package var retryAfterSeconds: Int { 5 }
}
