import SkeinCore

/// The value of a span record: the spans of one trace that arrived in one batch.
///
/// VALUE: format(1) = 2 · count(varint) · per span: spanID(8) · envelopeRef(8) · length(varint) · OTLP Span bytes
enum SpanGroup {
    static let format: UInt8 = 2

    struct Member {
        var spanID: UInt64
        var envelopeReference: UInt64
        var span: [UInt8]
    }

    static func encode(_ members: [(spanID: UInt64, envelopeReference: UInt64, span: [UInt8])]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(members.reduce(8) { $0 + $1.span.count + 20 })
        out.append(format)
        Varint.append(UInt64(members.count), to: &out)
        for member in members {
            BigEndian.append(member.spanID, to: &out)
            BigEndian.append(member.envelopeReference, to: &out)
            Varint.append(UInt64(member.span.count), to: &out)
            out.append(contentsOf: member.span)
        }
        return out
    }

    /// The number of spans in a record without reading them; nil when it is not a span group.
    static func count(_ value: UnsafeRawBufferPointer) -> Int? {
        guard value.first == format else { return nil }
        var offset = 1
        return Varint.read(value, at: &offset).map { Int(clamping: $0) }
    }

    /// Calls `visit` for each span in the record; false when the record is malformed.
    static func decode(_ value: UnsafeRawBufferPointer, _ visit: (Member) -> Void) -> Bool {
        guard value.first == format else { return false }
        var offset = 1
        guard let count = Varint.read(value, at: &offset) else { return false }
        for _ in 0..<count {
            guard offset + 16 <= value.count else { return false }
            let spanID = BigEndian.uint64(value, at: offset)
            let reference = BigEndian.uint64(value, at: offset + 8)
            offset += 16
            guard let length = Varint.read(value, at: &offset), length <= UInt64(value.count - offset) else { return false }
            let end = offset + Int(length)
            visit(Member(spanID: spanID, envelopeReference: reference, span: Array(value[offset..<end])))
            offset = end
        }
        return offset == value.count
    }
}
