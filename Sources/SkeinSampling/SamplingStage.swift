package import Logging
package import SkeinCore

/// The sampling stage between the rollups and the span writer: head sampling, then (when
/// enabled) the tail sampler, then the next consumer.
///
/// Every batch goes on to the next consumer, even one left without spans: batches carry other
/// data computed from all spans upstream, which must be written whatever sampling keeps. Spans
/// are removed by editing a copy of the batch, so those other fields pass through untouched.
/// A normal return means every span is in the write-ahead log (stored, or held in the durable
/// tail buffer) or was dropped by policy.
package final class SamplingStage: SpanBatchConsumer {
    package let configuration: SamplingConfiguration
    package let counters: SamplingCounters
    private let head: HeadSampler
    /// Nil when tail sampling is off.
    package let tail: TailSampler?
    private let next: any SpanBatchConsumer

    /// `storage` and `reloaded` are used only with tail sampling on: the durable buffer, and
    /// what it held at startup.
    package init(configuration: SamplingConfiguration, next: any SpanBatchConsumer, storage: (any TailBufferStorage)?,
                 reloaded: [HeldFragment] = [], clock: any SamplingClock = SystemSamplingClock(), logger: Logger) throws {
        self.configuration = configuration
        self.next = next
        counters = SamplingCounters()
        head = HeadSampler(configuration: configuration.head)
        if configuration.tail.enabled {
            guard let storage else { throw SamplingSetupError("tail sampling needs a durable buffer") }
            tail = try TailSampler(configuration: configuration.tail, next: next, storage: storage, reloaded: reloaded,
                                   clock: clock, counters: counters, logger: logger)
        } else {
            tail = nil
        }
    }

    package func consume(_ batch: SpanBatch) async throws {
        var batch = batch
        let received = batch.spanCount
        let dropped = head.isActive ? head.apply(to: &batch) : 0
        counters.update {
            $0.spansReceived += received
            $0.spansDroppedHead += dropped
        }
        if let tail {
            try await tail.consume(batch)
        } else {
            try await next.consume(batch)
            counters.update { $0.spansForwarded += batch.spanCount }
        }
    }
}

/// The stage was built without something it needs (a wiring mistake, not bad input).
package struct SamplingSetupError: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}
