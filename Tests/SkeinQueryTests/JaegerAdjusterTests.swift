import SkeinCore
import SkeinTesting
import Testing
@testable import SkeinQuery

@Suite struct JaegerAdjusterTests {
    let traceID = TraceID(high: 0, low: 1)

    func span(_ id: UInt64, parent: UInt64? = nil, start: UInt64, duration: UInt64, process: String) -> JaegerSpan {
        JaegerSpan(traceID: traceID, spanID: SpanID(id), flags: 0, operationName: "op",
                   references: parent.map { [JaegerReference(type: .childOf, traceID: traceID, spanID: SpanID($0))] } ?? [],
                   startTime: start, duration: duration, tags: [], logs: [JaegerLog(timestamp: start, fields: [])],
                   processID: process, warnings: [])
    }

    func trace(_ spans: [JaegerSpan], hosts: [String?]) -> JaegerTrace {
        JaegerTrace(traceID: traceID, spans: spans, processes: hosts.enumerated().map { index, host in
            ("p\(index + 1)", JaegerProcess(serviceName: "s\(index)", tags: host.map { [JaegerKeyValue("host.name", .string($0))] } ?? []))
        })
    }

    @Test func removesIdenticalSpansOnly() {
        var jaeger = trace([span(1, start: 10, duration: 5, process: "p1"), span(1, start: 10, duration: 5, process: "p1"),
                            span(1, start: 10, duration: 6, process: "p1")], hosts: ["a"])
        DeduplicateSpans().adjust(&jaeger)
        #expect(jaeger.spans.count == 2)
    }

    @Test func shiftsAChildFromAnotherHostIntoItsParentAndWarns() {
        // Parent on host a: 1000…1100. Child on host b claims 5000…5020: its clock runs ahead.
        var jaeger = trace([span(1, start: 1_000, duration: 100, process: "p1"),
                            span(2, parent: 1, start: 5_000, duration: 20, process: "p2"),
                            span(3, parent: 2, start: 5_005, duration: 5, process: "p2")], hosts: ["a", "b"])
        CorrectClockSkew().adjust(&jaeger)
        #expect(jaeger.spans[1].startTime == 1_040)  // centred: 1000 + (100 - 20) / 2
        #expect(jaeger.spans[1].logs[0].timestamp == 1_040)
        #expect(jaeger.spans[1].warnings == ["This span's timestamps were adjusted by -3.96ms"])
        #expect(jaeger.spans[2].startTime == 1_045)  // same host as its parent: moved with it
        #expect(jaeger.spans[0].warnings.isEmpty)
    }

    @Test func leavesSpansAloneWhenHostsAreUnknownOrEqualOrTheChildFits() {
        var unknown = trace([span(1, start: 1_000, duration: 100, process: "p1"),
                             span(2, parent: 1, start: 5_000, duration: 20, process: "p2")], hosts: [nil, "b"])
        CorrectClockSkew().adjust(&unknown)
        #expect(unknown.spans[1].startTime == 5_000)
        var fits = trace([span(1, start: 1_000, duration: 100, process: "p1"),
                          span(2, parent: 1, start: 1_010, duration: 20, process: "p2")], hosts: ["a", "b"])
        CorrectClockSkew().adjust(&fits)
        #expect(fits.spans[1].startTime == 1_010 && fits.spans[1].warnings.isEmpty)
    }

    @Test func aLongerChildIsAlignedToItsParentsStart() {
        var jaeger = trace([span(1, start: 1_000, duration: 10, process: "p1"),
                            span(2, parent: 1, start: 900, duration: 50, process: "p2")], hosts: ["a", "b"])
        CorrectClockSkew().adjust(&jaeger)
        #expect(jaeger.spans[1].startTime == 1_000)
    }

    @Test func sortsByStartTime() {
        var jaeger = trace([span(2, start: 20, duration: 1, process: "p1"), span(1, start: 10, duration: 1, process: "p1")], hosts: ["a"])
        SortSpans().adjust(&jaeger)
        #expect(jaeger.spans.map(\.spanID.value) == [1, 2])
    }
}
