import Foundation
import OTLPProto
import SkeinCore
import SkeinTesting
import SwiftProtobuf
import Testing
@testable import SkeinOTLP

/// The byte reader against the reference conversion through swift-protobuf's generated types:
/// the same batches for random requests, and on damaged bytes it never stores anything
/// swift-protobuf could not read back.
@Suite struct ExportRequestReaderTests {
    @Test func agreesWithTheGeneratedTypesOnRandomRequests() throws {
        var random = SeededRandom(state: 11)
        for round in 0..<400 {
            let request = RandomRequests.request(&random)
            let policy = round % 4 == 0 ? AttributeIndexPolicy(maxValueBytes: 8, excludeKeys: ["k1"]) : AttributeIndexPolicy()
            let fast = try ValidatedExport(protobuf: try request.serializedBytes(), tenant: .single, indexPolicy: policy)
            let reference = try ReferenceExport.convert(request, policy: policy)
            try expectSame(fast, reference, round: round)
        }
    }

    @Test func damagedBytesAreRefusedOrReadExactlyAsTheGeneratedTypesReadThem() throws {
        var random = SeededRandom(state: 12)
        var accepted = 0, refused = 0, stricter = 0
        for round in 0..<3_000 {
            var bytes: [UInt8] = try RandomRequests.request(&random).serializedBytes()
            RandomRequests.damage(&bytes, &random)
            guard let fast = try? ValidatedExport(protobuf: bytes, tenant: .single) else {
                refused += 1
                if (try? ExportTraceRequest(serializedBytes: bytes)) != nil { stricter += 1 }
                continue
            }
            accepted += 1
            let decoded: ExportTraceRequest
            do {
                decoded = try ExportTraceRequest(serializedBytes: bytes)
            } catch {
                Issue.record("round \(round): the reader accepted bytes swift-protobuf refuses (\(error))")
                continue
            }
            try expectSame(fast, try ReferenceExport.convert(decoded), round: round)
        }
        // Both outcomes must be exercised, or the test proves little.
        #expect(accepted > 150 && refused > 150, "accepted \(accepted), refused \(refused)")
        // The reader is stricter in one way only: a known field with the wrong wire type (which
        // swift-protobuf keeps as an unknown field) is refused, as no OTLP encoder writes one.
        // Seen: 13 of 3,000 damaged requests.
        #expect(stricter < 60, "\(stricter) requests that swift-protobuf reads were refused")
    }

