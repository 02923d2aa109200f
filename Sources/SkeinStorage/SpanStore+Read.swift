package import SkeinCore

extension SpanStore {
    /// Partitions to read, newest first.
    var readablePartitions: [Partition] { partitions.withLock { $0 } }

    package func trace(_ traceID: TraceID, tenant: Tenant, limit: Int) async throws -> StoredTrace {
        try await onQueue { try self.readTrace(traceID, tenant: tenant, limit: limit) }
    }

    func readTrace(_ traceID: TraceID, tenant: Tenant, limit: Int) throws -> StoredTrace {
        let prefix = KeyLayout.tracePrefix(tenant, traceID)
        var result: [StoredSpan] = []
        var total = 0
        // A span a regrouping intermediary sent again in another batch is stored twice; it is
        // one span (as when each span had its own key and overwrote itself).
        var seen = Set<SpanKey>()
        try db.using {
            for partition in readablePartitions {
                guard let spans = family(partition, .spans), let envelopes = family(partition, .envelopes) else { continue }
                var raw: [SpanGroup.Member] = []
                var badRecords = 0
                try db.scan(spans, from: prefix, to: KeyLayout.end(ofPrefix: prefix)) { key, value in
                    guard key.count == prefix.count + KeyLayout.spanGroupSuffixLength else {
                        badRecords += 1
                        return true
                    }
                    let readable = SpanGroup.decode(value) { member in
                        guard seen.insert(SpanKey(span: member.spanID, envelope: member.envelopeReference)).inserted else { return }
                        total += 1
                        if result.count + raw.count < limit { raw.append(member) }  // count the rest, keep none
                    }
                    if !readable { badRecords += 1 }
                    return true
                }
                if badRecords > 0 { throw StorageError.corrupt("\(badRecords) span record(s) of trace \(traceID.hex) are unreadable") }
                var cache: [UInt64: [UInt8]] = [:]
                for item in raw {
                    if cache[item.envelopeReference] == nil {
                        guard let envelope = try db.get(envelopes, KeyLayout.envelope(tenant, item.envelopeReference)) else {
                            throw StorageError.corrupt("the resource of a span in trace \(traceID.hex) is missing")
                        }
                        cache[item.envelopeReference] = envelope
                    }
                    result.append(StoredSpan(envelopeReference: item.envelopeReference, envelope: cache[item.envelopeReference]!, span: item.span))
                }
            }
        }
        return StoredTrace(spans: result, totalSpans: total)
    }

    private struct SpanKey: Hashable {
        var span: UInt64
        var envelope: UInt64
    }

    package func services(tenant: Tenant) async throws -> [String] {
        try await onQueue {
            let prefix = KeyLayout.servicesPrefix(tenant)
            var names = Set<String>()
            try self.scanAll(.meta, prefix: prefix) { key, _ in
                var offset = prefix.count
                if let name = KeyLayout.readString(key, at: &offset) { names.insert(name) }
            }
            return names.sorted()
        }
    }

    package func operations(of service: String, tenant: Tenant) async throws -> [StoredOperation] {
        try await onQueue {
            let prefix = KeyLayout.operationsPrefix(tenant, service)
            var operations = Set<StoredOperation>()
            try self.scanAll(.meta, prefix: prefix) { key, _ in
                var offset = prefix.count
                if let name = KeyLayout.readString(key, at: &offset), offset < key.count {
                    operations.insert(StoredOperation(name: name, kind: SpanKind(otlp: Int32(key[offset]))))
                }
            }
            return operations.sorted { ($0.name, $0.kind.rawValue) < ($1.name, $1.kind.rawValue) }
        }
    }

    package func summary(of traceID: TraceID, tenant: Tenant) async throws -> TraceSummary? {
        try await onQueue {
            var parts: [TraceSummaryPart] = []
            try self.scanAll(.index, prefix: KeyLayout.summaryPrefix(tenant, traceID)) { _, value in
                if let part = TraceSummaryPart(decoding: value) { parts.append(part) }
            }
            return TraceSummary(traceID: traceID, parts: parts)
        }
    }

    package func attributeKeys(service: String, tenant: Tenant, limit: Int) async throws -> [String] {
        try await onQueue {
            try self.distinctStrings(prefix: KeyLayout.attributeKeysPrefix(tenant, service), limit: limit)
        }
    }

    package func attributeValues(service: String, key: String, tenant: Tenant, limit: Int) async throws -> [String] {
        try await onQueue {
            var prefix = KeyLayout.attributeKeysPrefix(tenant, service)
            KeyLayout.string(key, into: &prefix)
            return try self.distinctStrings(prefix: prefix, limit: limit)
        }
    }

    /// The distinct length-prefixed strings that follow `prefix` in index keys, found by seeking
    /// past each one rather than reading every entry under it.
    func distinctStrings(prefix: [UInt8], limit: Int) throws -> [String] {
        var found = Set<String>()
        try db.using {
            for partition in readablePartitions {
                guard let index = family(partition, .index) else { continue }
                let iterator = try RocksDB.Iterator(db, index, lower: prefix, upper: KeyLayout.end(ofPrefix: prefix))
                iterator.seekToFirst()
                while iterator.isValid, found.count < limit {
                    var offset = prefix.count
                    guard let string = KeyLayout.readString(iterator.key, at: &offset) else { break }
                    found.insert(string)
                    var next = prefix
                    KeyLayout.string(string, into: &next)
                    iterator.seek(KeyLayout.end(ofPrefix: next))
                }
                try iterator.checkError()
            }
        }
        return Array(found.sorted().prefix(limit))
    }

    /// Visits every key under `prefix` in one family kind of every partition.
    func scanAll(_ kind: Partition.Family, prefix: [UInt8],
                 _ visit: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) throws {
        try db.using {
            for partition in readablePartitions {
                guard let family = family(partition, kind) else { continue }
                try db.scan(family, from: prefix, to: KeyLayout.end(ofPrefix: prefix)) { key, value in
                    visit(key, value)
                    return true
                }
            }
        }
    }
}
