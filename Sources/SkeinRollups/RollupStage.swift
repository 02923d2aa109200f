package import SkeinCore

/// The pipeline stage that sees every span before sampling: it adds the batch's operation
/// rollups and the dependency edges its spans complete to the batch, then hands it on. The
/// deltas travel inside the batch, so they are written in the same atomic write that
/// acknowledges it and survive a crash exactly as the spans do.
package struct RollupStage: SpanBatchConsumer {
    private let next: any SpanBatchConsumer
    package let dependencies: DependencyTracker

    package init(next: any SpanBatchConsumer, dependencies: DependencyTracker) {
        self.next = next
        self.dependencies = dependencies
    }

    package func consume(_ batch: SpanBatch) async throws {
        var batch = batch
        let deltas = OperationRollups.deltas(for: batch) + dependencies.observe(batch)
        batch.rollups = RollupDelta.combined(batch.rollups + deltas)
        try await next.consume(batch)
    }

    /// Writes the edges of callees that never reported once their wait is over (called every
    /// few seconds, and with `drain` at shutdown). Edges that cannot be written are kept for
    /// the next call.
    package func writeExpiredEdges(drain: Bool = false) async throws {
        let edges = drain ? dependencies.drain() : dependencies.takeExpiredEdges()
        var unwritten = edges
        for (tenant, deltas) in edges {
            do {
                try await next.consume(SpanBatch(tenant: tenant, groups: [], rollups: RollupDelta.combined(deltas)))
                unwritten[tenant] = nil
            } catch {
                dependencies.restore(unwritten)
                throw error
            }
        }
    }
}
