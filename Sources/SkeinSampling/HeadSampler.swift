package import SkeinCore

/// Consistent probability sampling at ingest, by trace ID (otlp-wire.md §5.4).
///
/// Each service has a threshold (its rate, or the default); a span is kept iff the trace's
/// randomness R ≥ that threshold, so every span of a trace from one service gets the same
/// answer on every node and after every restart. All services compare the same R, so a trace
/// kept at the lowest rate among its services is kept everywhere, while services with higher
/// rates also keep traces that the others drop (those traces are partial).
///
/// The sampler equalizes: a kept span's `th` is raised to the service's threshold and written
/// back into its bytes; a span that arrived with a higher threshold keeps it. Services at rate
/// 1 are not touched at all, not even their tracestate.
package struct HeadSampler: Sendable {
    private let defaultThreshold: UInt64
    private let serviceThresholds: [String: UInt64]

    package init(configuration: HeadSamplingConfiguration) {
        defaultThreshold = ConsistentProbability.threshold(probability: configuration.defaultRate)
        serviceThresholds = configuration.serviceRates.mapValues { ConsistentProbability.threshold(probability: $0) }
    }

    /// True when some service's rate is below 1.
    package var isActive: Bool { defaultThreshold > 0 || serviceThresholds.values.contains { $0 > 0 } }

    package func threshold(forService service: String) -> UInt64 { serviceThresholds[service] ?? defaultThreshold }

    /// Removes the spans head sampling drops (and groups left empty), rewriting `th` where it
    /// rises. Every other field of the batch stays as it was. Returns how many spans it dropped.
    package func apply(to batch: inout SpanBatch) -> Int {
        var dropped = 0
        var groups: [ResourceGroup] = []
        groups.reserveCapacity(batch.groups.count)
        for var group in batch.groups {
            let threshold = threshold(forService: group.serviceName)
            guard threshold > 0 else {
                groups.append(group)
                continue
            }
            let before = group.spans.count
            group.spans = group.spans.compactMap { SpanThreshold.equalize($0, threshold: threshold) }
            dropped += before - group.spans.count
            if !group.spans.isEmpty { groups.append(group) }
        }
        batch.groups = groups
        return dropped
    }
}
