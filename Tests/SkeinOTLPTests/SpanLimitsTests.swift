import Foundation
import OTLPProto
import SkeinCore
import SkeinTesting
import SwiftProtobuf
import Testing
@testable import SkeinOTLP

/// The per-span limits at ingest: what is over a limit is dropped and counted in the span's
/// dropped_*_count fields and in the counters.
@Suite struct SpanLimitsTests {
    let trace = TraceID(high: 3, low: 4)

    func export(_ spans: [OTLPSpan], limits: SpanLimits, counters: RedactionCounters? = nil) throws -> ValidatedExport {
        try ValidatedExport(request: OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "svc", spans: spans)]), tenant: .single,
                            rewrite: IngestRewrite(limits: limits, counters: counters))
    }

    @Test func dropsAttributesEventsAndLinksOverTheLimitsAndCountsThem() throws {
        var span = OTLPBuilders.span(trace: trace, id: 1, startNanos: 1, attributes: (0..<5).map { OTLPBuilders.attribute("a\($0)", "v\($0)") })
        span.droppedAttributesCount = 2
        span.events = (0..<4).map { index in .with {
            $0.name = "e\(index)"
            $0.attributes = (0..<4).map { OTLPBuilders.attribute("e\(index).\($0)", "x") }
        } }
        span.links = (0..<3).map { index in .with {
            $0.traceID = Data(trace.bytes)
            $0.spanID = Data(SpanID(UInt64(10 + index)).bytes)
        } }
        let counters = RedactionCounters()
        let limits = SpanLimits(maxAttributesPerSpan: 3, maxEventsPerSpan: 2, maxLinksPerSpan: 1)
        let batchSpan = try export([span], limits: limits, counters: counters).batch.groups[0].spans[0]
        let stored = try OTLPSpan(serializedBytes: batchSpan.encodedSpan)
        #expect(stored.attributes.map(\.key) == ["a0", "a1", "a2"])
        #expect(stored.droppedAttributesCount == 4)  // 2 already dropped by the sender, 2 here
        #expect(stored.events.map(\.name) == ["e0", "e1"])
        #expect(stored.droppedEventsCount == 2)
        #expect(stored.events.map(\.droppedAttributesCount) == [1, 1])
        #expect(stored.links.count == 1 && stored.droppedLinksCount == 2)
        // The index never sees what was dropped.
        #expect(!batchSpan.attributes.contains { $0.key == "a3" || $0.key.hasPrefix("e2.") || $0.key == "e0.3" })
        #expect(batchSpan.attributes.contains { $0.key == "e1.2" })
        var counts = RedactionCounters.Snapshot()
        (counts.attributesOverLimit, counts.eventsOverLimit, counts.linksOverLimit) = (4, 2, 2)
        #expect(counters.snapshot == counts)
    }

    @Test func truncatesLongStringsOnACharacterBoundary() throws {
        // "é" is two bytes: a cut at 5 bytes would split the third one.
        let span = OTLPBuilders.span(trace: trace, id: 1, startNanos: 1, attributes: [
            OTLPBuilders.attribute("long", "ééééé"), OTLPBuilders.attribute("short", "éé"),
            OTLPBuilders.attribute("number", .with { $0.intValue = 123_456_789 }),
        ])
        let batchSpan = try export([span], limits: SpanLimits(maxAttributeValueLength: 5)).batch.groups[0].spans[0]
        let stored = try OTLPSpan(serializedBytes: batchSpan.encodedSpan)
        #expect(stored.attributes.map { AttributeText.searchForm($0.value) } == ["éé", "éé", "123456789"])
        #expect(batchSpan.attributes.first { $0.key == "long" }?.value == "éé")
        #expect(ExportRequestReader.truncated("abcdef", toBytes: 3) == "abc")
        #expect(ExportRequestReader.truncated("a€", toBytes: 3) == "a")
    }

    @Test func refusesARequestWithTooManySpansAndKeepsSpansUnderTheLimitsAsSent() throws {
        let spans = (1...3).map { OTLPBuilders.span(trace: trace, id: UInt64($0), startNanos: 1) }
        let counters = RedactionCounters()
        #expect(throws: OTLPDecodingError.self) { try export(spans, limits: SpanLimits(maxSpansPerRequest: 2), counters: counters) }
        #expect(counters.snapshot.requestsOverSpanLimit == 1)
        let validated = try export(spans, limits: SpanLimits(maxSpansPerRequest: 3))
        #expect(validated.batch.groups[0].spans.map(\.encodedSpan) == spans.map { try! $0.serializedBytes() as [UInt8] })
    }
}