    @Test func refusalsSayWhereTheProblemIs() throws {
        let span = OTLPBuilders.span(trace: TraceID(high: 1, low: 1), id: 1, startNanos: 1)
        var bytes: [UInt8] = try OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "s", spans: [span, span])]).serializedBytes()
        bytes.removeLast(3)
        #expect {
            try ValidatedExport(protobuf: bytes, tenant: .single)
        } throws: { error in
            let message = (error as? OTLPDecodingError)?.message ?? ""
            return message.hasPrefix("not a valid protobuf ExportTraceServiceRequest: resourceSpans[0]")
        }
        // A string that is not UTF-8: the span's name.
        var named = OTLPBuilders.span(trace: TraceID(high: 1, low: 1), id: 1, name: "ab", startNanos: 1)
        named.name = "\u{1}\u{2}"
        var raw: [UInt8] = try OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "s", spans: [named])]).serializedBytes()
        let name: [UInt8] = [0x2A, 0x02, 0x01, 0x02]  // field 5, 2 bytes
        let at = try #require((0...(raw.count - name.count)).first { Array(raw[$0..<($0 + name.count)]) == name })
        raw[at + 2] = 0xFF
        #expect {
            try ValidatedExport(protobuf: raw, tenant: .single)
        } throws: { error in
            (error as? OTLPDecodingError)?.message.contains("spans[0]: a string field is not valid UTF-8") == true
        }
    }

    @Test func deeplyNestedValuesAreRefusedNotRecursedInto() throws {
        var value = OTLPAnyValue.with { $0.stringValue = "leaf" }
        for _ in 0..<40 { value = .with { [value] in $0.arrayValue = .with { $0.values = [value] } } }
        let span = OTLPBuilders.span(trace: TraceID(high: 1, low: 1), id: 1, startNanos: 1,
                                     attributes: [OTLPBuilders.attribute("deep", value)])
        let bytes: [UInt8] = try OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "s", spans: [span])]).serializedBytes()
        #expect(throws: OTLPDecodingError.self) { try ValidatedExport(protobuf: bytes, tenant: .single) }
    }

    private func expectSame(_ fast: ValidatedExport, _ reference: ReferenceExport.Result, round: Int) throws {
        #expect(fast.rejectedSpans == reference.rejected, "round \(round)")
        try #require(fast.batch.groups.count == reference.groups.count, "round \(round)")
        for (mine, theirs) in zip(fast.batch.groups, reference.groups) {
            #expect(mine.serviceName == theirs.serviceName, "round \(round)")
            #expect(mine.resourceAttributes == theirs.resourceAttributes, "round \(round)")
            #expect(try Self.envelope(mine.encodedResourceScope) == Self.envelope(theirs.encodedResourceScope), "round \(round)")
            try #require(mine.spans.count == theirs.spans.count, "round \(round)")
            for (a, b) in zip(mine.spans, theirs.spans) {
                #expect(a.traceID == b.traceID && a.spanID == b.spanID && a.parentSpanID == b.parentSpanID, "round \(round)")
                #expect(a.name == b.name && a.kind == b.kind && a.startNanos == b.startNanos && a.endNanos == b.endNanos, "round \(round)")
                #expect(a.isError == b.isError && a.traceState == b.traceState && a.peerService == b.peerService, "round \(round)")
                #expect(a.attributes == b.attributes, "round \(round)")
                let (left, right) = (try OTLPSpan(serializedBytes: a.encodedSpan), try OTLPSpan(serializedBytes: b.encodedSpan))
                // Compared as re-encoded bytes: a damaged double can be NaN, which is never == itself.
                #expect(try left.serializedBytes() as [UInt8] == right.serializedBytes(), "round \(round): \(left) against \(right)")
            }
        }
    }

    /// An envelope as a message, without the unknown fields of its own two levels: the reader
    /// keeps those bytes, the reference (building a new message) drops them.
    private static func envelope(_ bytes: [UInt8]) throws -> OTLPResourceSpans {
        var envelope = try OTLPResourceSpans(serializedBytes: bytes)
        envelope.unknownFields = UnknownStorage()
        for index in envelope.scopeSpans.indices { envelope.scopeSpans[index].unknownFields = UnknownStorage() }
        return envelope
    }
}

/// Random OTLP requests with every field kind, including invalid IDs and odd values.
enum RandomRequests {
    static func request(_ random: inout SeededRandom) -> ExportTraceRequest {
        .with { request in
            request.resourceSpans = (0..<(1 + random.below(3))).map { _ in resourceSpans(&random) }
        }
    }

    static func resourceSpans(_ random: inout SeededRandom) -> OTLPResourceSpans {
        .with { resourceSpans in
            if !random.chance(10) {
                resourceSpans.resource = .with { resource in
                    if random.chance(85) { resource.attributes.append(OTLPBuilders.attribute("service.name", random.pick(["cart", "", "checkout"]))) }
                    resource.attributes += attributes(&random, count: random.below(4))
                    if random.chance(10) { resource.droppedAttributesCount = 2 }
                }
            }
            if random.chance(30) { resourceSpans.schemaURL = "https://opentelemetry.io/schemas/1.40.0" }
            resourceSpans.scopeSpans = (0..<(1 + random.below(2))).map { _ in
                .with { scopeSpans in
                    if random.chance(80) {
                        scopeSpans.scope = .with { scope in
                            scope.name = random.pick(["io.opentelemetry.http", "", "lib"])
                            scope.version = random.chance(50) ? "1.2.3" : ""
                            scope.attributes = attributes(&random, count: random.below(2))
                        }
                    }
                    scopeSpans.spans = (0..<random.below(5)).map { _ in span(&random) }
                }
            }
        }
    }

