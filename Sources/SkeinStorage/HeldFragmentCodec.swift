import SkeinCore

/// The durable tail buffer's record layout: one fragment (one trace's spans from one resource
/// group) per key, holding everything the sampler and the span writer need, so a restart needs
/// no OTLP decoding to rebuild what was held.
enum HeldFragmentCodec {
    static let formatVersion: UInt8 = 1

    // KEY: tail<tenant><traceID:16><sequence:8>
    // One trace's fragments are adjacent and in arrival order.
    static func key(_ id: HeldFragment.ID) -> [UInt8] {
        var key = KeyLayout.tracePrefix(id.tenant, id.traceID)
        BigEndian.append(id.sequence, to: &key)
        return key
    }

    static func id(fromKey key: UnsafeRawBufferPointer) throws(StorageError) -> HeldFragment.ID {
        guard let tenantLength = key.first, key.count == 1 + Int(tenantLength) + 24 else {
            throw StorageError.corrupt("a tail buffer key has \(key.count) bytes")
        }
        let tenant = Tenant(String(decoding: UnsafeRawBufferPointer(rebasing: key[1..<(1 + Int(tenantLength))]), as: UTF8.self))
        let offset = 1 + Int(tenantLength)
        return HeldFragment.ID(tenant: tenant,
                               traceID: TraceID(high: BigEndian.uint64(key, at: offset), low: BigEndian.uint64(key, at: offset + 8)),
                               sequence: BigEndian.uint64(key, at: offset + 16))
    }

    // VALUE: version(1) · receivedNanos(8) · service · resourceScope · n · attribute* · n · span*
    //   span = spanID(8) · flags(1: parent, error, peer) · [parent(8)] · kind(1) · start(8) · end(8)
    //          · name · traceState · [peer] · n · attribute* · encodedSpan
    //   strings and byte strings are varint length · bytes; n is a varint count.
    static func value(_ fragment: HeldFragment) -> [UInt8] {
        var out: [UInt8] = []
        let group = fragment.group
        out.reserveCapacity(64 + group.encodedResourceScope.count + group.spans.reduce(0) { $0 + 96 + $1.encodedSpan.count })
        out.append(formatVersion)
        BigEndian.append(fragment.receivedNanos, to: &out)
        appendBytes(group.serviceName.utf8, to: &out)
        appendBytes(group.encodedResourceScope, to: &out)
        appendAttributes(group.resourceAttributes, to: &out)
        appendVarint(group.spans.count, to: &out)
        for span in group.spans {
            BigEndian.append(span.spanID.value, to: &out)
            out.append((span.parentSpanID != nil ? 1 : 0) | (span.isError ? 2 : 0) | (span.peerService != nil ? 4 : 0))
            if let parent = span.parentSpanID { BigEndian.append(parent.value, to: &out) }
            out.append(UInt8(truncatingIfNeeded: span.kind.rawValue))
            BigEndian.append(span.startNanos, to: &out)
            BigEndian.append(span.endNanos, to: &out)
            appendBytes(span.name.utf8, to: &out)
            appendBytes(span.traceState.utf8, to: &out)
            if let peer = span.peerService { appendBytes(peer.utf8, to: &out) }
            appendAttributes(span.attributes, to: &out)
            appendBytes(span.encodedSpan, to: &out)
        }
        return out
    }

    static func fragment(id: HeldFragment.ID, value: UnsafeRawBufferPointer) throws(StorageError) -> HeldFragment {
        var reader = Reader(data: value)
        guard try reader.byte() == formatVersion else { throw StorageError.corrupt("a tail buffer record has an unknown format") }
        let received = try reader.uint64()
        let service = try reader.string()
        let resourceScope = try reader.bytes()
        let resourceAttributes = try reader.attributes()
        let count = try reader.count()
        var spans: [BatchSpan] = []
        spans.reserveCapacity(count)
        for _ in 0..<count {
            let spanID = SpanID(try reader.uint64())
            let flags = try reader.byte()
            let parent = flags & 1 != 0 ? SpanID(try reader.uint64()) : nil
            let kind = SpanKind(otlp: Int32(try reader.byte()))
            let start = try reader.uint64()
            let end = try reader.uint64()
            let name = try reader.string()
            let traceState = try reader.string()
            let peer = flags & 4 != 0 ? try reader.string() : nil
            let attributes = try reader.attributes()
            spans.append(BatchSpan(traceID: id.traceID, spanID: spanID, name: name, kind: kind, startNanos: start, endNanos: end,
                                   parentSpanID: parent, isError: flags & 2 != 0, traceState: traceState, peerService: peer,
                                   attributes: attributes, encodedSpan: try reader.bytes()))
        }
        guard reader.isAtEnd else { throw StorageError.corrupt("a tail buffer record has trailing bytes") }
        return HeldFragment(id: id, receivedNanos: received,
                            group: ResourceGroup(serviceName: service, encodedResourceScope: resourceScope,
                                                 resourceAttributes: resourceAttributes, spans: spans))
    }

    private static func appendVarint(_ value: Int, to out: inout [UInt8]) {
        var value = UInt64(value)
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    private static func appendBytes(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        appendVarint(bytes.count, to: &out)
        out.append(contentsOf: bytes)
    }

    private static func appendAttributes(_ attributes: [IndexedAttribute], to out: inout [UInt8]) {
        appendVarint(attributes.count, to: &out)
        for attribute in attributes {
            appendBytes(attribute.key.utf8, to: &out)
            appendBytes(attribute.value.utf8, to: &out)
        }
    }

    /// Reads a record, checking every length against what is left: a damaged record is an
    /// error, never a crash.
    private struct Reader {
        let data: UnsafeRawBufferPointer
        var offset = 0

        var isAtEnd: Bool { offset == data.count }

        mutating func byte() throws(StorageError) -> UInt8 {
            guard offset < data.count else { throw StorageError.corrupt("a tail buffer record is truncated") }
            defer { offset += 1 }
            return data[offset]
        }

        mutating func uint64() throws(StorageError) -> UInt64 {
            guard offset + 8 <= data.count else { throw StorageError.corrupt("a tail buffer record is truncated") }
            defer { offset += 8 }
            return BigEndian.uint64(data, at: offset)
        }

        mutating func count() throws(StorageError) -> Int {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let next = try byte()
                value |= UInt64(next & 0x7F) << shift
                if next < 0x80 { break }
                shift += 7
                guard shift < 64 else { throw StorageError.corrupt("a tail buffer record has a bad length") }
            }
            // Every counted item takes at least a byte, so no valid count exceeds what is left.
            guard value <= UInt64(data.count - offset) else {
                throw StorageError.corrupt("a tail buffer record has a length past its end")
            }
            return Int(value)
        }

        mutating func bytes() throws(StorageError) -> [UInt8] {
            let length = try count()
            guard offset + length <= data.count else { throw StorageError.corrupt("a tail buffer record is truncated") }
            defer { offset += length }
            return Array(UnsafeRawBufferPointer(rebasing: data[offset..<(offset + length)]))
        }

        mutating func string() throws(StorageError) -> String { String(decoding: try bytes(), as: UTF8.self) }

        mutating func attributes() throws(StorageError) -> [IndexedAttribute] {
            let count = try count()
            var out: [IndexedAttribute] = []
            out.reserveCapacity(min(count, 1_024))
            for _ in 0..<count { out.append(IndexedAttribute(key: try string(), value: try string())) }
            return out
        }
    }
}
