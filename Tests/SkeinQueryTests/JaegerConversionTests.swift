import Foundation
import OTLPProto
import SkeinCore
import SkeinOTLP
import SkeinTesting
import SwiftProtobuf
import Testing
@testable import SkeinQuery

@Suite struct JaegerConversionTests {
    let trace = TraceID(high: 0x5b8efff798038103, low: 0xd269b633813fc60c)

    func render(_ trace: JaegerTrace) throws -> JSONValue {
        var json = JSONWriter()
        JaegerJSON.write(trace, to: &json)
        return try JSONValue(parsing: json.bytes)
    }

    @Test func transformOfThePublishedFixtureMatchesJaeger() throws {
        let input = try RepositoryFiles.jaegerFixture("otlp2jaeger-in.json")
        let expected = try JSONValue(parsing: Array(try RepositoryFiles.jaegerFixture("otlp2jaeger-out.json")))
        let request = try OTLPJSONDecoder.decodeExportRequest(Array(input))
        let traces = JaegerTrace.traces(fromRequest: request.resourceSpans)
        let body = JaegerJSON.envelope { json in JaegerJSON.write(traces, to: &json) }
        #expect(try JSONValue(parsing: body).normalized == expected.normalized)
    }

    @Test func everyValueKindBecomesItsJaegerType() throws {
        let span = OTLPBuilders.span(trace: trace, id: 1, startNanos: 1_000, attributes: OTLPBuilders.everyValueKind)
        let jaeger = JaegerTrace(traceID: trace, resourceSpans: [OTLPBuilders.resourceSpans(service: "s", spans: [span])])
        let tags = try render(jaeger)["spans"].flatMap { if case .array(let spans) = $0 { spans[0]["tags"] } else { nil } }
        guard case .array(let list)? = tags else { Issue.record("no tags"); return }
        func check(_ key: String, _ type: String, _ value: JSONValue) {
            let tag = list.first { $0["key"] == .string(key) }
            #expect(tag?["type"] == .string(type), "type of \(key)")
            #expect(tag?["value"] == value, "value of \(key)")
        }
        check("string", "string", .string("GET"))
        check("bool", "bool", .bool(true))
        check("int", "int64", .number("42"))
        check("bigint", "int64", .string("9223372036854775222"))
        check("double", "float64", .number("0.25"))
        check("bytes", "binary", .string("AQL+/w=="))
        check("array", "string", .string(#"["a",7]"#))
        check("kvlist", "string", .string(#"{"k":1}"#))
        check("empty", "string", .string(""))
    }

    @Test func tagOrderStatusKindEventsLinksAndShortTraceIDs() throws {
        let shortTrace = TraceID(high: 0, low: 0x1)
        var span = OTLPBuilders.span(trace: shortTrace, id: 2, parent: 1, kind: .client, startNanos: 1_500_999,
                                     durationNanos: 2_999, attributes: [OTLPBuilders.attribute("a", "b")], error: true)
        span.traceState = "ot=th:c"
        span.events = [.with { $0.name = "exception"; $0.timeUnixNano = 2_000_000; $0.attributes = [OTLPBuilders.attribute("exception.type", "E")] }]
        span.links = [.with { $0.traceID = Data(TraceID(high: 7, low: 8).bytes); $0.spanID = Data(SpanID(9).bytes) }]
        var resource = OTLPBuilders.resourceSpans(service: "api", spans: [span])
        resource.scopeSpans[0].scope.version = "1.0"
        let json = try render(JaegerTrace(traceID: shortTrace, resourceSpans: [resource]))
        #expect(json["traceID"] == .string("0000000000000001"))
        guard case .array(let spans)? = json["spans"] else { Issue.record("no spans"); return }
        let rendered = spans[0]
        #expect(rendered["startTime"] == .number("1500"))
        #expect(rendered["duration"] == .number("2"))
        guard case .array(let tags)? = rendered["tags"] else { Issue.record("no tags"); return }
        #expect(tags.map { $0["key"]! } == ["otel.scope.name", "otel.scope.version", "a", "span.kind", "otel.status_code",
                                             "error", "otel.status_description", "w3c.tracestate"].map(JSONValue.string))
        #expect(rendered["references"] == .array([
            .object([("refType", .string("CHILD_OF")), ("traceID", .string("0000000000000001")), ("spanID", .string("0000000000000001"))]),
            .object([("refType", .string("FOLLOWS_FROM")), ("traceID", .string("00000000000000070000000000000008")), ("spanID", .string("0000000000000009"))]),
        ]))
        #expect(rendered["logs"] == .array([.object([
            ("timestamp", .number("2000")),
            ("fields", .array([
                .object([("key", .string("event")), ("type", .string("string")), ("value", .string("exception"))]),
                .object([("key", .string("exception.type")), ("type", .string("string")), ("value", .string("E"))]),
            ])),
        ])]))
        #expect(json["processes"]?["p1"]?["serviceName"] == .string("api"))
    }

    @Test func identicalResourcesShareAProcessKey() throws {
        let first = OTLPBuilders.resourceSpans(service: "a", spans: [OTLPBuilders.span(trace: trace, id: 1, startNanos: 1)])
        let other = OTLPBuilders.resourceSpans(service: "b", spans: [OTLPBuilders.span(trace: trace, id: 2, startNanos: 2)],
                                               resourceAttributes: [OTLPBuilders.attribute("host.name", "n1")])
        var sameAsFirst = OTLPBuilders.resourceSpans(service: "a", spans: [OTLPBuilders.span(trace: trace, id: 3, startNanos: 3)])
        sameAsFirst.scopeSpans[0].scope.name = "another.scope"
        let jaeger = JaegerTrace(traceID: trace, resourceSpans: [first, other, sameAsFirst])
        #expect(jaeger.spans.map(\.processID) == ["p1", "p2", "p1"])
        #expect(jaeger.processes.map(\.key) == ["p1", "p2"])
        #expect(jaeger.processes[1].process.tags == [JaegerKeyValue("host.name", .string("n1"))])
        #expect(jaeger.processes[1].process.serviceName == "b")
    }
}
