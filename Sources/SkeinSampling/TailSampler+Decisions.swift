import SkeinCore

extension TailSampler {
    /// One decision pass: decides every trace whose wait is over (and the oldest while over a
    /// bound, e.g. after reloading a large buffer), and retries kept traces storage refused.
    package func decideDue() async {
        let now = clock.nowNanos()
        let (taken, unwritten) = buffer.withLock { buffer in
            (buffer.takeDue(nowNanos: now) + buffer.takeOverflow(), buffer.takeUnwritten())
        }
        await settle(taken: taken, raced: [], retry: unwritten)
    }

    /// Decision passes every tick (a tenth of `decision_wait`, between 10 ms and 1 s) until the
    /// task is cancelled. Held traces stay in the durable buffer when it stops.
    package func run() async {
        let tick = min(1_000_000_000, max(10_000_000, configuration.decisionWaitNanos / 10))
        while !Task.isCancelled {
            do {
                try await clock.sleep(nanoseconds: tick)
            } catch {
                return
            }
            await decideDue()
        }
    }

    /// Decides taken traces, applies decisions to fragments that raced one, writes kept traces
    /// to storage and removes decided fragments from the durable buffer. Never throws: kept
    /// traces storage refuses are kept for the next tick.
    func settle(taken: [TailBuffer.TakenTrace], raced: [(fragment: HeldFragment, decision: CachedDecision)],
                retry: [TailBuffer.UnwrittenTrace] = []) async {
        guard !taken.isEmpty || !raced.isEmpty || !retry.isEmpty else { return }
        let now = clock.nowNanos()
        let decisions = taken.map { trace in
            evaluator.decide(traceID: trace.key.traceID, groups: trace.fragments.map(\.group), nowNanos: now)
        }
        let finished = buffer.withLock { buffer in
            zip(taken, decisions).map { trace, decision in
                buffer.finish(trace.key, decision: CachedDecision(kept: decision.kept, inclusion: decision.inclusion))
            }
        }

        var keep = retry
        var release: [HeldFragment.ID] = []
        var delta = SamplingCounters.Snapshot()
        for ((trace, decision), finish) in zip(zip(taken, decisions), finished) {
            let fragments = trace.fragments + finish.late
            if let early = trace.early { delta.earlyDecisions[early.rawValue, default: 0] += 1 }
            if decision.kept, let reason = decision.reason {
                delta.tracesKept[reason, default: 0] += 1
                keep.append(.init(key: trace.key, inclusion: decision.inclusion, fragments: fragments,
                                  bytes: fragments.reduce(0) { $0 + $1.estimatedBytes }))
            } else {
                delta.tracesDropped += 1
                delta.spansDroppedTail += fragments.reduce(0) { $0 + $1.group.spans.count }
                release += fragments.map(\.id)
            }
        }
        for (fragment, decision) in raced {
            let spans = fragment.group.spans.count
            if decision.kept {
                delta.lateSpansKept += spans
                keep.append(.init(key: TraceKey(tenant: fragment.id.tenant, traceID: fragment.id.traceID),
                                  inclusion: decision.inclusion, fragments: [fragment], bytes: fragment.estimatedBytes))
            } else {
                delta.lateSpansDropped += spans
                release.append(fragment.id)
            }
        }
        release += await write(keep, counting: &delta)
        if !release.isEmpty {
            do {
                try await storage.release(release)
            } catch {
                // Harmless but wasteful: they are decided again after a restart.
                logger.warning("cannot remove decided spans from the tail buffer", metadata: ["error": "\(error)"])
            }
        }
        // Counters first: once the buffer shows the traces gone, their outcome is counted.
        counters.update { totals in totals.add(delta) }
        buffer.withLock { buffer in
            buffer.settled(traces: taken.count, bytes: finished.reduce(0) { $0 + $1.bytes }, spans: finished.reduce(0) { $0 + $1.spans })
        }
    }

    /// Hands kept traces to storage in batches of about `writeChunkSpans` spans, each span once,
    /// with its `th` adjusted to how the trace was kept. Returns the fragments now stored;
    /// traces of a refused batch wait in the buffer for the next tick.
    private func write(_ traces: [TailBuffer.UnwrittenTrace], counting delta: inout SamplingCounters.Snapshot) async -> [HeldFragment.ID] {
        var stored: [HeldFragment.ID] = []
        var chunk: [TailBuffer.UnwrittenTrace] = []
        var chunkSpans = 0
        // Traces of one tenant go together: a batch belongs to one tenant.
        let byTenant = Dictionary(grouping: traces, by: \.key.tenant)
        for (tenant, traces) in byTenant {
            for (index, trace) in traces.enumerated() {
                chunk.append(trace)
                chunkSpans += trace.fragments.reduce(0) { $0 + $1.group.spans.count }
                guard chunkSpans >= Self.writeChunkSpans || index == traces.count - 1 else { continue }
                let batch = SpanBatch(tenant: tenant, groups: chunk.flatMap(Self.groups))
                do {
                    try await next.consume(batch)
                    delta.spansForwarded += batch.spanCount
                    stored += chunk.flatMap { $0.fragments.map(\.id) }
                } catch {
                    delta.writeFailures += 1
                    logger.warning("storage refused kept traces; retrying next tick",
                                   metadata: ["traces": "\(chunk.count)", "error": "\(error)"])
                    buffer.withLock { buffer in for trace in chunk { buffer.addUnwritten(trace) } }
                }
                chunk = []
                chunkSpans = 0
            }
        }
        return stored
    }

    /// A kept trace's groups: each span once (a retried request may have been held twice), with
    /// `th` adjusted to the decision.
    private static func groups(of trace: TailBuffer.UnwrittenTrace) -> [ResourceGroup] {
        var seen = Set<SpanIdentity>()
        return trace.fragments.compactMap { fragment in
            var group = fragment.group
            group.spans = group.spans.compactMap { span in
                guard seen.insert(SpanIdentity(span)).inserted else { return nil }
                return SpanThreshold.apply(trace.inclusion, to: span)
            }
            return group.spans.isEmpty ? nil : group
        }
    }
}

/// Enough of a span to recognise the same span held twice.
private struct SpanIdentity: Hashable {
    var spanID: SpanID
    var startNanos: UInt64
    var endNanos: UInt64

    init(_ span: BatchSpan) {
        spanID = span.spanID
        startNanos = span.startNanos
        endNanos = span.endNanos
    }
}

extension SamplingCounters.Snapshot {
    mutating func add(_ other: Self) {
        spansReceived += other.spansReceived
        spansForwarded += other.spansForwarded
        spansDroppedHead += other.spansDroppedHead
        spansDroppedTail += other.spansDroppedTail
        lateSpansKept += other.lateSpansKept
        lateSpansDropped += other.lateSpansDropped
        tracesKept.merge(other.tracesKept, uniquingKeysWith: +)
        tracesDropped += other.tracesDropped
        earlyDecisions.merge(other.earlyDecisions, uniquingKeysWith: +)
        tracesReloaded += other.tracesReloaded
        writeFailures += other.writeFailures
    }
}
