/// Spans of a request grouped the way an SDK or Collector batch groups them: one
/// `ResourceSpans` per service instance, one `ScopeSpans` per instrumentation scope inside it,
/// in order of first appearance.
struct RequestGrouping {
    struct Group {
        var instance: InstanceRef
        var scopes: [(scope: ScopeFamily, spans: [(trace: Int, span: Int)])]
    }

    var groups: [Group] = []

    init(_ traces: [GeneratedTrace]) {
        var groupIndex: [InstanceRef: Int] = [:]
        for (traceIndex, trace) in traces.enumerated() {
            for (spanIndex, span) in trace.spans.enumerated() {
                let group: Int
                if let known = groupIndex[span.instance] {
                    group = known
                } else {
                    group = groups.count
                    groupIndex[span.instance] = group
                    groups.append(Group(instance: span.instance, scopes: []))
                }
                if let scope = groups[group].scopes.firstIndex(where: { $0.scope == span.scope }) {
                    groups[group].scopes[scope].spans.append((traceIndex, spanIndex))
                } else {
                    groups[group].scopes.append((span.scope, [(traceIndex, spanIndex)]))
                }
            }
        }
    }

    /// Schema URL of the semantic conventions the generated attributes follow.
    static let schemaURL = "https://opentelemetry.io/schemas/1.44.0"
    static let scopeVersion = "0.1.0"
}
