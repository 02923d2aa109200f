import CRocksDB
import Foundation

/// The only file that touches RocksDB's C API: turns handles and error strings into Swift
/// types and `StorageError`. The database handle is thread-safe; a read-write lock only
/// guards against using it after `close()`.
final class RocksDB: @unchecked Sendable {
    /// Column families, each with its own options. Order is the order they are opened in.
    enum Family: Int, CaseIterable {
        case meta0 = 0  // RocksDB's mandatory "default" family: holds the schema version
        case spans, envelopes, index, meta

        var name: String {
            switch self {
            case .meta0: "default"
            case .spans: "spans"
            case .envelopes: "envelopes"
            case .index: "index"
            case .meta: "meta"
            }
        }
    }

    private var db: OpaquePointer?
    private var handles: [OpaquePointer?] = []
    private var optionObjects: [OpaquePointer?] = []
    private let tableOptions: OpaquePointer?
    private let cache: OpaquePointer?
    private let readOptions: OpaquePointer?
    private let writeOptions: OpaquePointer?
    private var lock = pthread_rwlock_t()

    init(path: String, syncWrites: Bool, blockCacheBytes: Int) throws(StorageError) {
        pthread_rwlock_init(&lock, nil)
        cache = rocksdb_cache_create_lru(blockCacheBytes)
        tableOptions = rocksdb_block_based_options_create()
        rocksdb_block_based_options_set_block_cache(tableOptions, cache)
        rocksdb_block_based_options_set_filter_policy(tableOptions, rocksdb_filterpolicy_create_bloom_full(10))
        rocksdb_block_based_options_set_format_version(tableOptions, 5)

        let dbOptions = rocksdb_options_create()
        rocksdb_options_set_create_if_missing(dbOptions, 1)
        rocksdb_options_set_create_missing_column_families(dbOptions, 1)
        rocksdb_options_increase_parallelism(dbOptions, Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
        rocksdb_options_set_max_background_jobs(dbOptions, 4)
        optionObjects.append(dbOptions)

        var familyOptions: [OpaquePointer?] = []
        for family in Family.allCases {
            let options = rocksdb_options_create()
            rocksdb_options_set_block_based_table_factory(options, tableOptions)
            rocksdb_options_set_level_compaction_dynamic_level_bytes(options, 1)
            // LZ4 for upper levels (cheap to write), zstd for the bottom level where most bytes
            // end up (better ratio).
            rocksdb_options_set_compression(options, Int32(rocksdb_lz4_compression))
            rocksdb_options_set_bottommost_compression(options, Int32(rocksdb_zstd_compression))
            switch family {
            case .spans: rocksdb_options_set_write_buffer_size(options, 64 << 20)
            case .index: rocksdb_options_set_write_buffer_size(options, 32 << 20)
            default: rocksdb_options_set_write_buffer_size(options, 8 << 20)
            }
            familyOptions.append(options)
            optionObjects.append(options)
        }

        var names: [UnsafePointer<CChar>?] = Family.allCases.map { UnsafePointer(strdup($0.name)) }
        defer { names.forEach { free(UnsafeMutableRawPointer(mutating: $0)) } }
        handles = [OpaquePointer?](repeating: nil, count: Family.allCases.count)
        var error: UnsafeMutablePointer<CChar>?
        db = rocksdb_open_column_families(dbOptions, path, Int32(names.count), &names, &familyOptions, &handles, &error)
        readOptions = rocksdb_readoptions_create()
        writeOptions = rocksdb_writeoptions_create()
        rocksdb_writeoptions_set_sync(writeOptions, syncWrites ? 1 : 0)
        if let message = Self.take(error) {
            throw StorageError.cannotOpen(path: path, reason: message)
        }
    }

    deinit { close() }

    /// Closes the database; later calls throw `StorageError.closed`. Waits for calls in flight.
    func close() {
        pthread_rwlock_wrlock(&lock)
        defer { pthread_rwlock_unlock(&lock) }
        guard let open = db else { return }
        for handle in handles { rocksdb_column_family_handle_destroy(handle) }
        rocksdb_close(open)
        db = nil
        handles = []
        for options in optionObjects { rocksdb_options_destroy(options) }
        optionObjects = []
        rocksdb_block_based_options_destroy(tableOptions)
        rocksdb_cache_destroy(cache)
        rocksdb_readoptions_destroy(readOptions)
        rocksdb_writeoptions_destroy(writeOptions)
    }

    private func withOpen<T>(_ body: (OpaquePointer) throws(StorageError) -> T) throws(StorageError) -> T {
        pthread_rwlock_rdlock(&lock)
        defer { pthread_rwlock_unlock(&lock) }
        guard let open = db else { throw StorageError.closed }
        return try body(open)
    }

    private static func take(_ error: UnsafeMutablePointer<CChar>?) -> String? {
        guard let error else { return nil }
        defer { rocksdb_free(error) }
        return String(cString: error)
    }

    /// Applies a batch atomically. Returns once it is in the write-ahead log (and fsynced when
    /// the database was opened with `syncWrites`).
    func write(_ batch: WriteBatch) throws(StorageError) {
        try withOpen { db throws(StorageError) in
            var error: UnsafeMutablePointer<CChar>?
            rocksdb_write(db, writeOptions, batch.handle, &error)
            if let message = Self.take(error) { throw StorageError.writeFailed(message) }
        }
    }

    func get(_ family: Family, _ key: [UInt8]) throws(StorageError) -> [UInt8]? {
        try withOpen { db throws(StorageError) in
            var error: UnsafeMutablePointer<CChar>?
            var length = 0
            let value = key.withUnsafeBufferPointer { keyBuffer in
                keyBuffer.withMemoryRebound(to: CChar.self) { keyChars in
                    rocksdb_get_cf(db, readOptions, handles[family.rawValue], keyChars.baseAddress, keyChars.count, &length, &error)
                }
            }
            if let message = Self.take(error) { throw StorageError.readFailed(message) }
            guard let value else { return nil }
            defer { rocksdb_free(value) }
            return Array(UnsafeRawBufferPointer(start: value, count: length))
        }
    }

    /// Visits keys in `[lower, upper)` in order (or reverse order), until `visit` returns false.
    func scan(_ family: Family, from lower: [UInt8], to upper: [UInt8], reverse: Bool = false,
              _ visit: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Bool) throws(StorageError) {
        try withOpen { db throws(StorageError) in
            let options = rocksdb_readoptions_create()
            defer { rocksdb_readoptions_destroy(options) }
            // The bounds must outlive the iterator: RocksDB keeps pointers to them.
            let lowerBound = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(1, lower.count))
            let upperBound = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(1, upper.count))
            defer { lowerBound.deallocate(); upperBound.deallocate() }
            for (index, byte) in lower.enumerated() { lowerBound[index] = CChar(bitPattern: byte) }
            for (index, byte) in upper.enumerated() { upperBound[index] = CChar(bitPattern: byte) }
            rocksdb_readoptions_set_iterate_lower_bound(options, lowerBound.baseAddress, lower.count)
            rocksdb_readoptions_set_iterate_upper_bound(options, upperBound.baseAddress, upper.count)
            let iterator = rocksdb_create_iterator_cf(db, options, handles[family.rawValue])
            defer { rocksdb_iter_destroy(iterator) }
            if reverse { rocksdb_iter_seek_to_last(iterator) } else { rocksdb_iter_seek_to_first(iterator) }
            while rocksdb_iter_valid(iterator) != 0 {
                var keyLength = 0
                var valueLength = 0
                let key = rocksdb_iter_key(iterator, &keyLength)
                let value = rocksdb_iter_value(iterator, &valueLength)
                let keep = visit(UnsafeRawBufferPointer(start: key, count: keyLength),
                                 UnsafeRawBufferPointer(start: value, count: valueLength))
                guard keep else { break }
                if reverse { rocksdb_iter_prev(iterator) } else { rocksdb_iter_next(iterator) }
            }
            var error: UnsafeMutablePointer<CChar>?
            rocksdb_iter_get_error(iterator, &error)
            if let message = Self.take(error) { throw StorageError.readFailed(message) }
        }
    }

    /// A RocksDB property of one family (e.g. `rocksdb.estimate-num-keys`), or nil.
    func property(_ name: String, family: Family) -> String? {
        try? withOpen { db in
            guard let value = rocksdb_property_value_cf(db, handles[family.rawValue], name) else { return nil }
            defer { rocksdb_free(value) }
            return String(cString: value)
        }
    }

    /// Writes memtables to disk files (used before measuring disk use, and on close).
    func flush() throws(StorageError) {
        try withOpen { db throws(StorageError) in
            let options = rocksdb_flushoptions_create()
            defer { rocksdb_flushoptions_destroy(options) }
            rocksdb_flushoptions_set_wait(options, 1)
            for handle in handles {
                var error: UnsafeMutablePointer<CChar>?
                rocksdb_flush_cf(db, options, handle, &error)
                if let message = Self.take(error) { throw StorageError.writeFailed(message) }
            }
        }
    }
}

