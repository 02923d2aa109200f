package import OTLPProto

// Short names for the generated OTLP types, used across Skein's modules.
package typealias ExportTraceRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
package typealias ExportTraceResponse = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse
package typealias OTLPResourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans
package typealias OTLPScopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans
package typealias OTLPSpan = Opentelemetry_Proto_Trace_V1_Span
package typealias OTLPStatus = Opentelemetry_Proto_Trace_V1_Status
package typealias OTLPResource = Opentelemetry_Proto_Resource_V1_Resource
package typealias OTLPScope = Opentelemetry_Proto_Common_V1_InstrumentationScope
package typealias OTLPKeyValue = Opentelemetry_Proto_Common_V1_KeyValue
package typealias OTLPAnyValue = Opentelemetry_Proto_Common_V1_AnyValue

/// Why an OTLP body could not be decoded, with the path of the offending field when known
/// (`resourceSpans[0].scopeSpans[0].spans[2].traceId: …`). Always a permanent error.
package struct OTLPDecodingError: Error, CustomStringConvertible, Equatable {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
