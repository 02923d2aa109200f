import Dispatch
import Foundation
package import SkeinCore
import Synchronization

/// The embedded span store: writes batches with their index entries and reads traces back.
///
/// RocksDB calls block, so they run on a dispatch queue rather than on Swift's cooperative
/// threads; concurrent writers let RocksDB group their commits into one WAL write.
package final class SpanStore: SpanBatchConsumer, TraceReader {
    private let db: RocksDB
    private let queue = DispatchQueue(label: "skein.storage", qos: .userInitiated, attributes: .concurrent)
    /// Services and operations already known to be in the meta family, so each batch does not
    /// rewrite them. Bounded: when full it is cleared and the keys are simply written again.
    private let knownMetaKeys = Mutex(Set<[UInt8]>())
    private static let knownMetaKeysLimit = 100_000

    package let configuration: StorageConfiguration

    /// Opens (or creates) the store; fails when the directory is unusable, locked by another
    /// process, or written with another key format.
    package init(configuration: StorageConfiguration) throws {
        self.configuration = configuration
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        db = try RocksDB(path: configuration.dataDirectory, syncWrites: configuration.syncWrites,
                         blockCacheBytes: configuration.blockCacheBytes)
        if let version = try db.get(.meta0, KeyLayout.schemaVersionKey) {
            guard version == KeyLayout.schemaVersion else {
                db.close()
                throw StorageError.corrupt("the data dir was written with key format \(version), this skein reads \(KeyLayout.schemaVersion)")
            }
        } else {
            let batch = WriteBatch(for: db)
            batch.put(.meta0, KeyLayout.schemaVersionKey, KeyLayout.schemaVersion)
            try db.write(batch)
        }
    }

    /// Closes the database after calls in flight finish; later calls throw `StorageError.closed`.
    package func close() { db.close() }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    // MARK: writing

    /// Writes the batch's spans, envelopes and index entries in one atomic RocksDB write.
    /// Returns once it is in the write-ahead log.
    package func consume(_ batch: SpanBatch) async throws {
        guard batch.spanCount > 0 else { return }
        try await onQueue { try self.write(batch) }
    }

    func write(_ batch: SpanBatch) throws {
        let tenant = batch.tenant
        let writeBatch = WriteBatch(for: db)
        var envelopesWritten = Set<UInt64>()
        var indexGroups: [IndexGroupKey: UInt64] = [:]
        var metaKeys: [[UInt8]] = []
        for group in batch.groups {
            let reference = KeyLayout.envelopeReference(group.encodedResourceScope)
            if envelopesWritten.insert(reference).inserted {
                writeBatch.put(.envelopes, KeyLayout.envelope(tenant, reference), group.encodedResourceScope)
            }
            metaKeys.append(KeyLayout.service(tenant, group.serviceName))
            var value = [UInt8]()
            for span in group.spans {
                value.removeAll(keepingCapacity: true)
                value.append(KeyLayout.spanFormatOTLP)
                value.append(contentsOf: span.encodedSpan)
                writeBatch.put(.spans, KeyLayout.span(tenant, span.traceID, span.spanID, envelope: reference), value)
                metaKeys.append(KeyLayout.operation(tenant, group.serviceName, span.name, span.kind))
                let key = IndexGroupKey(traceID: span.traceID, service: group.serviceName, minute: span.startNanos / 60_000_000_000)
                indexGroups[key] = min(indexGroups[key] ?? .max, span.startNanos)
            }
        }
        for (group, start) in indexGroups {
            writeBatch.put(.index, KeyLayout.serviceIndex(tenant, group.service, startNanos: start, group.traceID))
        }
        let newMeta = knownMetaKeys.withLock { known in metaKeys.filter { !known.contains($0) } }
        for key in Set(newMeta) { writeBatch.put(.meta, key) }
        try db.write(writeBatch)
        if !newMeta.isEmpty {
            knownMetaKeys.withLock { known in
                if known.count + newMeta.count > Self.knownMetaKeysLimit { known.removeAll() }
                known.formUnion(newMeta)
            }
        }
    }

    private struct IndexGroupKey: Hashable {
        var traceID: TraceID
        var service: String
        var minute: UInt64
    }

    // MARK: reading

    package func spans(of traceID: TraceID, tenant: Tenant) async throws -> [StoredSpan] {
        try await onQueue { try self.readSpans(of: traceID, tenant: tenant) }
    }

    func readSpans(of traceID: TraceID, tenant: Tenant) throws -> [StoredSpan] {
        let prefix = KeyLayout.tracePrefix(tenant, traceID)
        var raw: [(reference: UInt64, span: [UInt8])] = []
        var badRecords = 0
        try db.scan(.spans, from: prefix, to: KeyLayout.end(ofPrefix: prefix)) { key, value in
            guard key.count == prefix.count + 16, value.first == KeyLayout.spanFormatOTLP else {
                badRecords += 1
                return true
            }
            raw.append((BigEndian.uint64(key, at: prefix.count + 8), Array(value.dropFirst())))
            return true
        }
        if badRecords > 0 { throw StorageError.corrupt("\(badRecords) span record(s) of trace \(traceID.hex) have an unknown format") }
        var envelopes: [UInt64: [UInt8]] = [:]
        var result: [StoredSpan] = []
        result.reserveCapacity(raw.count)
        for item in raw {
            if envelopes[item.reference] == nil {
                guard let envelope = try db.get(.envelopes, KeyLayout.envelope(tenant, item.reference)) else {
                    throw StorageError.corrupt("the resource of a span in trace \(traceID.hex) is missing")
                }
                envelopes[item.reference] = envelope
            }
            result.append(StoredSpan(envelopeReference: item.reference, envelope: envelopes[item.reference]!, span: item.span))
        }
        return result
    }

    package func services(tenant: Tenant) async throws -> [String] {
        try await onQueue {
            let prefix = KeyLayout.servicesPrefix(tenant)
            var names: [String] = []
            try self.db.scan(.meta, from: prefix, to: KeyLayout.end(ofPrefix: prefix)) { key, _ in
                var offset = prefix.count
                if let name = KeyLayout.readString(key, at: &offset) { names.append(name) }
                return true
            }
            return names.sorted()
        }
    }

    package func operations(of service: String, tenant: Tenant) async throws -> [StoredOperation] {
        try await onQueue {
            let prefix = KeyLayout.operationsPrefix(tenant, service)
            var operations: [StoredOperation] = []
            try self.db.scan(.meta, from: prefix, to: KeyLayout.end(ofPrefix: prefix)) { key, _ in
                var offset = prefix.count
                if let name = KeyLayout.readString(key, at: &offset), offset < key.count {
                    operations.append(StoredOperation(name: name, kind: SpanKind(otlp: Int32(key[offset]))))
                }
                return true
            }
            return operations.sorted { ($0.name, $0.kind.rawValue) < ($1.name, $1.kind.rawValue) }
        }
    }

    package func serviceIndex(_ service: String, tenant: Tenant, newestStartNanos: UInt64, oldestStartNanos: UInt64,
                              after cursor: IndexCursor?, maxHits: Int) async throws -> (hits: [IndexHit], next: IndexCursor?) {
        try await onQueue {
            let prefix = KeyLayout.serviceIndexPrefix(tenant, service)
            var lower = prefix
            BigEndian.append(~newestStartNanos, to: &lower)
            if let cursor, cursor.lastKey.starts(with: prefix) {
                // Resume just after the last key returned.
                lower = cursor.lastKey + [0]
            }
            var upper = prefix
            BigEndian.append(~oldestStartNanos, to: &upper)
            upper = KeyLayout.end(ofPrefix: upper)
            var hits: [IndexHit] = []
            var lastKey: [UInt8]? = nil
            try self.db.scan(.index, from: lower, to: upper) { key, _ in
                guard let (start, traceID) = KeyLayout.parseServiceIndexTail(key) else { return true }
                hits.append(IndexHit(traceID: traceID, startNanos: start))
                if hits.count >= maxHits {
                    lastKey = Array(key)
                    return false
                }
                return true
            }
            return (hits, lastKey.map { IndexCursor(key: $0) })
        }
    }

    /// Bytes of live SST files and memtables across families, from RocksDB's own estimates.
    package func diskUsageBytes() -> Int {
        RocksDB.Family.allCases.reduce(0) { total, family in
            total + (Int(db.property("rocksdb.live-sst-files-size", family: family) ?? "0") ?? 0)
        }
    }

    /// Flushes memtables to SST files.
    package func flush() throws { try db.flush() }
}
