package import SkeinCore

extension SpanStore {
    /// Writes the batch's spans, envelopes, index entries, summary parts and new services and
    /// operations in one atomic RocksDB write into the current partition. Returns once it is in
    /// the write-ahead log.
    package func consume(_ batch: SpanBatch) async throws {
        guard batch.spanCount > 0 || !batch.rollups.isEmpty else { return }
        try await onQueue { try self.write(batch) }
    }

    func write(_ batch: SpanBatch) throws {
        let partition = try currentPartition()
        try db.using {
            guard let spans = family(partition, .spans), let envelopes = family(partition, .envelopes),
                  let index = family(partition, .index), let meta = family(partition, .meta),
                  let rollups = family(partition, .rollups) else {
                throw StorageError.writeFailed("the current partition was dropped while writing; retry")
            }
            let plan = IndexPlan(batch)
            let writeBatch = WriteBatch()
            let tenant = batch.tenant
            var envelopesWritten = Set<UInt64>()
            var value = [UInt8]()
            for group in batch.groups {
                let reference = KeyLayout.envelopeReference(group.encodedResourceScope)
                if envelopesWritten.insert(reference).inserted {
                    writeBatch.put(envelopes, KeyLayout.envelope(tenant, reference), group.encodedResourceScope)
                }
                for span in group.spans {
                    value.removeAll(keepingCapacity: true)
                    value.append(KeyLayout.spanFormatOTLP)
                    value.append(contentsOf: span.encodedSpan)
                    writeBatch.put(spans, KeyLayout.span(tenant, span.traceID, span.spanID, envelope: reference), value)
                }
            }
            for (key, entry) in plan.entries {
                let batchID = UInt32(truncatingIfNeeded: plan.summaries[key.traceID]?.batchHash ?? 0)
                writeBatch.put(index, KeyLayout.indexEntry(key.prefix(tenant), startNanos: entry.start, key.traceID, batch: batchID),
                               entry.value.encoded)
            }
            for (traceID, part) in plan.summaries {
                var key = KeyLayout.summaryPrefix(tenant, traceID)
                BigEndian.append(part.batchHash, to: &key)
                writeBatch.put(index, key, part.summary.encoded)
            }
            let newMeta = unknownMetaKeys(plan.metaKeys(tenant), in: meta)
            for key in newMeta { writeBatch.put(meta, key) }
            let newRollupServices = addRollups(batch, to: writeBatch, family: rollups)
            try db.write(writeBatch)
            rememberMetaKeys(newMeta, in: meta)
            rememberMetaKeys(newRollupServices, in: rollups)
        }
    }
}

extension SpanStore {
    /// Of these keys, the ones this process has not yet written to the family.
    func unknownMetaKeys(_ keys: [[UInt8]], in family: RocksDB.Family) -> [[UInt8]] {
        let tag = Array(family.name.utf8)
        return knownMetaKeys.withLock { known in keys.filter { !known.contains(tag + $0) } }
    }

    /// Records keys as written, so later batches skip them.
    func rememberMetaKeys(_ keys: [[UInt8]], in family: RocksDB.Family) {
        guard !keys.isEmpty else { return }
        let tag = Array(family.name.utf8)
        knownMetaKeys.withLock { known in
            if known.count + keys.count > Self.knownMetaKeysLimit { known.removeAll() }
            for key in keys { known.insert(tag + key) }
        }
    }
}

/// The index entries, summary parts and meta keys one batch produces, each once: entries are
/// grouped per (subject, trace, start minute), so a batch adds one entry per group rather than
/// per span.
struct IndexPlan {
    enum Subject: Hashable {
        case allServices
        case service(String)
        case operation(String, SpanKind, String)
        case attribute(String, String, String)
    }

    struct EntryKey: Hashable {
        var subject: Subject
        var traceID: TraceID
        var minute: UInt64

