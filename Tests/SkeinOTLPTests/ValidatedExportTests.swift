import Foundation
import OTLPProto
import SkeinCore
import SkeinTesting
import SwiftProtobuf
import Testing
@testable import SkeinOTLP

@Suite struct ValidatedExportTests {
    let trace = TraceID(high: 1, low: 2)

    @Test func rejectsExactlyTheSpansWithInvalidIDs() throws {
        var badTrace = OTLPBuilders.span(trace: trace, id: 1, startNanos: 1)
        badTrace.traceID = Data(repeating: 0, count: 16)
        var shortSpan = OTLPBuilders.span(trace: trace, id: 2, startNanos: 1)
        shortSpan.spanID = Data([1, 2, 3])
        var badParent = OTLPBuilders.span(trace: trace, id: 3, startNanos: 1)
        badParent.parentSpanID = Data([1])
        let good = OTLPBuilders.span(trace: trace, id: 4, startNanos: 1)
        let request = OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "svc", spans: [badTrace, shortSpan, badParent, good])])
        let validated = try ValidatedExport(request: request, tenant: .single)
        #expect(validated.rejectedSpans == 3)
        #expect(validated.batch.spanCount == 1)
        #expect(validated.batch.groups[0].spans[0].spanID == SpanID(4))
        #expect(validated.rejectionMessage.contains("1 with a trace_id"))
        #expect(validated.rejectionMessage.contains("1 with a span_id"))
        #expect(validated.rejectionMessage.contains("1 with a parent_span_id"))
    }

    @Test func keepsResourceAndScopeAsAnEnvelopeWithoutSpans() throws {
        let request = OTLPBuilders.request([OTLPBuilders.resourceSpans(
            service: nil, spans: [OTLPBuilders.span(trace: trace, id: 1, startNanos: 5)],
            resourceAttributes: [OTLPBuilders.attribute("host.name", "node-7")])])
        let group = try ValidatedExport(request: request, tenant: .single).batch.groups[0]
        #expect(group.serviceName == "unknown_service")
        let envelope = try OTLPResourceSpans(serializedBytes: group.encodedResourceScope)
        #expect(envelope.resource.attributes.first?.key == "host.name")
        #expect(envelope.scopeSpans.count == 1 && envelope.scopeSpans[0].spans.isEmpty)
        #expect(envelope.scopeSpans[0].scope.name == "test.scope")
        let span = try OTLPSpan(serializedBytes: group.spans[0].encodedSpan)
        #expect(span.startTimeUnixNano == 5)
    }

    @Test func allZeroParentMeansRoot() throws {
        var span = OTLPBuilders.span(trace: trace, id: 1, startNanos: 1)
        span.parentSpanID = Data(repeating: 0, count: 8)
        let batch = try OTLPBuilders.batch(OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "s", spans: [span])]))
        #expect(try OTLPSpan(serializedBytes: batch.groups[0].spans[0].encodedSpan).parentSpanID.isEmpty)
    }

    @Test func rpcStatusEncodings() {
        let status = RPCStatus(code: 3, message: "bad")
        #expect(status.protobuf == [0x08, 0x03, 0x12, 0x03] + Array("bad".utf8))
        #expect(String(decoding: status.json, as: UTF8.self) == #"{"code":3,"message":"bad"}"#)
    }
}
