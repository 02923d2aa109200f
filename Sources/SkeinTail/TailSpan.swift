package import SkeinCore

/// What the live tail shows of one stored span: enough to list it and open its trace, not its
/// attributes (a subscriber that wants those fetches the trace).
package struct TailSpan: Sendable, Equatable {
    package var traceID: TraceID
    package var spanID: SpanID
    package var parentSpanID: SpanID?
    package var service: String
    package var operation: String
    package var kind: SpanKind
    package var startNanos: UInt64
    package var durationNanos: UInt64
    package var isError: Bool

    package init(traceID: TraceID, spanID: SpanID, parentSpanID: SpanID?, service: String, operation: String,
                 kind: SpanKind, startNanos: UInt64, durationNanos: UInt64, isError: Bool) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.service = service
        self.operation = operation
        self.kind = kind
        self.startNanos = startNanos
        self.durationNanos = durationNanos
        self.isError = isError
    }

    init(_ span: BatchSpan, service: String) {
        self.init(traceID: span.traceID, spanID: span.spanID, parentSpanID: span.parentSpanID, service: service,
                  operation: span.name, kind: span.kind, startNanos: span.startNanos,
                  durationNanos: span.durationNanos, isError: span.isError)
    }

    /// One line of JSON, times in microseconds as Jaeger's API writes them.
    package var json: [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.object { object in
            object.key("traceID"); object.value(traceID.hex)
            object.key("spanID"); object.value(spanID.hex)
            if let parentSpanID { object.key("parentSpanID"); object.value(parentSpanID.hex) }
            object.key("service"); object.value(service)
            object.key("operation"); object.value(operation)
            object.key("kind"); object.value(kind == .unspecified ? "unspecified" : kind.jaegerName)
            object.key("startTime"); object.value(startNanos / 1_000)
            object.key("duration"); object.value(durationNanos / 1_000)
            object.key("error"); object.value(isError)
        }
        return writer.bytes
    }
}

/// Which spans a subscriber wants; nil fields match everything.
package struct TailFilter: Sendable, Equatable {
    package var service: String?
    package var operation: String?
    /// true: only ERROR spans; false: only spans that are not ERROR.
    package var error: Bool?
    /// Whose spans: a subscriber never sees another tenant's, whatever the rest of its filter.
    package var tenant: Tenant

    package init(service: String? = nil, operation: String? = nil, error: Bool? = nil, tenant: Tenant = .single) {
        self.tenant = tenant
        self.service = service
        self.operation = operation
        self.error = error
    }

    func matches(service: String) -> Bool { self.service == nil || self.service == service }

    func matches(_ span: BatchSpan) -> Bool {
        (operation == nil || operation == span.name) && (error == nil || error == span.isError)
    }
}