/// A set of puts applied atomically by `RocksDB.write`.
final class WriteBatch {
    let handle: OpaquePointer?
    private(set) var count = 0
    private unowned let db: RocksDB

    init(for db: RocksDB) {
        self.db = db
        handle = rocksdb_writebatch_create()
    }

    deinit { rocksdb_writebatch_destroy(handle) }

    func put(_ family: RocksDB.Family, _ key: [UInt8], _ value: [UInt8] = []) {
        count += 1
        db.withHandle(family) { cf in
            key.withUnsafeBufferPointer { keyBuffer in
                value.withUnsafeBufferPointer { valueBuffer in
                    keyBuffer.withMemoryRebound(to: CChar.self) { keyChars in
                        valueBuffer.withMemoryRebound(to: CChar.self) { valueChars in
                            rocksdb_writebatch_put_cf(handle, cf, keyChars.baseAddress, keyChars.count,
                                                      valueChars.baseAddress, valueChars.count)
                        }
                    }
                }
            }
        }
    }
}

extension RocksDB {
    /// Runs `body` with a column family handle, for building batches; does nothing once
    /// closed (the batch's `write` then throws `closed`).
    fileprivate func withHandle(_ family: Family, _ body: (OpaquePointer) -> Void) {
        try? withOpen { _ in
            if let handle = handles[family.rawValue] { body(handle) }
        }
    }
}
