package import SkeinCore

/// An attribute value as the generator writes it: the four scalar kinds real
/// instrumentations send (arrays and maps are rare on spans and add nothing to load).
package enum AttributeValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case double(Double)
}

package struct Attribute: Sendable, Equatable {
    package var key: String
    package var value: AttributeValue

    package init(_ key: String, _ value: String) { self.init(key, .string(value)) }
    package init(_ key: String, _ value: Int) { self.init(key, .int(Int64(value))) }
    package init(_ key: String, _ value: AttributeValue) {
        self.key = key
        self.value = value
    }
}

/// A span event, such as the `exception` event of semconv (otlp-wire.md §6.5).
package struct SpanEvent: Sendable, Equatable {
    package var name: String
    package var timeNanos: UInt64
    package var attributes: [Attribute]
}

/// A link to a span of an earlier trace in the same request (a batch consumer's link to the
/// producer). Keeping the target in the same request lets per-request ID rewriting keep the
/// link pointing at the right trace.
package struct SpanLink: Sendable, Equatable {
    package var traceID: TraceID
    package var spanID: UInt64
    package var attributes: [Attribute]
}

/// Which process emitted a span: a service and one of its instances (its resource).
package struct InstanceRef: Hashable, Sendable {
    package var service: Int
    package var instance: Int
}

/// The instrumentation scope family that produced a span (HTTP, gRPC, database, messaging or
/// application code); each becomes its own `ScopeSpans` under the resource.
package enum ScopeFamily: Int, Sendable, CaseIterable {
    case http, grpc, db, messaging, app

    package var scopeName: String {
        switch self {
        case .http: "io.opentelemetry.http"
        case .grpc: "io.opentelemetry.grpc"
        case .db: "io.opentelemetry.db"
        case .messaging: "io.opentelemetry.messaging"
        case .app: "shop.app"
        }
    }
}

/// One generated span with absolute times in Unix nanoseconds.
package struct GeneratedSpan: Sendable, Equatable {
    package var spanID: UInt64
    /// 0 for a root span.
    package var parentSpanID: UInt64
    package var name: String
    package var kind: SpanKind
    package var startNanos: UInt64
    package var endNanos: UInt64
    package var attributes: [Attribute] = []
    package var events: [SpanEvent] = []
    package var links: [SpanLink] = []
    package var isError = false
    package var statusMessage = ""
    /// W3C trace flags plus OTLP's remote-parent bits (otlp-wire.md §5.3).
    package var flags: UInt32 = 0x101
    package var instance: InstanceRef
    package var scope: ScopeFamily

    package func attribute(_ key: String) -> AttributeValue? { attributes.first { $0.key == key }?.value }
}

/// One trace: every span shares `traceID`; the first span is the root.
package struct GeneratedTrace: Sendable, Equatable {
    package var traceID: TraceID
    package var spans: [GeneratedSpan]

    package var root: GeneratedSpan? { spans.first }
    package var startNanos: UInt64 { spans.map(\.startNanos).min() ?? 0 }
    package var endNanos: UInt64 { spans.map(\.endNanos).max() ?? 0 }
    package var hasError: Bool { spans.contains { $0.isError } }
}

/// The identity of a service instance: what its resource attributes say.
package struct ServiceInstance: Sendable, Equatable {
    package var attributes: [Attribute]
}
