import Foundation
import OTLPProto
import SkeinCore
import SkeinOTLP
import SwiftProtobuf
import Testing
@testable import SkeinLoadGen

/// The hand-written encoders agree with SwiftProtobuf and Skein's OTLP/JSON decoder, and
/// rewriting a template gives fresh, consistent IDs and shifted times.
@Suite struct RequestTemplateTests {
    static func pool(_ encoding: BodyEncoding, batch: Int = 200, seed: UInt64 = 11) -> RequestPool {
        var shapes = TraceShapes(graph: .ecommerce(), errorRate: 0.2, seed: seed)
        return RequestPool(shapes: &shapes, encoding: encoding, batch: batch, requests: 4, traceLimit: nil,
                           baseNanos: TraceShapesTests.end)
    }

    static func decode(_ body: [UInt8], _ encoding: BodyEncoding) throws -> ExportTraceRequest {
        switch encoding {
        case .protobuf: try ExportTraceRequest(serializedBytes: body)
        case .json: try OTLPJSONDecoder.decodeExportRequest(body)
        }
    }

    @Test func bothEncodingsDecodeToTheGeneratedTraces() throws {
        let protobuf = Self.pool(.protobuf)
        let json = Self.pool(.json)
        #expect(protobuf.templates.count == 4)
        for (index, template) in protobuf.templates.enumerated() {
            let fromProtobuf = try Self.decode(template.bytes, .protobuf)
            let fromJSON = try Self.decode(json.templates[index].bytes, .json)
            #expect(fromProtobuf == fromJSON, "request \(index): protobuf and JSON encoders disagree")
            let traces = protobuf.plans[index]
            let spans = fromProtobuf.resourceSpans.flatMap { $0.scopeSpans.flatMap(\.spans) }
            #expect(spans.count == template.spanCount && template.spanCount == traces.reduce(0) { $0 + $1.spans.count })
            #expect(template.spanCount <= 200 || traces.count == 1)
            let generated = Dictionary(traces.flatMap(\.spans).map { ($0.spanID, $0) }, uniquingKeysWith: { first, _ in first })
            for span in spans {
                guard let original = SpanID(bytes: span.spanID).flatMap({ generated[$0.value] }) else {
                    Issue.record("unknown span ID")
                    continue
                }
                #expect(span.name == original.name)
                #expect(span.startTimeUnixNano == original.startNanos && span.endTimeUnixNano == original.endNanos)
                #expect(span.kind.rawValue == Int(original.kind.rawValue))
                #expect(span.attributes.count == original.attributes.count && span.events.count == original.events.count)
                #expect((span.status.code == .error) == original.isError)
                #expect(span.flags == original.flags)
                #expect(span.parentSpanID.isEmpty == (original.parentSpanID == 0))
            }
            for resourceSpans in fromProtobuf.resourceSpans {
                #expect(resourceSpans.resource.attributes.contains { $0.key == "service.name" && !$0.value.stringValue.isEmpty })
            }
        }
    }

    @Test(arguments: [BodyEncoding.protobuf, .json]) func instancesGetFreshConsistentIDsAndShiftedTimes(_ encoding: BodyEncoding) throws {
        let pool = Self.pool(encoding)
        let template = pool.templates[0]
        var random = LoadRandom(seed: 99, stream: 7)
        let shift: Int64 = 3_600_000_000_123
        let instance = template.instantiate(random: &random, shiftNanos: shift)
        #expect(instance.body.count == template.bytes.count)
        let original = try Self.decode(template.bytes, encoding).resourceSpans.flatMap { $0.scopeSpans.flatMap(\.spans) }
        let rewritten = try Self.decode(instance.body, encoding).resourceSpans.flatMap { $0.scopeSpans.flatMap(\.spans) }
        let newIDs = Set(instance.traceIDs)
        let oldIDs = Set(pool.plans[0].map(\.traceID))
        #expect(newIDs.count == template.traceCount && newIDs.isDisjoint(with: oldIDs))
        var spansByTrace: [TraceID: Set<Data>] = [:]
        for span in rewritten {
            let traceID = try #require(TraceID(bytes: span.traceID))
            #expect(newIDs.contains(traceID))
            spansByTrace[traceID, default: []].insert(span.spanID)
        }
        for (traceID, count) in zip(instance.traceIDs, instance.spanCounts) { #expect(spansByTrace[traceID]?.count == count) }
        for (before, after) in zip(original, rewritten) {
            #expect(after.startTimeUnixNano == before.startTimeUnixNano + UInt64(shift))
            #expect(after.endTimeUnixNano == before.endTimeUnixNano + UInt64(shift))
            #expect(zip(before.events, after.events).allSatisfy { $1.timeUnixNano == $0.timeUnixNano + UInt64(shift) })
            #expect(after.spanID != before.spanID && after.name == before.name)
            let traceID = try #require(TraceID(bytes: after.traceID))
            if !after.parentSpanID.isEmpty { #expect(spansByTrace[traceID]?.contains(after.parentSpanID) == true) }
            for link in after.links {
                let target = try #require(TraceID(bytes: link.traceID))
                #expect(newIDs.contains(target) && spansByTrace[target]?.contains(link.spanID) == true,
                        "a link still points at its producer span")
            }
        }
        var again = LoadRandom(seed: 99, stream: 7)
        #expect(template.instantiate(random: &again, shiftNanos: shift).body == instance.body, "the same stream gives the same body")
    }

    @Test func aPrefixTemplateKeepsLinksConsistent() throws {
        let pool = Self.pool(.protobuf)
        for index in pool.templates.indices where pool.templates[index].traceCount > 1 {
            let prefix = pool.template(index, traces: 1)
            #expect(prefix.traceCount == 1 && prefix.spanCount == pool.plans[index][0].spans.count)
            _ = try Self.decode(prefix.bytes, .protobuf)
        }
        #expect(pool.template(0, traces: pool.templates[0].traceCount).bytes == pool.templates[0].bytes)
    }

    @Test func largeTracesTravelAloneAndSmallBatchesStaySmall() {
        let pool = Self.pool(.protobuf, batch: 5)
        for (index, template) in pool.templates.enumerated() {
            #expect(template.spanCount <= 5 || pool.plans[index].count == 1)
        }
        #expect(RequestPool.size(batch: 200) == 64 && RequestPool.size(batch: 100_000) == 4)
    }
}
