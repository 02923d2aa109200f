package import SkeinCore

/// Every key Skein writes, in one place. Integers are big-endian so byte order is numeric
/// order; strings carry a 2-byte length so `svc` and `svc1` never share a prefix by accident.
/// Every key begins with the tenant, so tenants never see each other's keys.
enum KeyLayout {
    /// Key format version kept in the default family; a store written with another one is refused.
    static let schemaVersionKey = Array("schema-version".utf8)
    static let schemaVersion: [UInt8] = [1]

    // KEY: tenant = len(1) · utf8   (at most 255 bytes)
    static func tenant(_ tenant: Tenant, into key: inout [UInt8]) {
        let utf8 = Array(tenant.name.utf8.prefix(255))
        key.append(UInt8(utf8.count))
        key.append(contentsOf: utf8)
    }

    // KEY: string = len(2, big-endian) · utf8   (longer strings are cut at 65,535 bytes)
    static func string(_ string: String, into key: inout [UInt8]) {
        let utf8 = string.utf8.prefix(Int(UInt16.max))
        BigEndian.append(UInt16(utf8.count), to: &key)
        key.append(contentsOf: utf8)
    }

    /// Reads a length-prefixed string at `offset`, advancing it; nil when the key is too short.
    static func readString(_ key: UnsafeRawBufferPointer, at offset: inout Int) -> String? {
        guard offset + 2 <= key.count else { return nil }
        let length = Int(key[offset]) << 8 | Int(key[offset + 1])
        guard offset + 2 + length <= key.count else { return nil }
        defer { offset += 2 + length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: key[(offset + 2)..<(offset + 2 + length)]), as: UTF8.self)
    }

    /// The smallest key greater than every key starting with `prefix` (an exclusive upper bound).
    static func end(ofPrefix prefix: [UInt8]) -> [UInt8] {
        var bound = prefix
        while let last = bound.last {
            if last < 0xFF {
                bound[bound.count - 1] = last + 1
                return bound
            }
            bound.removeLast()
        }
        return [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
    }

    // MARK: spans family

    // KEY: spans<tenant><traceID:16><spanID:8><envelopeRef:8>   VALUE: format(1) · OTLP Span protobuf
    // All spans of a trace share the prefix tenant·traceID, so a trace is one prefix scan. The
    // envelope reference in the key keeps two spans that share an ID but come from different
    // resources apart; a retried span from the same resource overwrites itself.
    static func tracePrefix(_ tenant: Tenant, _ traceID: TraceID) -> [UInt8] {
        var key = [UInt8]()
        key.reserveCapacity(1 + tenant.name.utf8.count + 32)
        self.tenant(tenant, into: &key)
        BigEndian.append(traceID.high, to: &key)
        BigEndian.append(traceID.low, to: &key)
        return key
    }

    static func span(_ tenant: Tenant, _ traceID: TraceID, _ spanID: SpanID, envelope: UInt64) -> [UInt8] {
        var key = tracePrefix(tenant, traceID)
        BigEndian.append(spanID.value, to: &key)
        BigEndian.append(envelope, to: &key)
        return key
    }

    /// Span record values start with a format byte so the encoding can change without a re-layout.
    static let spanFormatOTLP: UInt8 = 1

    // MARK: envelopes family

    // KEY: envelopes<tenant><envelopeRef:8>   VALUE: OTLP ResourceSpans protobuf holding the
    // resource and one scope, no spans. Stored once however many spans refer to it.
    static func envelope(_ tenant: Tenant, _ reference: UInt64) -> [UInt8] {
        var key = [UInt8]()
        self.tenant(tenant, into: &key)
        BigEndian.append(reference, to: &key)
        return key
    }

    /// A 64-bit content hash of an envelope. Collisions need ~4 billion distinct resources in
    /// one tenant to become likely.
    static func envelopeReference(_ bytes: [UInt8]) -> UInt64 { hash64(bytes) }

    /// FNV-1a, then a murmur3 finaliser to spread the bits.
    static func hash64(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        hash ^= hash >> 33
        hash = hash &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash = hash &* 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }

    // MARK: index family
    //
    // Candidate indexes: each maps something a search filters on to the traces that have it.
    // Every entry ends in <~startNanos:8><traceID:16><batch:4>, where startNanos is the earliest
    // start among the spans of one trace that share the entry's subject and were written in one
    // batch within one minute (so a span starting at t is covered by an entry in [t - 60 s, t]).
    // Time is inverted so a forward scan yields newest first. The batch component (from a hash
    // of the batch's span IDs for the trace) keeps entries of different batches apart even when
    // their times are equal, while a retried identical request overwrites its own entries. The
    // value is an `IndexEntryValue`.

    enum IndexTag: UInt8 {
        case service = 0x01, operation = 0x02, attribute = 0x03, allServices = 0x04, summary = 0x05
    }

    /// Length of the common entry tail: inverted start time, trace ID, batch.
    static let indexTailLength = 28

    // KEY: index<tenant>0x01<service><~start:8><traceID:16><batch:4>
    static func serviceIndexPrefix(_ tenant: Tenant, _ service: String) -> [UInt8] {
        var key = [UInt8]()
        self.tenant(tenant, into: &key)
        key.append(IndexTag.service.rawValue)
        string(service, into: &key)
        return key
    }

    // KEY: index<tenant>0x02<service><kind:1><operation><~start:8><traceID:16><batch:4>
    static func operationIndexPrefix(_ tenant: Tenant, _ service: String, _ kind: SpanKind, _ operation: String) -> [UInt8] {
        var key = [UInt8]()
        self.tenant(tenant, into: &key)
        key.append(IndexTag.operation.rawValue)
        string(service, into: &key)
        key.append(UInt8(kind.rawValue))
        string(operation, into: &key)
        return key
    }

    // KEY: index<tenant>0x03<service><key><value><~start:8><traceID:16><batch:4>
    static func attributeIndexPrefix(_ tenant: Tenant, _ service: String, _ attributeKey: String, _ value: String) -> [UInt8] {
        var key = attributeKeysPrefix(tenant, service)
        string(attributeKey, into: &key)
        string(value, into: &key)
        return key
    }

    /// Prefix of every attribute entry of a service (for listing keys and values).
    static func attributeKeysPrefix(_ tenant: Tenant, _ service: String) -> [UInt8] {
        var key = [UInt8]()
        self.tenant(tenant, into: &key)
        key.append(IndexTag.attribute.rawValue)
        string(service, into: &key)
        return key
    }

    // KEY: index<tenant>0x04<~start:8><traceID:16><batch:4> — every trace, for searches without a service
    static func allServicesIndexPrefix(_ tenant: Tenant) -> [UInt8] {
        var key = [UInt8]()
        self.tenant(tenant, into: &key)
        key.append(IndexTag.allServices.rawValue)
        return key
    }

    /// Appends the common tail to an index prefix.
    static func indexEntry(_ prefix: [UInt8], startNanos: UInt64, _ traceID: TraceID, batch: UInt32) -> [UInt8] {
        var key = prefix
        key.reserveCapacity(prefix.count + indexTailLength)
        BigEndian.append(~startNanos, to: &key)
        BigEndian.append(traceID.high, to: &key)
        BigEndian.append(traceID.low, to: &key)
        for shift in [24, 16, 8, 0] { key.append(UInt8(truncatingIfNeeded: batch >> UInt32(shift))) }
        return key
    }

    /// The start time and trace ID at the end of an index entry key.
    static func parseIndexTail(_ key: UnsafeRawBufferPointer) -> (startNanos: UInt64, traceID: TraceID)? {
        guard key.count >= indexTailLength else { return nil }
        let tail = key.count - indexTailLength
        return (~BigEndian.uint64(key, at: tail),
                TraceID(high: BigEndian.uint64(key, at: tail + 8), low: BigEndian.uint64(key, at: tail + 16)))
    }

    // KEY: index<tenant>0x05<traceID:16><batch:8>   VALUE: a `TraceSummaryPart`
    // One part per trace per written batch, merged when read. The batch component is a hash of
    // the batch's span IDs for that trace, so a retried identical request overwrites its part.
    static func summaryPrefix(_ tenant: Tenant, _ traceID: TraceID) -> [UInt8] {
        var key = [UInt8]()
        self.tenant(tenant, into: &key)
        key.append(IndexTag.summary.rawValue)
        BigEndian.append(traceID.high, to: &key)
        BigEndian.append(traceID.low, to: &key)
        return key
    }

    // MARK: meta family

    static let serviceTag: UInt8 = 0x01
    static let operationTag: UInt8 = 0x02

    // KEY: meta<tenant>0x01<service>   VALUE: empty — the services list, no scan of spans needed
    static func servicesPrefix(_ tenant: Tenant) -> [UInt8] {
        var key = [UInt8]()
        self.tenant(tenant, into: &key)
        key.append(serviceTag)
        return key
    }

    static func service(_ tenant: Tenant, _ service: String) -> [UInt8] {
        var key = servicesPrefix(tenant)
        string(service, into: &key)
        return key
    }

    // KEY: meta<tenant>0x02<service><operation><kind:1>   VALUE: empty
    static func operationsPrefix(_ tenant: Tenant, _ service: String) -> [UInt8] {
        var key = [UInt8]()
        self.tenant(tenant, into: &key)
        key.append(operationTag)
        string(service, into: &key)
        return key
    }

    static func operation(_ tenant: Tenant, _ service: String, _ name: String, _ kind: SpanKind) -> [UInt8] {
        var key = operationsPrefix(tenant, service)
        string(name, into: &key)
        key.append(UInt8(kind.rawValue))
        return key
    }
}
