package import SkeinCore
import Synchronization

/// Caps the spans one trace may store (`otlp.limits.max_spans_per_trace`), so a runaway trace
/// (a loop emitting spans for ever) cannot fill the store or grow past what a viewer can show.
/// Spans over the cap are refused through `partial_success`, like spans with bad IDs.
///
/// Counts live in memory for the most recent traces only, in two generations of at most
/// `capacity / 2` traces each: memory stays bounded, and a trace quiet for long enough, or
/// one that continues after a restart, starts counting again. The cap bounds a burst of
/// spans, not a trace's lifetime.
package final class TraceSpanBudget: Sendable {
    package let limit: Int
    private let capacity: Int
    private let state = Mutex<(current: [Key: Int], previous: [Key: Int])>(([:], [:]))

    fileprivate struct Key: Hashable {
        var tenant: Tenant
        var trace: TraceID
    }

    /// What `admit` let through, to hand back with `refund` if the batch is not stored after all.
    package struct Admission: Sendable {
        package var batch: SpanBatch
        package var refused: Int
        fileprivate var counted: [Key: Int]
    }

    package init(limit: Int, capacity: Int = 1_000_000) {
        self.limit = limit
        self.capacity = max(2, capacity)
    }

    /// The batch without the spans that would take their trace over the limit.
    package func admit(_ batch: SpanBatch) -> Admission {
        var admitted = batch
        var refused = 0
        var counted: [Key: Int] = [:]
        state.withLock { state in
            for index in admitted.groups.indices {
                admitted.groups[index].spans.removeAll { span in
                    let key = Key(tenant: batch.tenant, trace: span.traceID)
                    let count = state.current[key] ?? state.previous[key] ?? 0
                    guard count < limit else {
                        refused += 1
                        return true
                    }
                    if state.current.count >= capacity / 2, state.current[key] == nil {
                        state.previous = state.current
                        state.current = [:]
                    }
                    state.current[key] = count + 1
                    counted[key, default: 0] += 1
                    return false
                }
            }
        }
        if refused > 0 { admitted.groups.removeAll { $0.spans.isEmpty } }
        return Admission(batch: admitted, refused: refused, counted: counted)
    }

    /// Gives back what an admission counted, when its batch was refused as a whole and the
    /// sender will retry it.
    package func refund(_ admission: Admission) {
        state.withLock { state in
            for (key, spans) in admission.counted {
                if let count = state.current[key] { state.current[key] = max(0, count - spans) }
                else if let count = state.previous[key] { state.previous[key] = max(0, count - spans) }
            }
        }
    }
}
