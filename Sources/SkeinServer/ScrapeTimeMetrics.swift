import Prometheus
import SkeinIngest
import SkeinOTLP
import SkeinRollups
import SkeinSampling
import SkeinStorage
import SkeinTail
import SkeinTelemetry
import Synchronization

/// The metrics read at scrape time rather than updated as things happen: sizes (RocksDB, rollups
/// waiting for a flush, the tail-sampling buffer), bytes in flight, and the sampling counters,
/// which `SamplingCounters` already keeps and are mirrored here instead of being counted twice.
/// `GET /metrics` calls `update()` just before rendering, so nothing runs between scrapes.
final class ScrapeTimeMetrics: Sendable {
    private let store: SpanStore
    private let limiter: InFlightLimiter
    private let rollups: RollupStage
    private let sampling: SamplingStage?
    private let hub: SpanTailHub
    private let telemetry: Telemetry
    private let gauges: [Gauge: Prometheus.Gauge]
    private let counters: [SampledCount: MirroredCounter]
    private let liveTailDropped: MirroredCounter
    private let redaction: RedactionCounters
    /// Redaction and span-limit counts, mirrored from `RedactionCounters`.
    private let redactionCounters: [(counter: MirroredCounter, total: @Sendable (RedactionCounters.Snapshot) -> Int)]
    /// `tracesKept` by policy and `earlyDecisions` by bound, made as names first appear.
    private let keyedCounters = Mutex<[String: MirroredCounter]>([:])

    /// The RocksDB properties exported, each summed over every column family.
    static let rocksDBProperties: [(property: String, name: String)] = [
        ("rocksdb.total-sst-files-size", "total_sst_files_size"),
        ("rocksdb.estimate-live-data-size", "estimate_live_data_size"),
        ("rocksdb.estimate-pending-compaction-bytes", "estimate_pending_compaction"),
    ]

    private enum Gauge: Hashable {
        case rocksDB(String), inFlight, inFlightLimit, rollupEntries, dependencySpans
        case tailTraces, tailSpans, tailBytes, tailDecisions, liveTailSubscribers
    }

    private enum SampledCount: CaseIterable {
        case received, forwarded, droppedHead, droppedTail, droppedLate, lateKept, tracesDropped, writeFailures
    }

    init(telemetry: Telemetry, store: SpanStore, limiter: InFlightLimiter, rollups: RollupStage, sampling: SamplingStage?, hub: SpanTailHub,
         redaction: RedactionCounters) {
        self.telemetry = telemetry
        self.redaction = redaction
        let redacted = { (action: String) in
            MirroredCounter(telemetry.counter("redaction", "attributes", help: "Attributes redaction rules changed before storage, by action: drop, hash, mask.",
                                              labels: [("action", action)]))
        }
        let limited = { (what: String) in
            MirroredCounter(telemetry.counter("ingest", "span_limit_hits", help: "What the span limits cut: attributes, events and links dropped, values truncated, requests refused for too many spans.",
                                              labels: [("what", what)]))
        }
        redactionCounters = [
            (redacted("drop"), { @Sendable in $0.attributesDropped }), (redacted("hash"), { @Sendable in $0.valuesHashed }), (redacted("mask"), { @Sendable in $0.valuesMasked }),
            (limited("attributes"), { @Sendable in $0.attributesOverLimit }), (limited("values_truncated"), { @Sendable in $0.valuesTruncated }),
            (limited("events"), { @Sendable in $0.eventsOverLimit }), (limited("links"), { @Sendable in $0.linksOverLimit }),
            (limited("requests_over_span_limit"), { @Sendable in $0.requestsOverSpanLimit }),
        ]
        self.store = store
        self.limiter = limiter
        self.rollups = rollups
        self.sampling = sampling
        self.hub = hub
        var gauges: [Gauge: Prometheus.Gauge] = [:]
        for (property, name) in Self.rocksDBProperties {
            gauges[.rocksDB(property)] = telemetry.gauge("rocksdb", name, unit: "bytes", help: "RocksDB property \(property), summed over column families.")
        }
        gauges[.inFlight] = telemetry.gauge("ingest", "in_flight", unit: "bytes", help: "Bytes of export requests being decoded or written now.")
        gauges[.inFlightLimit] = telemetry.gauge("ingest", "in_flight_limit", unit: "bytes", help: "The in-flight byte budget (ingest.max_in_flight_mib).")
        gauges[.rollupEntries] = telemetry.gauge("rollups", "pending_entries", help: "Rollup entries (subject and minute) waiting for the next flush.")
        gauges[.dependencySpans] = telemetry.gauge("rollups", "dependency_spans_held", help: "Spans and orphans the dependency tracker holds while edges complete.")
        gauges[.tailTraces] = telemetry.gauge("tail_sampling", "buffer_traces", help: "Traces held by tail sampling, waiting for a decision.")
        gauges[.tailSpans] = telemetry.gauge("tail_sampling", "buffer_spans", help: "Spans held by tail sampling.")
        gauges[.tailBytes] = telemetry.gauge("tail_sampling", "buffer", unit: "bytes", help: "Bytes held by tail sampling, kept spans awaiting storage included.")
        gauges[.tailDecisions] = telemetry.gauge("tail_sampling", "decisions_cached", help: "Trace decisions remembered for late spans.")
        gauges[.liveTailSubscribers] = telemetry.gauge("live_tail", "subscribers", help: "Open live-tail streams.")
        self.gauges = gauges
        var counters: [SampledCount: MirroredCounter] = [:]
        for count in SampledCount.allCases {
            let counter = switch count {
            case .received: telemetry.counter("sampling", "spans_received", help: "Spans that entered the sampling stage.")
            case .forwarded: telemetry.counter("sampling", "spans_forwarded", help: "Spans sampling handed to storage.")
            case .droppedHead, .droppedTail, .droppedLate:
                telemetry.counter("sampling", "spans_dropped", help: "Spans sampled out, by reason: head, tail (no policy kept the trace), late (after a drop decision).",
                                  labels: [("reason", count == .droppedHead ? "head" : count == .droppedTail ? "tail" : "late")])
            case .lateKept: telemetry.counter("sampling", "late_spans_kept", help: "Spans that arrived after their trace was kept, and were kept.")
            case .tracesDropped: telemetry.counter("sampling", "traces_dropped", help: "Traces no tail policy kept.")
            case .writeFailures: telemetry.counter("sampling", "storage_write_failures", help: "Times storage refused kept traces (retried every tick).")
            }
            counters[count] = MirroredCounter(counter)
        }
        self.counters = counters
        liveTailDropped = MirroredCounter(telemetry.counter("live_tail", "spans_dropped",
                                                            help: "Spans a live-tail subscriber missed because its buffer was full."))
    }

