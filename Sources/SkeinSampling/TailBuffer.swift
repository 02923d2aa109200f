import SkeinCore

/// The tail sampler's state as a plain value: traces held until due, traces being decided, the
/// decision cache, and kept traces storage has not taken yet. The sampler changes it under one
/// lock; no method does I/O or evaluates policies (the sampler does both outside the lock).
struct TailBuffer {
    /// A trace waiting for its decision.
    struct HeldTrace {
        var firstSeenNanos: UInt64
        var fragments: [HeldFragment]
        var bytes: Int
        var spans: Int
    }

    /// A trace taken out for a decision; until `finish`, spans arriving for it wait beside it.
    struct TakenTrace {
        var key: TraceKey
        var fragments: [HeldFragment]
        /// Why it was decided before its wait was over; nil when it was due.
        var early: EarlyReason?
    }

    enum EarlyReason: String, Sendable, CaseIterable {
        case maxTraces = "max_traces"
        case maxBytes = "max_bytes"
    }

    /// A kept trace that storage refused; retried on every tick.
    struct UnwrittenTrace {
        var key: TraceKey
        var inclusion: Inclusion
        var fragments: [HeldFragment]
        var bytes: Int
    }

    let decisionWaitNanos: UInt64
    let maxTraces: Int
    let maxBytes: Int

    private var pending: [TraceKey: HeldTrace] = [:]
    /// Pending traces in arrival order (oldest first), for due and early decisions.
    private var arrivals = FIFOQueue<(key: TraceKey, firstSeenNanos: UInt64)>()
    private var deciding: [TraceKey: (bytes: Int, spans: Int, late: [HeldFragment])] = [:]
    private(set) var cache: DecisionCache
    private(set) var unwritten: [UnwrittenTrace] = []
    private(set) var unwrittenBytes = 0
    /// Bytes and spans of pending and deciding traces, and of decided ones still being written.
    private(set) var heldBytes = 0
    private(set) var heldSpans = 0
    /// Decided traces whose spans are still being written or removed (`finish` to `settled`).
    private var settlingTraces = 0

    init(configuration: TailSamplingConfiguration) {
        decisionWaitNanos = configuration.decisionWaitNanos
        maxTraces = configuration.maxTraces
        maxBytes = configuration.maxBytes
        cache = DecisionCache(capacity: configuration.decisionCacheSize)
    }

    /// Traces pending, being decided, or decided and still being written.
    var heldTraces: Int { pending.count + deciding.count + settlingTraces }

    func decision(for key: TraceKey) -> CachedDecision? { cache[key] }

    /// What happened to fragments handed to `admit`.
    struct Admission {
        /// Fragments whose trace was decided while they were being written: they follow it.
        var decided: [(fragment: HeldFragment, decision: CachedDecision)] = []
        /// The oldest traces, taken out to make room; decide and settle them, then admit
        /// `waiting` again.
        var early: [TakenTrace] = []
        /// Fragments not admitted yet for lack of room; never empty unless `early` is.
        var waiting: [HeldFragment] = []
    }

    /// Adds durable fragments to their traces (a new trace's wait starts at its first fragment).
    ///
    /// When they would take the buffer over `maxTraces` or `maxBytes`, it admits none of them
    /// and takes out the oldest pending traces instead, enough to make room once those are
    /// settled; the caller decides them and calls again. So the memory held stays within the
    /// bounds, except when nothing is left to take (every held trace is being decided, or one
    /// request alone is larger than the bound): then the fragments are admitted anyway.
    /// `applyingBounds` false (reloading at startup) admits everything; the first decision
    /// pass then takes the overflow.
    mutating func admit(_ fragments: [HeldFragment], applyingBounds: Bool = true) -> Admission {
        var admission = Admission()
        var toAdmit: [HeldFragment] = []
        var incomingBytes = 0
        var newTraces = Set<TraceKey>()
        for fragment in fragments {
            let key = TraceKey(tenant: fragment.id.tenant, traceID: fragment.id.traceID)
            if let decision = cache[key] {
                admission.decided.append((fragment, decision))
                continue
            }
            toAdmit.append(fragment)
            incomingBytes += fragment.estimatedBytes
            if pending[key] == nil && deciding[key] == nil { newTraces.insert(key) }
        }
        if applyingBounds {
            var takenBytes = 0
            while heldTraces - admission.early.count + newTraces.count > maxTraces
                    || heldBytes - takenBytes + incomingBytes > maxBytes, let oldest = arrivals.first {
                let early: EarlyReason = heldTraces - admission.early.count + newTraces.count > maxTraces ? .maxTraces : .maxBytes
                takenBytes += pending[oldest.key]!.bytes
                // A trace of this very request may go early: its new fragments then follow the decision.
                newTraces.remove(oldest.key)
                admission.early.append(takeOldest(early: early))
            }
            if !admission.early.isEmpty {
                admission.waiting = toAdmit
                return admission
            }
        }
        for fragment in toAdmit { add(fragment) }
        return admission
    }

