import Foundation
import OTLPProto
package import SkeinCore
package import SkeinOTLP

/// Short builders for OTLP test data.
package enum OTLPBuilders {
    package static func value(_ string: String) -> OTLPAnyValue { .with { $0.stringValue = string } }

    package static func attribute(_ key: String, _ value: OTLPAnyValue) -> OTLPKeyValue {
        .with { $0.key = key; $0.value = value }
    }

    package static func attribute(_ key: String, _ string: String) -> OTLPKeyValue { attribute(key, value(string)) }

    /// One attribute of every AnyValue kind, keyed by the kind's name.
    package static var everyValueKind: [OTLPKeyValue] {
        [
            attribute("string", .with { $0.stringValue = "GET" }),
            attribute("bool", .with { $0.boolValue = true }),
            attribute("int", .with { $0.intValue = 42 }),
            attribute("bigint", .with { $0.intValue = 9_223_372_036_854_775_222 }),
            attribute("double", .with { $0.doubleValue = 0.25 }),
            attribute("bytes", .with { $0.bytesValue = Data([0x01, 0x02, 0xfe, 0xff]) }),
            attribute("array", .with {
                $0.arrayValue = .with { $0.values = [value("a"), .with { $0.intValue = 7 }] }
            }),
            attribute("kvlist", .with {
                $0.kvlistValue = .with { $0.values = [attribute("k", .with { $0.intValue = 1 })] }
            }),
            attribute("empty", OTLPAnyValue()),
        ]
    }

    package static func span(
        trace: TraceID, id: UInt64, parent: UInt64? = nil, name: String = "op",
        kind: OTLPSpan.SpanKind = .server, startNanos: UInt64, durationNanos: UInt64 = 1_000_000,
        attributes: [OTLPKeyValue] = [], error: Bool = false
    ) -> OTLPSpan {
        .with {
            $0.traceID = Data(trace.bytes)
            $0.spanID = Data(SpanID(id).bytes)
            if let parent { $0.parentSpanID = Data(SpanID(parent).bytes) }
            $0.name = name
            $0.kind = kind
            $0.startTimeUnixNano = startNanos
            $0.endTimeUnixNano = startNanos + durationNanos
            $0.attributes = attributes
            if error { $0.status = .with { $0.code = .error; $0.message = "failed" } }
        }
    }

    package static func resourceSpans(service: String?, spans: [OTLPSpan], resourceAttributes: [OTLPKeyValue] = [],
                                      scope: String = "test.scope") -> OTLPResourceSpans {
        .with {
            $0.resource = .with {
                $0.attributes = (service.map { [attribute("service.name", $0)] } ?? []) + resourceAttributes
            }
            $0.scopeSpans = [.with {
                $0.scope = .with { $0.name = scope }
                $0.spans = spans
            }]
        }
    }

    package static func request(_ resourceSpans: [OTLPResourceSpans]) -> ExportTraceRequest {
        .with { $0.resourceSpans = resourceSpans }
    }

    /// The batch storage would receive for `request` (all spans valid).
    package static func batch(_ request: ExportTraceRequest, tenant: Tenant = .single) throws -> SpanBatch {
        try ValidatedExport(request: request, tenant: tenant).batch
    }
}

extension JSONValue {
    /// The same value with object members sorted by key, for comparisons where key order does
    /// not matter.
    package var normalized: JSONValue {
        switch self {
        case .array(let values): .array(values.map(\.normalized))
        case .object(let members): .object(members.map { ($0.key, $0.value.normalized) }.sorted { $0.key < $1.key })
        default: self
        }
    }
}
