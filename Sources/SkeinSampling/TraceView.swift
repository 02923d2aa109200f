import SkeinCore
import SkeinOTLP

/// A held trace as policies read it: its spans with their resource groups, and the trace-level
/// facts several policies need. Attributes are decoded from the OTLP bytes only when an
/// attribute policy asks, and at most once per span.
final class TraceView {
    let traceID: TraceID
    let groups: [ResourceGroup]
    /// Every span with the index of its group.
    let spans: [(group: Int, span: BatchSpan)]

    init(traceID: TraceID, groups: [ResourceGroup]) {
        self.traceID = traceID
        self.groups = groups
        spans = groups.enumerated().flatMap { index, group in group.spans.map { (index, $0) } }
    }

    /// R for the trace: the first `rv` a span carries, else the trace ID's last 7 bytes.
    lazy var randomness: UInt64 = {
        let explicit = spans.lazy.compactMap { OTelTraceState(parsing: $0.span.traceState).randomness }.first
        return ConsistentProbability.randomness(traceID, explicit: explicit)
    }()

    /// Last end minus first start over the held spans.
    var durationNanos: UInt64 {
        guard let start = spans.map(\.span.startNanos).min(), let end = spans.map(\.span.endNanos).max(), end > start else { return 0 }
        return end - start
    }

    /// The service of the root span (the earliest one without a parent), else of the earliest span.
    var rootService: String {
        let roots = spans.filter { $0.span.isRoot }
        let candidates = roots.isEmpty ? spans : roots
        guard let first = candidates.min(by: { $0.span.startNanos < $1.span.startNanos }) else { return "" }
        return groups[first.group].serviceName
    }

    private var spanAttributes: [Int: [(key: String, value: DecodedAttributeValue)]] = [:]
    private var resourceAttributes: [Int: [(key: String, value: DecodedAttributeValue)]] = [:]

    func hasAttribute(matching condition: CompiledCondition) -> Bool {
        if condition.scope != .span {
            for index in groups.indices {
                if resourceAttributes[index] == nil { resourceAttributes[index] = DecodedAttributes.ofResource(groups[index].encodedResourceScope) }
                if resourceAttributes[index]!.contains(where: { $0.key == condition.key && condition.matches($0.value) }) { return true }
            }
        }
        if condition.scope != .resource {
            for (index, entry) in spans.enumerated() {
                if spanAttributes[index] == nil { spanAttributes[index] = DecodedAttributes.ofSpan(entry.span.encodedSpan) }
                if spanAttributes[index]!.contains(where: { $0.key == condition.key && condition.matches($0.value) }) { return true }
            }
        }
        return false
    }
}
