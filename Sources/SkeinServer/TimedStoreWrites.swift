import Prometheus
import SkeinCore
import SkeinStorage
import SkeinTelemetry

/// The span store as the pipeline's last stage, timing each write batch it takes
/// (`skein_storage_write_batch_duration_seconds`: one RocksDB write of spans, index entries or
/// rollups, until it is in the write-ahead log). Refused writes are timed too: a slow refusal
/// is as much a storage problem as a slow write.
struct TimedStoreWrites: SpanBatchConsumer {
    let store: SpanStore
    private let duration: DurationHistogram

    init(store: SpanStore, telemetry: Telemetry) {
        self.store = store
        duration = telemetry.latency("storage", "write_batch_duration", help: "Span store write batch duration, until the batch is in the write-ahead log.")
    }

    func consume(_ batch: SpanBatch) async throws {
        let start = ContinuousClock.now
        defer { duration.record(.now - start) }
        try await store.consume(batch)
    }
}
