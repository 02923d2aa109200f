import Dispatch
import Foundation
package import SkeinCore
import Synchronization

/// The embedded span store: writes batches with their index entries into the current
/// partition, reads traces back across partitions, and drops expired partitions.
///
/// RocksDB calls block, so they run on a dispatch queue rather than on Swift's cooperative
/// threads; concurrent writers let RocksDB group their commits into one WAL write.
package final class SpanStore: SpanBatchConsumer, TraceReader {
    let db: RocksDB
    let queue = DispatchQueue(label: "skein.storage", qos: .userInitiated, attributes: .concurrent)
    /// Open partitions, newest first.
    let partitions: Mutex<[Partition]>
    /// Serialises the creation of a new partition's families.
    let partitionCreation = NSLock()
    /// Services and operations (per partition) already in the meta family, so batches do not
    /// rewrite them. Bounded: when full it is cleared and the keys are simply written again.
    let knownMetaKeys = Mutex(Set<[UInt8]>())
    static let knownMetaKeysLimit = 100_000
    /// Wall-clock time in nanoseconds; injected so tests can age data.
    let now: @Sendable () -> UInt64

    package let configuration: StorageConfiguration

    /// Opens (or creates) the store; fails when the directory is unusable, locked by another
    /// process, or written with another key format. Opening reads only the list of column
    /// families, so it takes the same time whatever the store holds.
    package init(configuration: StorageConfiguration,
                 now: @escaping @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1_000_000_000) }) throws {
        self.configuration = configuration
        self.now = now
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        db = try RocksDB(path: configuration.dataDirectory, syncWrites: configuration.syncWrites,
                         blockCacheBytes: configuration.blockCacheBytes) { name in
            // Only the current partition takes writes; spans are the bulk of them.
            name.hasSuffix(".spans") ? 64 << 20 : name.hasSuffix(".index") ? 32 << 20 : 8 << 20
        } mergeOperator: { name in
            Partition.parse(familyName: name)?.1 == .rollups ? KeyLayout.rollupMerge : nil
        }
        let existing = Set(db.familyNames.compactMap { Partition.parse(familyName: $0)?.0 }).sorted(by: >)
        // A partition written by an older Skein gains the families it lacks (no data is read).
        for partition in existing {
            for family in Partition.Family.allCases where db.family(partition.familyName(family)) == nil {
                _ = try db.createFamily(partition.familyName(family))
            }
        }
        partitions = Mutex(existing)
        let versionKey = KeyLayout.schemaVersionKey
        try db.using {
            let meta = db.family("default")!
            if let version = try db.get(meta, versionKey) {
                guard version == KeyLayout.schemaVersion else {
                    throw StorageError.corrupt("the data dir was written with key format \(version), this skein reads \(KeyLayout.schemaVersion)")
                }
            } else {
                let batch = WriteBatch()
                batch.put(meta, versionKey, KeyLayout.schemaVersion)
                try db.write(batch)
            }
        }
    }

    /// Closes the database after calls in flight finish; later calls throw `StorageError.closed`.
    package func close() { db.close() }

    func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// The partition for data received now, created on first use.
    func currentPartition() throws -> Partition {
        let partition = Partition.current(nowNanos: now(), hours: configuration.partitionHours)
        if partitions.withLock({ $0.contains(partition) }) { return partition }
        // Concurrent first writes of a new period must not both create its families.
        partitionCreation.lock()
        defer { partitionCreation.unlock() }
        if partitions.withLock({ $0.contains(partition) }) { return partition }
        for family in Partition.Family.allCases { _ = try db.createFamily(partition.familyName(family)) }
        partitions.withLock { list in
            list.append(partition)
            list.sort(by: >)
        }
        return partition
    }

    /// The named family of a partition; call inside `db.using`. Nil once the partition is dropped.
    func family(_ partition: Partition, _ family: Partition.Family) -> RocksDB.Family? {
        db.family(partition.familyName(family))
    }

    /// Bytes of live SST files across every family, from RocksDB's own accounting.
    package func diskUsageBytes() -> Int { propertyTotal("rocksdb.live-sst-files-size") }

    /// A numeric RocksDB property (such as `rocksdb.estimate-live-data-size`) summed over every
    /// column family, since each partition is families of its own; 0 once the store is closed.
    package func propertyTotal(_ name: String) -> Int {
        (try? db.using {
            db.familyNames.compactMap { db.family($0) }.reduce(0) { total, family in
                total + (Int(db.property(name, family: family) ?? "0") ?? 0)
            }
        }) ?? 0
    }

    /// Whether the database is open (false once `close()` ran).
    package var isOpen: Bool { db.isOpen }

    /// Flushes memtables to SST files.
    package func flush() throws { try db.flush() }
}
