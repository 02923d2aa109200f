package import SkeinCore

/// How the embedded store is opened and kept.
package struct StorageConfiguration: Sendable, Equatable {
    /// Directory of the RocksDB database (`--data-dir`, `storage.data_dir`). Default `./skein-data`.
    package var dataDirectory: String
    /// fsync the write-ahead log before acknowledging (`--sync-writes`, `storage.sync_writes`).
    /// Default false: acknowledged data survives a crash of the process, not of the machine.
    package var syncWrites: Bool
    /// RocksDB block cache shared by all families (`storage.block_cache_mib`). Default 256 MiB.
    package var blockCacheBytes: Int
    /// How long data is kept, counted from when Skein received it (`--retention`,
    /// `storage.retention`). Default 7 days.
    package var retentionNanos: UInt64
    /// Which attributes get index entries (`storage.index.*`).
    package var indexPolicy: AttributeIndexPolicy

    package init(dataDirectory: String = "./skein-data", syncWrites: Bool = false, blockCacheBytes: Int = 256 << 20,
                 retentionNanos: UInt64 = 7 * 24 * 3_600 * 1_000_000_000, indexPolicy: AttributeIndexPolicy = AttributeIndexPolicy()) {
        self.dataDirectory = dataDirectory
        self.syncWrites = syncWrites
        self.blockCacheBytes = blockCacheBytes
        self.retentionNanos = retentionNanos
        self.indexPolicy = indexPolicy
    }

    /// Length of one partition: a seventh of the retention, between one hour and one day, in
    /// whole hours. Data lives between `retention` and `retention + partition` after receipt.
    package var partitionHours: UInt64 {
        let hours = retentionNanos / (3_600 * 1_000_000_000) / 7
        return min(24, max(1, hours))
    }
}
