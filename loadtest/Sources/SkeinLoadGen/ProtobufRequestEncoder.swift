import SkeinCore

/// Encodes generated traces as a protobuf `ExportTraceServiceRequest` (otlp-wire.md §1),
/// recording the offsets `RequestTemplate` rewrites. Hand-written rather than through the
/// generated types because SwiftProtobuf cannot say where a field landed; the tests decode
/// the output with SwiftProtobuf to prove the two agree.
enum ProtobufRequestEncoder {
    static func encode(_ traces: [GeneratedTrace], instances: [[ServiceInstance]]) -> RequestTemplate {
        var slots: [TraceID: Int] = [:]
        for (index, trace) in traces.enumerated() { slots[trace.traceID] = index }
        var writer = ProtobufWriter()
        for group in RequestGrouping(traces).groups {
            writer.message(1) { resourceSpans in
                resourceSpans.message(1) { resource in
                    for attribute in instances[group.instance.service][group.instance.instance].attributes {
                        resource.message(1) { $0.keyValue(attribute) }
                    }
                }
                for (scope, spans) in group.scopes {
                    resourceSpans.message(2) { scopeSpans in
                        scopeSpans.message(1) { $0.string(1, scope.scopeName); $0.string(2, RequestGrouping.scopeVersion) }
                        for (trace, span) in spans {
                            scopeSpans.message(2) {
                                $0.span(traces[trace].spans[span], traceID: traces[trace].traceID, trace: trace, slots: slots)
                            }
                        }
                    }
                }
                resourceSpans.string(3, RequestGrouping.schemaURL)
            }
        }
        return RequestTemplate(encoding: .protobuf, bytes: writer.bytes, traceIDSites: writer.traceSites(count: traces.count),
                               spanIDSites: writer.spanIDSites, timeSites: writer.timeSites,
                               spanCounts: traces.map(\.spans.count))
    }
}

/// A minimal protobuf writer: tags, varints, fixed-width fields and nested messages, with
/// the offsets of ID and time payloads carried up through the nesting.
struct ProtobufWriter {
    var bytes: [UInt8] = []
    var traceIDSites: [(trace: Int, offset: Int)] = []
    var spanIDSites: [Int] = []
    var timeSites: [Int] = []

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func tag(_ field: Int, _ wireType: Int) { varint(UInt64(field << 3 | wireType)) }

    /// A string field, left out when empty (proto3 default).
    mutating func string(_ field: Int, _ value: String) {
        guard !value.isEmpty else { return }
        tag(field, 2)
        varint(UInt64(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    /// A length-delimited bytes field; returns where the payload starts.
    @discardableResult
    mutating func bytesField(_ field: Int, _ value: [UInt8]) -> Int {
        tag(field, 2)
        varint(UInt64(value.count))
        let offset = bytes.count
        bytes.append(contentsOf: value)
        return offset
    }

    /// A fixed64 field, little-endian; returns where the payload starts.
    @discardableResult
    mutating func fixed64(_ field: Int, _ value: UInt64) -> Int {
        tag(field, 1)
        let offset = bytes.count
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        return offset
    }

    mutating func fixed32(_ field: Int, _ value: UInt32) {
        tag(field, 5)
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    /// A nested message written by `body`; its sites move by where it lands.
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var child = ProtobufWriter()
        body(&child)
        tag(field, 2)
        varint(UInt64(child.bytes.count))
        let base = bytes.count
        bytes.append(contentsOf: child.bytes)
        traceIDSites += child.traceIDSites.map { ($0.trace, $0.offset + base) }
        spanIDSites += child.spanIDSites.map { $0 + base }
        timeSites += child.timeSites.map { $0 + base }
    }

    func traceSites(count: Int) -> [[Int]] {
        var sites = [[Int]](repeating: [], count: count)
        for site in traceIDSites { sites[site.trace].append(site.offset) }
        return sites
    }

    /// `KeyValue{key = 1, value = 2}` with `AnyValue{string = 1, bool = 2, int = 3, double = 4}`.
    mutating func keyValue(_ attribute: Attribute) {
        string(1, attribute.key)
        message(2) { value in
            switch attribute.value {
            case .string(let text):
                // Inside a oneof an empty string is still written: it is set, not absent.
                value.tag(1, 2)
                value.varint(UInt64(text.utf8.count))
                value.bytes.append(contentsOf: text.utf8)
            case .bool(let flag): value.tag(2, 0); value.varint(flag ? 1 : 0)
            case .int(let number): value.tag(3, 0); value.varint(UInt64(bitPattern: number))
            case .double(let number): value.fixed64(4, number.bitPattern)
            }
        }
    }

    /// `Span` fields 1-16 (otlp-wire.md §1.4); `trace` is the span's trace slot in the request.
    mutating func span(_ span: GeneratedSpan, traceID: TraceID, trace: Int, slots: [TraceID: Int]) {
        let traceSite = bytesField(1, traceID.bytes)
        traceIDSites.append((trace, traceSite))
        let spanSite = bytesField(2, SpanID(span.spanID).bytes)
        spanIDSites.append(spanSite)
        if span.parentSpanID != 0 {
            let parentSite = bytesField(4, SpanID(span.parentSpanID).bytes)
            spanIDSites.append(parentSite)
        }
        string(5, span.name)
        if span.kind.rawValue != 0 { tag(6, 0); varint(UInt64(span.kind.rawValue)) }
        let startSite = fixed64(7, span.startNanos)
        let endSite = fixed64(8, span.endNanos)
        timeSites += [startSite, endSite]
        for attribute in span.attributes { message(9) { $0.keyValue(attribute) } }
        for event in span.events {
            message(11) { writer in
                let site = writer.fixed64(1, event.timeNanos)
                writer.timeSites.append(site)
                writer.string(2, event.name)
                for attribute in event.attributes { writer.message(3) { $0.keyValue(attribute) } }
            }
        }
        for link in span.links {
            message(13) { writer in
                let offset = writer.bytesField(1, link.traceID.bytes)
                if let slot = slots[link.traceID] { writer.traceIDSites.append((slot, offset)) }
                let spanSite = writer.bytesField(2, SpanID(link.spanID).bytes)
                writer.spanIDSites.append(spanSite)
                for attribute in link.attributes { writer.message(4) { $0.keyValue(attribute) } }
                writer.fixed32(6, 0x101)
            }
        }
        if span.isError || !span.statusMessage.isEmpty {
            message(15) { status in
                status.string(2, span.statusMessage)
                if span.isError { status.tag(3, 0); status.varint(2) }
            }
        }
        fixed32(16, span.flags)
    }
}
