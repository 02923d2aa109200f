package import SkeinCore

/// The pipeline stage in front of the store: once a batch is stored it is published to the live
/// tail, so a subscriber sees exactly what was stored (after sampling), never a refused request.
package struct TailStage: SpanBatchConsumer {
    private let next: any SpanBatchConsumer
    private let hub: SpanTailHub

    package init(next: any SpanBatchConsumer, hub: SpanTailHub) {
        self.next = next
        self.hub = hub
    }

    package func consume(_ batch: SpanBatch) async throws {
        try await next.consume(batch)
        hub.publish(batch)
    }
}
