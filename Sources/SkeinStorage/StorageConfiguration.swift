/// How the embedded store is opened.
package struct StorageConfiguration: Sendable, Equatable {
    /// Directory of the RocksDB database (`--data-dir`, `storage.data_dir`). Default `./skein-data`.
    package var dataDirectory: String
    /// fsync the write-ahead log before acknowledging (`--sync-writes`, `storage.sync_writes`).
    /// Default false: acknowledged data survives a crash of the process, not of the machine.
    package var syncWrites: Bool
    /// RocksDB block cache shared by all families (`storage.block_cache_mib`). Default 256 MiB.
    package var blockCacheBytes: Int

    package init(dataDirectory: String = "./skein-data", syncWrites: Bool = false, blockCacheBytes: Int = 256 << 20) {
        self.dataDirectory = dataDirectory
        self.syncWrites = syncWrites
        self.blockCacheBytes = blockCacheBytes
    }
}