    static func span(_ random: inout SeededRandom) -> OTLPSpan {
        .with { span in
            span.traceID = Data(random.chance(5) ? [UInt8](repeating: 0, count: 16) : (0..<(random.chance(3) ? 15 : 16)).map { _ in UInt8(random.below(256)) })
            span.spanID = Data(random.chance(3) ? [UInt8](repeating: 0, count: 8) : (0..<(random.chance(3) ? 4 : 8)).map { _ in UInt8(random.below(256)) })
            switch random.below(10) {
            case 0: span.parentSpanID = Data(repeating: 0, count: 8)
            case 1: span.parentSpanID = Data([1, 2, 3])
            case 2...5: span.parentSpanID = Data((0..<8).map { _ in UInt8(random.below(256)) })
            default: break
            }
            span.name = random.pick(["GET /cart", "", "SELECT", "zahlung prüfen", "送信"])
            span.kind = OTLPSpan.SpanKind(rawValue: random.chance(5) ? 9 : random.below(6)) ?? .unspecified
            if random.chance(20) { span.traceState = "ot=th:8;rv:0011223344556677,vendor=x" }
            span.startTimeUnixNano = random.next() >> 2
            span.endTimeUnixNano = random.chance(5) ? 0 : span.startTimeUnixNano &+ UInt64(random.below(1_000_000_000))
            span.attributes = attributes(&random, count: random.below(6))
            if random.chance(30) {
                span.events = (0..<(1 + random.below(2))).map { _ in
                    .with { $0.name = "exception"; $0.timeUnixNano = 5; $0.attributes = attributes(&random, count: random.below(3)) }
                }
            }
            if random.chance(15) {
                span.links = [.with {
                    $0.traceID = Data((0..<16).map { _ in UInt8(random.below(256)) })
                    $0.spanID = Data((0..<8).map { _ in UInt8(random.below(256)) })
                    $0.attributes = attributes(&random, count: 1)
                    $0.flags = 0x301
                }]
            }
            if random.chance(40) {
                span.status = .with {
                    $0.code = OTLPStatus.StatusCode(rawValue: random.below(3)) ?? .unset
                    if random.chance(50) { $0.message = "failed" }
                }
            }
            if random.chance(30) { span.flags = 0x101 }
            if random.chance(10) { span.droppedAttributesCount = 3 }
        }
    }

    static func attributes(_ random: inout SeededRandom, count: Int) -> [OTLPKeyValue] {
        (0..<count).map { _ in
            let key = random.pick(["k1", "k2", "http.route", "peer.service", "service.peer.name", "server.address", "ключ"])
            return OTLPBuilders.attribute(key, value(&random, depth: 0))
        }
    }

    static func value(_ random: inout SeededRandom, depth: Int) -> OTLPAnyValue {
        .with { value in
            switch random.below(depth > 2 ? 7 : 9) {
            case 0: value.stringValue = random.pick(["GET", "", "a longer value than eight", "ünïcode"])
            case 1: value.boolValue = random.chance(50)
            case 2: value.intValue = random.chance(20) ? -Int64(random.below(1_000)) : Int64(random.below(100_000))
            case 3: value.doubleValue = random.pick([0.25, -0.0, 1e300, 3.0, 0.1, .infinity])
            case 4: value.bytesValue = Data((0..<random.below(6)).map { _ in UInt8(random.below(256)) })
            case 5: value.stringValueStrindex = 3
            case 6: break  // no member set: an empty value
            case 7: value.arrayValue = .with { $0.values = (0..<random.below(3)).map { _ in self.value(&random, depth: depth + 1) } }
            default:
                value.kvlistValue = .with { list in
                    list.values = (0..<random.below(3)).map { _ in OTLPBuilders.attribute("n", self.value(&random, depth: depth + 1)) }
                }
            }
        }
    }

    /// One to three random edits: flip a byte, cut the end, insert or delete a few bytes.
    static func damage(_ bytes: inout [UInt8], _ random: inout SeededRandom) {
        for _ in 0..<(1 + random.below(3)) where !bytes.isEmpty {
            let at = random.below(bytes.count)
            switch random.below(4) {
            case 0: bytes[at] ^= UInt8(1 << random.below(8))
            case 1: bytes.removeSubrange(at...)
            case 2: bytes.insert(contentsOf: (0..<(1 + random.below(3))).map { _ in UInt8(random.below(256)) }, at: at)
            default: bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.below(4)))
            }
        }
    }
}