        func prefix(_ tenant: Tenant) -> [UInt8] {
            switch subject {
            case .allServices: KeyLayout.allServicesIndexPrefix(tenant)
            case .service(let service): KeyLayout.serviceIndexPrefix(tenant, service)
            case .operation(let service, let kind, let name): KeyLayout.operationIndexPrefix(tenant, service, kind, name)
            case .attribute(let service, let key, let value): KeyLayout.attributeIndexPrefix(tenant, service, key, value)
            }
        }
    }

    struct Entry {
        var start: UInt64
        var value: IndexEntryValue
    }

    struct SummaryPart {
        var summary = TraceSummaryPart()
        var batchHash: UInt64 = 0
        var spanIDs: [UInt64] = []
    }

    private(set) var entries: [EntryKey: Entry] = [:]
    private(set) var summaries: [TraceID: SummaryPart] = [:]
    private var services: [String: Set<StoredOperation>] = [:]

    init(_ batch: SpanBatch) {
        for group in batch.groups {
            let service = group.serviceName
            for span in group.spans {
                let minute = span.startNanos / 60_000_000_000
                add(.allServices, span, minute)
                add(.service(service), span, minute)
                add(.operation(service, span.kind, span.name), span, minute)
                for attribute in span.attributes { add(.attribute(service, attribute.key, attribute.value), span, minute) }
                for attribute in group.resourceAttributes {
                    add(.attribute(service, attribute.key, attribute.value), span, minute)
                }
                summaries[span.traceID, default: SummaryPart()].summary.add(span, service: service)
                summaries[span.traceID]!.spanIDs.append(span.spanID.value)
                services[service, default: []].insert(StoredOperation(name: span.name, kind: span.kind))
            }
        }
        for traceID in summaries.keys {
            // Identical retried requests produce identical parts and keys: they overwrite.
            let ids = summaries[traceID]!.spanIDs.sorted()
            summaries[traceID]!.batchHash = KeyLayout.hash64(ids.flatMap { id in (0..<8).map { UInt8(truncatingIfNeeded: id >> ($0 * 8)) } })
        }
    }

    private mutating func add(_ subject: Subject, _ span: BatchSpan, _ minute: UInt64) {
        let key = EntryKey(subject: subject, traceID: span.traceID, minute: minute)
        if var entry = entries[key] {
            entry.start = min(entry.start, span.startNanos)
            entry.value.add(span)
            entries[key] = entry
        } else {
            entries[key] = Entry(start: span.startNanos, value: IndexEntryValue(span))
        }
    }

    func metaKeys(_ tenant: Tenant) -> [[UInt8]] {
        var keys: [[UInt8]] = []
        for (service, operations) in services {
            keys.append(KeyLayout.service(tenant, service))
            for operation in operations { keys.append(KeyLayout.operation(tenant, service, operation.name, operation.kind)) }
        }
        return keys
    }
}

extension SpanStore {
    /// The physical floor of the design, for benchmarks only: one put per span (its key and
    /// OTLP bytes) into the current partition, with no envelopes, indexes or summaries, in one
    /// atomic write through the same WAL and options as `consume`.
    package func writeSpanRecordsOnly(_ batch: SpanBatch) async throws {
        try await onQueue {
            let partition = try self.currentPartition()
            try self.db.using {
                guard let spans = self.family(partition, .spans) else { throw StorageError.closed }
                let writeBatch = WriteBatch()
                for group in batch.groups {
                    for span in group.spans {
                        writeBatch.put(spans, KeyLayout.span(batch.tenant, span.traceID, span.spanID, envelope: 0),
                                       [KeyLayout.spanFormatOTLP] + span.encodedSpan)
                    }
                }
                try self.db.write(writeBatch)
            }
        }
    }

    /// Index and summary entries a batch adds, for measuring write amplification.
    package static func indexWrites(for batch: SpanBatch) -> Int {
        let plan = IndexPlan(batch)
        return plan.entries.count + plan.summaries.count
    }
}