    /// Reads every size and count now; called by `GET /metrics` before rendering.
    func update() {
        for (property, _) in Self.rocksDBProperties {
            gauges[.rocksDB(property)]?.set(Double(store.propertyTotal(property)))
        }
        gauges[.inFlight]?.set(Double(limiter.inFlightBytes))
        gauges[.inFlightLimit]?.set(Double(limiter.limitBytes))
        gauges[.rollupEntries]?.set(Double(rollups.pendingEntries))
        gauges[.dependencySpans]?.set(Double(rollups.dependencies.size))
        let buffer = sampling?.tail?.bufferStatus
        gauges[.tailTraces]?.set(Double(buffer?.traces ?? 0))
        gauges[.tailSpans]?.set(Double(buffer?.spans ?? 0))
        gauges[.tailBytes]?.set(Double(buffer?.bytes ?? 0))
        gauges[.tailDecisions]?.set(Double(buffer?.cachedDecisions ?? 0))
        gauges[.liveTailSubscribers]?.set(Double(hub.subscriberCount))
        liveTailDropped.sync(to: hub.spansDropped)
        let redacted = redaction.snapshot
        for (counter, total) in redactionCounters { counter.sync(to: total(redacted)) }
        guard let snapshot = sampling?.counters.snapshot else { return }
        for (count, counter) in counters { counter.sync(to: Self.total(count, in: snapshot)) }
        // Label values come from the configuration (policy names) or a closed set (bounds).
        for (policy, total) in snapshot.tracesKept {
            keyed("kept:" + policy) {
                telemetry.counter("sampling", "traces_kept", help: "Traces kept by tail sampling, by the policy that kept them.", labels: [("policy", policy)])
            }.sync(to: total)
        }
        for (bound, total) in snapshot.earlyDecisions {
            keyed("early:" + bound) {
                telemetry.counter("sampling", "early_decisions", help: "Traces decided before their wait was over, by the bound that forced it.", labels: [("bound", bound)])
            }.sync(to: total)
        }
    }

    private static func total(_ count: SampledCount, in snapshot: SamplingCounters.Snapshot) -> Int {
        switch count {
        case .received: snapshot.spansReceived
        case .forwarded: snapshot.spansForwarded
        case .droppedHead: snapshot.spansDroppedHead
        case .droppedTail: snapshot.spansDroppedTail
        case .droppedLate: snapshot.lateSpansDropped
        case .lateKept: snapshot.lateSpansKept
        case .tracesDropped: snapshot.tracesDropped
        case .writeFailures: snapshot.writeFailures
        }
    }

    private func keyed(_ key: String, make: () -> Prometheus.Counter) -> MirroredCounter {
        keyedCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = MirroredCounter(make())
            counters[key] = counter
            return counter
        }
    }
}
