import Foundation
import OTLPProto
import SkeinCore
import SkeinOTLP
import SkeinRedaction
import SkeinTesting
import SwiftProtobuf
import Testing

/// Each action on span, event, link and resource attributes, through the export reader, so the
/// stored bytes and the index entries are checked together.
@Suite struct RedactionRulesTests {
    let trace = TraceID(high: 7, low: 9)

    func rules() throws -> RedactionRules {
        try RedactionRules(rules: [
            RedactionRule(selector: .key("secret.key"), action: .drop),
            RedactionRule(selector: .key("user.id"), action: .hash),
            RedactionRule(selector: .keyPattern("email|message"), action: .mask, pattern: #"[^@\s]+@[^@\s]+"#),
            RedactionRule(selector: .key("card"), action: .mask, pattern: #"\b(?:\d[ -]?){13,16}\b"#, replacement: "[card]"),
            RedactionRule(selector: .key("token"), action: .mask),
        ], hashSalt: "pepper")
    }

    func hashed(_ text: String) -> String {
        // Worked out independently: `printf 'pepper42' | sha256sum`.
        precondition(text == "42")
        return "sha256:93ca73bec2907ec825519db1f7ee28cb033d71c83d14b76ef78b0c4e64566e6e"
    }

    func export(_ request: ExportTraceRequest, counters: RedactionCounters? = nil) throws -> ValidatedExport {
        try ValidatedExport(request: request, tenant: .single, rewrite: IngestRewrite(redactor: try rules(), counters: counters))
    }

    func attributes(_ list: [OTLPKeyValue]) -> [String: String] {
        Dictionary(list.map { ($0.key, AttributeText.searchForm($0.value)) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func dropsHashesAndMasksSpanAttributes() throws {
        let span = OTLPBuilders.span(trace: trace, id: 1, startNanos: 1, attributes: [
            OTLPBuilders.attribute("secret.key", "s3cr3t"),
            OTLPBuilders.attribute("user.id", .with { $0.intValue = 42 }),
            OTLPBuilders.attribute("user.email", "mail ann@example.com or bob@example.org"),
            OTLPBuilders.attribute("card", "paid with 4111 1111 1111 1111."),
            OTLPBuilders.attribute("token", "abc"),
            OTLPBuilders.attribute("http.route", "/cart"),
        ])
        let counters = RedactionCounters()
        let validated = try export(OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "web", spans: [span])]), counters: counters)
        let batchSpan = validated.batch.groups[0].spans[0]
        let stored = attributes(try OTLPSpan(serializedBytes: batchSpan.encodedSpan).attributes)
        let expected = [
            "user.id": hashed("42"), "user.email": "mail **** or ****", "card": "paid with [card].",
            "token": "****", "http.route": "/cart",
        ]
        #expect(stored == expected)
        // The index holds exactly the redacted values.
        #expect(Dictionary(batchSpan.attributes.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }) == expected)
        var counts = RedactionCounters.Snapshot()
        (counts.attributesDropped, counts.valuesHashed, counts.valuesMasked) = (1, 1, 3)
        #expect(counters.snapshot == counts)
    }

    @Test func appliesToEventsLinksAndResources() throws {
        var span = OTLPBuilders.span(trace: trace, id: 1, startNanos: 1)
        span.events = [.with {
            $0.name = "login"
            $0.attributes = [OTLPBuilders.attribute("message", "by ann@example.com"), OTLPBuilders.attribute("secret.key", "x")]
        }]
        span.links = [.with {
            $0.traceID = Data(trace.bytes)
            $0.spanID = Data(SpanID(9).bytes)
            $0.attributes = [OTLPBuilders.attribute("user.id", .with { $0.intValue = 42 }), OTLPBuilders.attribute("kept", "yes")]
        }]
        let resource = OTLPBuilders.resourceSpans(service: "web", spans: [span], resourceAttributes: [
            OTLPBuilders.attribute("secret.key", "k"), OTLPBuilders.attribute("host.name", "h1"),
        ])
        let group = try export(OTLPBuilders.request([resource])).batch.groups[0]
        let stored = try OTLPSpan(serializedBytes: group.spans[0].encodedSpan)
        #expect(attributes(stored.events[0].attributes) == ["message": "by ****"])
        #expect(attributes(stored.links[0].attributes) == ["user.id": hashed("42"), "kept": "yes"])
        #expect(stored.links[0].spanID == Data(SpanID(9).bytes))
        let envelope = try OTLPResourceSpans(serializedBytes: group.encodedResourceScope)
        #expect(attributes(envelope.resource.attributes) == ["service.name": "web", "host.name": "h1"])
        #expect(envelope.scopeSpans[0].scope.name == "test.scope")
        #expect(!group.resourceAttributes.contains { $0.key == "secret.key" })
        #expect(group.spans[0].attributes.contains(IndexedAttribute(key: "message", value: "by ****")))
    }

    @Test func leavesUnmatchedSpansByteForByte() throws {
        let span = OTLPBuilders.span(trace: trace, id: 1, startNanos: 1, attributes: [OTLPBuilders.attribute("user.email", "none here")])
        let request = OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "web", spans: [span])])
        let validated = try export(request)
        #expect(validated.batch.groups[0].spans[0].encodedSpan == (try span.serializedBytes() as [UInt8]))
    }

    @Test func firstRuleWinsAndServiceNameCannotBeDroppedOrHashed() throws {
        let ordered = try RedactionRules(rules: [
            RedactionRule(selector: .keyPattern("^user\\."), action: .mask),
            RedactionRule(selector: .key("user.id"), action: .drop),
        ])
        #expect(ordered.rule(forKey: "user.id") == 0)
        #expect(ordered.rule(forKey: "other") == nil)
        #expect(throws: RedactionRuleError.self) { try RedactionRules(rules: [RedactionRule(selector: .key("service.name"), action: .drop)]) }
        #expect(throws: RedactionRuleError.self) { try RedactionRules(rules: [RedactionRule(selector: .keyPattern("service"), action: .hash)]) }
        do {
            _ = try RedactionRules(rules: [RedactionRule(selector: .key("a"), action: .drop),
                                           RedactionRule(selector: .key("b"), action: .mask, pattern: "(unclosed")])
            Issue.record("an invalid pattern was accepted")
        } catch {
            #expect(error.index == 1 && error.field == "pattern")
        }
        // A mask for every key leaves service.name alone.
        let everything = try RedactionRules(rules: [RedactionRule(selector: .keyPattern(".*"), action: .mask)])
        let span = OTLPBuilders.span(trace: trace, id: 1, startNanos: 1, attributes: [OTLPBuilders.attribute("a", "b")])
        let validated = try ValidatedExport(request: OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "web", spans: [span])]),
                                            tenant: .single, rewrite: IngestRewrite(redactor: everything))
        #expect(validated.batch.groups[0].serviceName == "web")
        #expect(validated.batch.groups[0].spans[0].attributes == [IndexedAttribute(key: "a", value: "****")])
    }
}