    private mutating func add(_ fragment: HeldFragment) {
        let key = TraceKey(tenant: fragment.id.tenant, traceID: fragment.id.traceID)
        let bytes = fragment.estimatedBytes
        let spans = fragment.group.spans.count
        heldBytes += bytes
        heldSpans += spans
        if deciding[key] != nil {
            deciding[key]!.late.append(fragment)
            deciding[key]!.bytes += bytes
            deciding[key]!.spans += spans
            return
        }
        if pending[key] == nil {
            pending[key] = HeldTrace(firstSeenNanos: fragment.receivedNanos, fragments: [], bytes: 0, spans: 0)
            arrivals.append((key, fragment.receivedNanos))
        }
        pending[key]!.fragments.append(fragment)
        pending[key]!.bytes += bytes
        pending[key]!.spans += spans
    }

    /// Takes out every trace whose wait is over at `nowNanos`.
    mutating func takeDue(nowNanos: UInt64) -> [TakenTrace] {
        var taken: [TakenTrace] = []
        while let oldest = arrivals.first, oldest.firstSeenNanos &+ decisionWaitNanos <= nowNanos {
            taken.append(takeOldest(early: nil))
        }
        return taken
    }

    /// Takes out the oldest traces while more than `maxTraces` or `maxBytes` are held, not
    /// counting the traces taken here (they are freed as soon as the caller has decided them).
    /// Traces other calls are deciding or writing do count, so memory stays within the bounds
    /// once those finish, at the cost of deciding a few traces earlier than strictly needed.
    mutating func takeOverflow() -> [TakenTrace] {
        var taken: [TakenTrace] = []
        var takenBytes = 0
        while !arrivals.isEmpty {
            let early: EarlyReason
            if heldTraces - taken.count > maxTraces {
                early = .maxTraces
            } else if heldBytes - takenBytes > maxBytes {
                early = .maxBytes
            } else {
                break
            }
            takenBytes += pending[arrivals.first!.key]!.bytes
            taken.append(takeOldest(early: early))
        }
        return taken
    }

    private mutating func takeOldest(early: EarlyReason?) -> TakenTrace {
        let key = arrivals.popFirst()!.key
        let trace = pending.removeValue(forKey: key)!
        deciding[key] = (trace.bytes, trace.spans, [])
        return TakenTrace(key: key, fragments: trace.fragments, early: early)
    }

    /// Records the decision of a taken trace and returns the fragments that arrived for it
    /// meanwhile (they follow the decision too), with the bytes and spans the trace holds; from
    /// now on its spans count as held until `settled`.
    mutating func finish(_ key: TraceKey, decision: CachedDecision) -> (late: [HeldFragment], bytes: Int, spans: Int) {
        cache.record(decision, for: key)
        guard let entry = deciding.removeValue(forKey: key) else { return ([], 0, 0) }
        settlingTraces += 1
        return (entry.late, entry.bytes, entry.spans)
    }

    /// Decided traces are written (or handed to `addUnwritten`) and removed: their memory is free.
    mutating func settled(traces: Int, bytes: Int, spans: Int) {
        settlingTraces -= traces
        heldBytes -= bytes
        heldSpans -= spans
    }

    /// Keeps a kept trace that storage refused, to retry later.
    mutating func addUnwritten(_ trace: UnwrittenTrace) {
        unwritten.append(trace)
        unwrittenBytes += trace.bytes
    }

    mutating func takeUnwritten() -> [UnwrittenTrace] {
        defer {
            unwritten = []
            unwrittenBytes = 0
        }
        return unwritten
    }
}

extension HeldFragment {
    /// Memory a held fragment takes, roughly: its bytes plus per-object overhead. Resource bytes
    /// shared by fragments of one request are counted for each, which errs on the safe side.
    var estimatedBytes: Int {
        var bytes = 128 + group.encodedResourceScope.count + group.serviceName.utf8.count
        for attribute in group.resourceAttributes { bytes += 40 + attribute.key.utf8.count + attribute.value.utf8.count }
        for span in group.spans {
            bytes += 200 + span.encodedSpan.count + span.name.utf8.count + span.traceState.utf8.count + (span.peerService?.utf8.count ?? 0)
            for attribute in span.attributes { bytes += 40 + attribute.key.utf8.count + attribute.value.utf8.count }
        }
        return bytes
    }
}
