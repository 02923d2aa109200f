package import SkeinCore
import Synchronization

/// The pipeline stage that sees every span before sampling: it folds each acknowledged batch's
/// operation rollups and the dependency edges its spans complete into an in-memory table, and
/// `flush` (every `rollups.flush_interval`, and at shutdown) writes that table in one write.
///
/// Why not write the deltas inside each acknowledged batch, which would survive kill -9: RocksDB
/// turns off concurrent memtable inserts for any write group holding a merge operand, and the
/// memtable inserts are the largest cost of ingest; measured, that took ingest to 76% of its
/// rate without rollups (plain puts instead: 96%). So a crash loses at most the last flush
/// interval of rollups; a graceful stop loses nothing. Queries see the table not yet written
/// too (`pendingDeltas`), so figures are current to the request.
package final class RollupStage: SpanBatchConsumer, Sendable {
    private let next: any SpanBatchConsumer
    package let dependencies: DependencyTracker
    private let pending = Mutex<[Tenant: [PendingKey: RollupValue]]>([:])

    private struct PendingKey: Hashable {
        var subject: RollupDelta.Subject
        var minute: UInt64
    }

    package init(next: any SpanBatchConsumer, dependencies: DependencyTracker) {
        self.next = next
        self.dependencies = dependencies
    }

    package func consume(_ batch: SpanBatch) async throws {
        let deltas = OperationRollups.deltas(for: batch) + dependencies.observe(batch)
        try await next.consume(batch)
        // Only acknowledged spans count: a refused request will be sent again.
        add([batch.tenant: deltas])
    }

    private func add(_ deltas: [Tenant: [RollupDelta]]) {
        pending.withLock { pending in
            for (tenant, list) in deltas {
                for delta in list { pending[tenant, default: [:]][PendingKey(subject: delta.subject, minute: delta.minute), default: RollupValue()].merge(delta.value) }
            }
        }
    }

    /// Rollup entries (one per subject and minute) waiting for the next flush.
    package var pendingEntries: Int { pending.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// The rollups not yet written, for queries to add to what the store holds.
    package func pendingDeltas(tenant: Tenant) -> [RollupDelta] {
        pending.withLock { pending in
            (pending[tenant] ?? [:]).map { RollupDelta(subject: $0.key.subject, minute: $0.key.minute, value: $0.value) }
        }
    }

    /// Writes the table (with the edges of callees that never reported whose wait is over, or
    /// with `drain` every waiting edge) as one batch per tenant. What cannot be written stays
    /// in the table for the next flush.
    package func flush(drain: Bool = false) async throws {
        add(drain ? dependencies.drain() : dependencies.takeExpiredEdges())
        let taken = pending.withLock { pending in
            defer { pending = [:] }
            return pending
        }
        var unwritten = taken
        for (tenant, table) in taken {
            do {
                let rollups = table.map { RollupDelta(subject: $0.key.subject, minute: $0.key.minute, value: $0.value) }
                try await next.consume(SpanBatch(tenant: tenant, groups: [], rollups: rollups))
                unwritten[tenant] = nil
            } catch {
                add(unwritten.mapValues { table in table.map { RollupDelta(subject: $0.key.subject, minute: $0.key.minute, value: $0.value) } })
                throw error
            }
        }
    }
}
