import SkeinCore

/// Edits of a serialized OTLP `Span` that leave every other field byte for byte as received.
///
/// Sampling changes only `trace_state` (field 3, otlp-wire.md §1.4) when it raises or erases the
/// `ot=th:` threshold (§5.4); decoding and re-encoding the whole span would cost far more and
/// could reorder or normalise fields the sender wrote.
package enum EncodedSpan {
    /// `encodedSpan` with its `trace_state` replaced by `traceState` (removed when empty, as
    /// proto3 writes no empty strings). The new field goes where the old one was, or before the
    /// first field numbered above 3.
    package static func replacingTraceState(_ encodedSpan: [UInt8], with traceState: String) throws(OTLPDecodingError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encodedSpan.count + traceState.utf8.count + 4)
        var inserted = traceState.isEmpty
        var offset = 0
        while offset < encodedSpan.count {
            let start = offset
            let tag = try readVarint(encodedSpan, &offset)
            let field = tag >> 3
            try skipValue(encodedSpan, wireType: UInt8(tag & 7), &offset)
            if field >= 3 && !inserted {
                appendTraceState(traceState, to: &out)
                inserted = true
            }
            if field != 3 { out.append(contentsOf: encodedSpan[start..<offset]) }
        }
        if !inserted { appendTraceState(traceState, to: &out) }
        return out
    }

    private static func appendTraceState(_ traceState: String, to out: inout [UInt8]) {
        out.append(3 << 3 | 2)  // field 3, length-delimited
        appendVarint(UInt64(traceState.utf8.count), to: &out)
        out.append(contentsOf: traceState.utf8)
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) { Varint.append(value, to: &out) }

    private static func readVarint(_ bytes: [UInt8], _ offset: inout Int) throws(OTLPDecodingError) -> UInt64 {
        guard let value = bytes.withUnsafeBytes({ Varint.read($0, at: &offset) }) else {
            throw OTLPDecodingError("span bytes end inside a varint")
        }
        return value
    }

    /// Moves `offset` past one field's value of the given wire type.
    private static func skipValue(_ bytes: [UInt8], wireType: UInt8, _ offset: inout Int) throws(OTLPDecodingError) {
        switch wireType {
        case 0: _ = try readVarint(bytes, &offset)
        case 1: offset += 8
        case 2:
            let length = try readVarint(bytes, &offset)
            guard length <= UInt64(bytes.count - offset) else { throw OTLPDecodingError("span field length runs past the end") }
            offset += Int(length)
        case 5: offset += 4
        default: throw OTLPDecodingError("span holds unsupported protobuf wire type \(wireType)")
        }
        guard offset <= bytes.count else { throw OTLPDecodingError("span bytes end inside a field") }
    }
}
