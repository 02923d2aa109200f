import SkeinCore

/// A trace in the shape of Jaeger's HTTP JSON API (jaeger-api.md §4). Built from OTLP by
/// `JaegerTrace.init(resourceSpans:)`, adjusted by `JaegerAdjuster`s, written by `JaegerJSON`.
struct JaegerTrace: Sendable {
    var traceID: TraceID
    var spans: [JaegerSpan]
    /// Keyed `p1`, `p2`, … in order of first appearance.
    var processes: [(key: String, process: JaegerProcess)]
    var warnings: [String] = []
}

struct JaegerSpan: Sendable, Hashable {
    var traceID: TraceID
    var spanID: SpanID
    var flags: UInt32
    var operationName: String
    var references: [JaegerReference]
    /// Microseconds since the epoch.
    var startTime: UInt64
    /// Microseconds.
    var duration: UInt64
    var tags: [JaegerKeyValue]
    var logs: [JaegerLog]
    var processID: String
    var warnings: [String]

    /// The parent: the first CHILD_OF reference within the same trace.
    var parentSpanID: SpanID? {
        references.first { $0.type == .childOf && $0.traceID == traceID }?.spanID
    }
}

struct JaegerReference: Sendable, Hashable {
    enum RefType: String, Sendable { case childOf = "CHILD_OF", followsFrom = "FOLLOWS_FROM" }
    var type: RefType
    var traceID: TraceID
    var spanID: SpanID
}

struct JaegerLog: Sendable, Hashable {
    var timestamp: UInt64
    var fields: [JaegerKeyValue]
}

struct JaegerProcess: Sendable, Hashable {
    var serviceName: String
    var tags: [JaegerKeyValue]
}

struct JaegerKeyValue: Sendable, Hashable {
    enum Value: Sendable, Hashable {
        case string(String)
        case bool(Bool)
        case int64(Int64)
        case float64(Double)
        case binary([UInt8])
    }
    var key: String
    var value: Value

    init(_ key: String, _ value: Value) {
        self.key = key
        self.value = value
    }
}
