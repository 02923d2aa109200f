import SkeinCore
import SkeinOTLP

/// What a sampler does to one kept span's `ot=th:` (otlp-wire.md §5.4–5.5): raise it to the
/// sampler's own threshold (equalizing), leave it, or erase it when the span's probability is
/// no longer known. A changed tracestate is written into both `traceState` and the span's
/// OTLP bytes, so what is stored and served says how the span was sampled.
enum SpanThreshold {
    /// An equalizing sampler with threshold `threshold`: nil when the span is dropped (R < T);
    /// otherwise the span, its `th` raised to `threshold` when it was lower, absent or
    /// inconsistent (R < th). A span already at a higher threshold is left as it is.
    static func equalize(_ span: BatchSpan, threshold: UInt64) -> BatchSpan? {
        guard threshold > 0 else { return span }
        let state = OTelTraceState(parsing: span.traceState)
        let randomness = ConsistentProbability.randomness(span.traceID, explicit: state.randomness)
        guard randomness >= threshold else { return nil }
        if let current = state.threshold, current >= threshold, current <= randomness { return span }
        return rewritten(span, threshold: threshold)
    }

    /// The span with `th` removed (its sampling probability is unknown: §5.4 step 6), or as it
    /// was when it has none.
    static func erase(_ span: BatchSpan) -> BatchSpan {
        guard OTelTraceState(parsing: span.traceState).threshold != nil else { return span }
        return rewritten(span, threshold: nil)
    }

    /// Applies a trace-level keep to one span: `certain` keeps it as it is, `threshold` equalizes
    /// it (a span whose own `rv` disagrees with the trace loses its `th` instead), `unknown`
    /// erases `th`.
    static func apply(_ inclusion: Inclusion, to span: BatchSpan) -> BatchSpan {
        switch inclusion {
        case .certain: span
        case .threshold(let threshold): equalize(span, threshold: threshold) ?? erase(span)
        case .unknown: erase(span)
        }
    }

    private static func rewritten(_ span: BatchSpan, threshold: UInt64?) -> BatchSpan {
        var span = span
        let traceState = OTelTraceState.settingThreshold(threshold, in: span.traceState)
        // The bytes came from swift-protobuf, so the rewrite cannot fail; if it ever did, the
        // span keeps its original bytes rather than being lost.
        guard let bytes = try? EncodedSpan.replacingTraceState(span.encodedSpan, with: traceState) else { return span }
        span.traceState = traceState
        span.encodedSpan = bytes
        return span
    }
}
