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
            let newEnvelopes = unknownMetaKeys(plan.envelopes.map { KeyLayout.envelope(tenant, $0.reference) }, in: envelopes)
            if !newEnvelopes.isEmpty {
                let wanted = Set(newEnvelopes)
                for envelope in plan.envelopes {
                    let key = KeyLayout.envelope(tenant, envelope.reference)
                    if wanted.contains(key) { writeBatch.put(envelopes, key, envelope.bytes) }
                }
            }
            for (traceID, record) in plan.traces {
                writeBatch.put(spans, KeyLayout.spanGroup(tenant, traceID, group: record.group), SpanGroup.encode(record.members))
                var key = KeyLayout.summaryPrefix(tenant, traceID)
                BigEndian.append(record.group, to: &key)
                writeBatch.put(index, key, record.summary.encoded)
            }
            for (key, posting) in plan.postings {
                let time = posting.timeNanos
                writeBatch.put(index, KeyLayout.indexEntry(plan.prefix(key.subject, tenant), timeNanos: time, batch: plan.batchID),
                               posting.encoded(timeNanos: time))
            }
            let newMeta = unknownMetaKeys(plan.metaKeys(tenant), in: meta)
            for key in newMeta { writeBatch.put(meta, key) }
            let newRollupServices = addRollups(batch, to: writeBatch, family: rollups)
            try db.write(writeBatch)
            rememberMetaKeys(newEnvelopes, in: envelopes)
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
                        writeBatch.put(spans, KeyLayout.rawSpan(batch.tenant, span.traceID, span.spanID),
                                       [0] + span.encodedSpan)
                    }
                }
                try self.db.write(writeBatch)
            }
        }
    }

    /// Puts a batch makes besides envelopes, meta keys and rollups, for measuring write
    /// amplification: span records, summary parts and index postings.
    package static func recordWrites(for batch: SpanBatch) -> (spanRecords: Int, summaries: Int, postings: Int) {
        let plan = IndexPlan(batch)
        return (plan.traces.count, plan.traces.count, plan.postings.count)
    }
}
