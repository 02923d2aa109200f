package import SkeinCore

/// Folds the spans of one batch into rollup deltas, one per (service, kind, operation, minute)
/// and one per (service, kind, minute) for all operations together.
/// A request of a few hundred spans usually touches a few dozen of them, so the rollups add a
/// few dozen merges to a write that already holds hundreds of puts.
package enum OperationRollups {
    package static let nanosPerMinute: UInt64 = 60_000_000_000

    private struct Key: Hashable {
        var service: String
        var kind: SpanKind
        var name: String
        var minute: UInt64
    }

    package static func deltas(for batch: SpanBatch) -> [RollupDelta] {
        var values: [Key: RollupValue] = [:]
        for group in batch.groups {
            for span in group.spans {
                let key = Key(service: group.serviceName, kind: span.kind, name: span.name, minute: span.startNanos / nanosPerMinute)
                values[key, default: RollupValue()].add(durationNanos: span.durationNanos, isError: span.isError)
            }
        }
        var perService: [Key: RollupValue] = [:]
        var deltas: [RollupDelta] = []
        deltas.reserveCapacity(values.count * 2)
        for (key, value) in values {
            deltas.append(RollupDelta(subject: .operation(service: key.service, kind: key.kind, name: key.name), minute: key.minute, value: value))
            perService[Key(service: key.service, kind: key.kind, name: "", minute: key.minute), default: RollupValue()].merge(value)
        }
        for (key, value) in perService {
            deltas.append(RollupDelta(subject: .service(service: key.service, kind: key.kind), minute: key.minute, value: value))
        }
        return deltas
    }
}
