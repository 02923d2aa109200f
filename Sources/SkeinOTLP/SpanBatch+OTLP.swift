import OTLPProto
package import SkeinCore
import SwiftProtobuf

/// The outcome of validating an export request: the spans to store, and the ones refused
/// through partial success with the reasons why.
package struct ValidatedExport: Sendable {
    package var batch: SpanBatch
    package var rejectedSpans: Int
    /// One sentence naming each kind of problem and how many spans had it, or empty.
    package var rejectionMessage: String
}

extension ValidatedExport {
    /// Reads a protobuf `ExportTraceServiceRequest` straight from its bytes (`ExportRequestReader`),
    /// checks every span's IDs (otlp-wire.md §5.1) and keeps the valid ones.
    ///
    /// Invalid spans are counted and left out; the rest of the request is kept. Envelopes
    /// without spans are dropped. A resource without `service.name` is indexed as
    /// `unknown_service`. Throws when the bytes are not a well-formed request.
    ///
    /// `rewrite` redacts attributes and applies the span limits before anything is indexed or
    /// stored; its counters are added to only when the request is accepted.
    package init(protobuf bytes: [UInt8], tenant: Tenant, indexPolicy: AttributeIndexPolicy = AttributeIndexPolicy(),
                 rewrite: IngestRewrite = .none) throws(OTLPDecodingError) {
        var reader = ExportRequestReader(indexPolicy: indexPolicy, rewrite: rewrite)
        let outcome = bytes.withUnsafeBytes { buffer in Result { () throws(OTLPDecodingError) in try reader.read(buffer) } }
        try outcome.get()
        rewrite.counters?.add(reader.counts)
        self.batch = SpanBatch(tenant: tenant, groups: reader.groups)
        self.rejectedSpans = reader.rejected
        self.rejectionMessage = reader.problems.isEmpty ? "" :
            "rejected \(reader.rejected) span(s): " + reader.problems.sorted { $0.key.rawValue < $1.key.rawValue }
                .map { "\($0.value) \($0.key.rawValue)" }.joined(separator: "; ")
    }

    /// The same for a request already decoded (OTLP/JSON): it is encoded and read as above, so
    /// both encodings go through one validation.
    package init(request: ExportTraceRequest, tenant: Tenant, indexPolicy: AttributeIndexPolicy = AttributeIndexPolicy(),
                 rewrite: IngestRewrite = .none) throws {
        try self.init(protobuf: try request.serializedBytes(), tenant: tenant, indexPolicy: indexPolicy, rewrite: rewrite)
    }

    /// Attributes naming the service a client or producer span calls, most specific first.
    package static let peerServiceKeys = ["peer.service", "service.peer.name", "server.address"]

    /// `service.name` of a resource (its last non-empty string value), or `unknown_service`.
    package static func serviceName(of resource: OTLPResource) -> String {
        for attribute in resource.attributes.reversed() where attribute.key == "service.name" {
            if case .stringValue(let name)? = attribute.value.value, !name.isEmpty { return name }
        }
        return "unknown_service"
    }

    package enum Problem: String, Error, Sendable {
        case traceID = "with a trace_id that is not 16 bytes or is all zeros"
        case spanID = "with a span_id that is not 8 bytes or is all zeros"
        case parentSpanID = "with a parent_span_id that is neither empty nor 8 bytes"
    }
}
