import Synchronization

/// Counts of what redaction and the span limits changed, added once per accepted request
/// (never per span log line). /metrics and the status endpoint read `snapshot`.
package final class RedactionCounters: Sendable {
    package struct Snapshot: Sendable, Equatable {
        /// Attributes removed by `drop` rules.
        package var attributesDropped = 0
        /// Values replaced by `hash` rules.
        package var valuesHashed = 0
        /// String values changed by `mask` rules (a value counts once however many matches it had).
        package var valuesMasked = 0
        /// Attributes over `max_attributes_per_span` (on spans, events and links).
        package var attributesOverLimit = 0
        /// String values cut to `max_attribute_value_length`.
        package var valuesTruncated = 0
        package var eventsOverLimit = 0
        package var linksOverLimit = 0
        /// Requests refused for having more than `max_spans_per_request` spans.
        package var requestsOverSpanLimit = 0

        package init() {}

        var isEmpty: Bool { self == Snapshot() }
    }

    private let state = Mutex(Snapshot())

    package init() {}

    package var snapshot: Snapshot { state.withLock { $0 } }

    func add(_ counts: Snapshot) {
        guard !counts.isEmpty else { return }
        state.withLock { total in
            total.attributesDropped += counts.attributesDropped
            total.valuesHashed += counts.valuesHashed
            total.valuesMasked += counts.valuesMasked
            total.attributesOverLimit += counts.attributesOverLimit
            total.valuesTruncated += counts.valuesTruncated
            total.eventsOverLimit += counts.eventsOverLimit
            total.linksOverLimit += counts.linksOverLimit
            total.requestsOverSpanLimit += counts.requestsOverSpanLimit
        }
    }
}
