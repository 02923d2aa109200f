package import SkeinCore

/// Every key Skein writes, in one place. Integers are big-endian so byte order is numeric
/// order; strings carry a 2-byte length so `svc` and `svc1` never share a prefix by accident.
/// Every key begins with the tenant, so tenants never see each other's keys.
enum KeyLayout {
    /// Key format version kept in the default family; a store written with another one is refused.
    static let schemaVersionKey = Array("schema-version".utf8)
    /// 2: span records grouped per (trace, batch); index entries are per-batch postings.
    static let schemaVersion: [UInt8] = [2]

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

    // KEY: spans<tenant><traceID:16><group:8>   VALUE: a `SpanGroup` (format 2): the spans of one
    // trace that arrived in one batch, each with its span ID, envelope reference and OTLP bytes.
    // All records of a trace share the prefix tenant·traceID, so a trace is one prefix scan. The
    // group component is an order-independent hash of the (span ID, envelope) pairs, so a
    // retried identical request overwrites its own record; one batch writes one record per
    // trace rather than one per span (RocksDB's cost is per put, BENCHMARKS.md).
    static func tracePrefix(_ tenant: Tenant, _ traceID: TraceID) -> [UInt8] {
        var key = [UInt8]()
        key.reserveCapacity(1 + tenant.name.utf8.count + 24)
        self.tenant(tenant, into: &key)
        BigEndian.append(traceID.high, to: &key)
        BigEndian.append(traceID.low, to: &key)
        return key
    }

    static func spanGroup(_ tenant: Tenant, _ traceID: TraceID, group: UInt64) -> [UInt8] {
        var key = tracePrefix(tenant, traceID)
        BigEndian.append(group, to: &key)
        return key
    }

    /// Length of a span group key after the trace prefix.
    static let spanGroupSuffixLength = 8

    /// The key of one span record in the raw-puts benchmark (one put per span, no grouping).
    static func rawSpan(_ tenant: Tenant, _ traceID: TraceID, _ spanID: SpanID) -> [UInt8] {
        var key = tracePrefix(tenant, traceID)
        BigEndian.append(spanID.value, to: &key)
        return key
    }

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

    /// murmur3's 64-bit finaliser: spreads an ID's bits so sums of mixed IDs make a good
    /// order-independent hash of a set of IDs.
    static func mix64(_ value: UInt64) -> UInt64 {
        var hash = value
        hash ^= hash >> 33
        hash = hash &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash = hash &* 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }

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
    // An entry is a posting: one per (subject, batch, start minute), listing every trace of the
    // batch with a span of that subject starting in that minute (`Posting`). Every entry key
    // ends in <~time:8><batch:4>, where time is the latest of its traces' earliest starts, so
    // no trace in it starts after that time, and every trace in it has a span starting less
    // than a minute before it. Time is inverted so a forward scan yields newest first. The batch
    // component (a hash of the batch's span IDs) keeps entries of different batches apart, while
    // a retried identical request overwrites its own entries.

    enum IndexTag: UInt8 {
        case service = 0x01, operation = 0x02, attribute = 0x03, allServices = 0x04, summary = 0x05
    }

    /// Length of the common entry tail: inverted time, batch.
    static let indexTailLength = 12

    // KEY: index<tenant>0x01<service><~time:8><batch:4>
    static func serviceIndexPrefix(_ tenant: Tenant, _ service: String) -> [UInt8] {
        var key = [UInt8]()
        self.tenant(tenant, into: &key)
        key.append(IndexTag.service.rawValue)
        string(service, into: &key)
        return key
    }

    // KEY: index<tenant>0x02<service><kind:1><operation><~time:8><batch:4>
    static func operationIndexPrefix(_ tenant: Tenant, _ service: String, _ kind: SpanKind, _ operation: String) -> [UInt8] {
        var key = [UInt8]()
        self.tenant(tenant, into: &key)
        key.append(IndexTag.operation.rawValue)
        string(service, into: &key)
        key.append(UInt8(kind.rawValue))
        string(operation, into: &key)
        return key
    }

    // KEY: index<tenant>0x03<service><key><value><~time:8><batch:4>
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

    // KEY: index<tenant>0x04<~time:8><batch:4> — every trace, for searches without a service
    static func allServicesIndexPrefix(_ tenant: Tenant) -> [UInt8] {
        var key = [UInt8]()
        self.tenant(tenant, into: &key)
        key.append(IndexTag.allServices.rawValue)
        return key
    }

    /// Appends the common tail to an index prefix.
    static func indexEntry(_ prefix: [UInt8], timeNanos: UInt64, batch: UInt32) -> [UInt8] {
        var key = prefix
        key.reserveCapacity(prefix.count + indexTailLength)
        BigEndian.append(~timeNanos, to: &key)
        for shift in [24, 16, 8, 0] { key.append(UInt8(truncatingIfNeeded: batch >> UInt32(shift))) }
        return key
    }

    /// The time at the end of an index entry key.
    static func parseIndexTail(_ key: UnsafeRawBufferPointer) -> UInt64? {
        guard key.count >= indexTailLength else { return nil }
        return ~BigEndian.uint64(key, at: key.count - indexTailLength)
    }

    // KEY: index<tenant>0x05<traceID:16><group:8>   VALUE: a `TraceSummaryPart`
    // One part per trace per written batch, merged when read. The group component is the span
    // record's, so a retried identical request overwrites its part.
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
