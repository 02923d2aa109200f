import CRocksDB
import Foundation

/// The only file that touches RocksDB's C API: turns handles and error strings into Swift
/// types and `StorageError`. The database handle is thread-safe; a use count only makes
/// `close()` wait for calls and iterators in flight.
final class RocksDB: @unchecked Sendable {
    /// A column family handle, valid until the family is dropped or the database closed.
    struct Family: @unchecked Sendable, Hashable {
        let name: String
        fileprivate let handle: OpaquePointer
        static func == (lhs: Family, rhs: Family) -> Bool { lhs.handle == rhs.handle }
        func hash(into hasher: inout Hasher) { hasher.combine(UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle)))) }
    }

    private struct State {
        var db: OpaquePointer?
        var families: [String: OpaquePointer] = [:]
        /// Calls and iterators in flight.
        var users = 0
        /// Handles of dropped families, destroyed (which deletes their files) once no call or
        /// iterator that might hold them is in flight.
        var dropped: [OpaquePointer] = []
    }

    private let lock = NSLock()
    private var _state = State()

    /// Runs `body` on the state under the lock. (An NSLock rather than a Mutex: the state holds
    /// C pointers, which are not Sendable.)
    private func withState<T>(_ body: (inout State) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&_state)
    }
    private let tableOptions: OpaquePointer?
    private let cache: OpaquePointer?
    private let dbOptions: OpaquePointer?
    private let readOptions: OpaquePointer?
    private let writeOptions: OpaquePointer?
    /// Per-family write buffer size, chosen from the family's name.
    private let writeBufferBytes: @Sendable (String) -> Int
    /// Per-family merge operator, chosen from the family's name (nil: merges are not used).
    private let mergeOperator: @Sendable (String) -> MergeOperator?

    /// Combines an existing value (if any) and merge operands, oldest first, into one value.
    /// It runs inside RocksDB's reads and compactions, so it must not fail: it skips what it
    /// cannot read.
    struct MergeOperator: Sendable {
        let name: String
        let merge: @Sendable (_ values: [UnsafeRawBufferPointer]) -> [UInt8]
    }

    /// Opens the database with every column family it already has (no scan of data: restart
    /// time does not grow with the store).
    init(path: String, syncWrites: Bool, blockCacheBytes: Int, writeBufferBytes: @escaping @Sendable (String) -> Int,
         mergeOperator: @escaping @Sendable (String) -> MergeOperator? = { _ in nil }) throws(StorageError) {
        self.writeBufferBytes = writeBufferBytes
        self.mergeOperator = mergeOperator
        cache = rocksdb_cache_create_lru(blockCacheBytes)
        tableOptions = rocksdb_block_based_options_create()
        rocksdb_block_based_options_set_block_cache(tableOptions, cache)
        rocksdb_block_based_options_set_filter_policy(tableOptions, rocksdb_filterpolicy_create_bloom_full(10))
        rocksdb_block_based_options_set_format_version(tableOptions, 5)

        dbOptions = rocksdb_options_create()
        rocksdb_options_set_create_if_missing(dbOptions, 1)
        rocksdb_options_set_create_missing_column_families(dbOptions, 1)
        rocksdb_options_increase_parallelism(dbOptions, Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
        rocksdb_options_set_max_background_jobs(dbOptions, 4)
        rocksdb_options_set_enable_pipelined_write(dbOptions, 1)
        readOptions = rocksdb_readoptions_create()
        writeOptions = rocksdb_writeoptions_create()
        rocksdb_writeoptions_set_sync(writeOptions, syncWrites ? 1 : 0)

        var names = ["default"]
        var count = 0
        var error: UnsafeMutablePointer<CChar>?
        if let listed = rocksdb_list_column_families(dbOptions, path, &count, &error) {
            names = (0..<count).compactMap { listed[$0].map { String(cString: $0) } }
            rocksdb_list_column_families_destroy(listed, count)
        }
        _ = Self.take(error)  // a new directory has no families to list yet
        error = nil  // freed by `take`; RocksDB only writes it on failure
        if !names.contains("default") { names.insert("default", at: 0) }

        var familyOptions = names.map { familyOptionsFor($0) }
        defer { familyOptions.forEach { rocksdb_options_destroy($0) } }
        var cNames: [UnsafePointer<CChar>?] = names.map { UnsafePointer(strdup($0)) }
        defer { cNames.forEach { free(UnsafeMutableRawPointer(mutating: $0)) } }
        var handles = [OpaquePointer?](repeating: nil, count: names.count)
        let db = rocksdb_open_column_families(dbOptions, path, Int32(names.count), &cNames, &familyOptions, &handles, &error)
        if let message = Self.take(error) { throw StorageError.cannotOpen(path: path, reason: message) }
        withState { state in
            state.db = db
            for (name, handle) in zip(names, handles) { if let handle { state.families[name] = handle } }
        }
    }

    /// Options for one column family: block cache and bloom filters shared, LZ4 for the upper
    /// levels (cheap to write), zstd for the bottom level where most bytes end up.
    private func familyOptionsFor(_ name: String) -> OpaquePointer? {
        let options = rocksdb_options_create()
        rocksdb_options_set_block_based_table_factory(options, tableOptions)
        rocksdb_options_set_level_compaction_dynamic_level_bytes(options, 1)
        rocksdb_options_set_compression(options, Int32(rocksdb_lz4_compression))
        rocksdb_options_set_bottommost_compression(options, Int32(rocksdb_zstd_compression))
        rocksdb_options_set_write_buffer_size(options, writeBufferBytes(name))
        if let merge = mergeOperator(name) {
            // The options take ownership; each family's options get their own operator.
            rocksdb_options_set_merge_operator(options, MergeCallbacks.create(merge))
        }
        return options
    }

    deinit {
        close()
        rocksdb_options_destroy(dbOptions)
        rocksdb_block_based_options_destroy(tableOptions)
        rocksdb_cache_destroy(cache)
        rocksdb_readoptions_destroy(readOptions)
        rocksdb_writeoptions_destroy(writeOptions)
    }

    /// Closes the database once calls and iterators in flight finish; later calls throw `closed`.
    func close() {
        while true {
            let closed: Bool = withState { state in
                guard let db = state.db else { return true }
                guard state.users == 0 else { return false }
                for handle in state.families.values { rocksdb_column_family_handle_destroy(handle) }
                for handle in state.dropped { rocksdb_column_family_handle_destroy(handle) }
                rocksdb_close(db)
                state.db = nil
                state.families = [:]
                state.dropped = []
                return true
            }
            if closed { break }
            usleep(1_000)
        }
    }

    var isOpen: Bool { withState { $0.db != nil } }

    private func enter() throws(StorageError) -> OpaquePointer {
        let db: OpaquePointer? = withState { state in
            guard let db = state.db else { return nil }
            state.users += 1
            return db
        }
        guard let db else { throw StorageError.closed }
        return db
    }

    private func leave() {
        withState { state in
            state.users -= 1
            guard state.users == 0, !state.dropped.isEmpty else { return }
            for handle in state.dropped { rocksdb_column_family_handle_destroy(handle) }
            state.dropped = []
        }
    }

    /// Runs `body` with the database held open. `Family` values obtained inside stay valid for
    /// the whole of it, even if another task drops the family meanwhile.
    func using<T>(_ body: () throws -> T) throws -> T {
        _ = try enter()
        defer { leave() }
        return try body()
    }

    private func withOpen<T>(_ body: (OpaquePointer) throws(StorageError) -> T) throws(StorageError) -> T {
        let db = try enter()
        defer { leave() }
        return try body(db)
    }

    private static func take(_ error: UnsafeMutablePointer<CChar>?) -> String? {
        guard let error else { return nil }
        defer { rocksdb_free(error) }
        return String(cString: error)
    }

    // MARK: families

    /// Names of the open column families.
    var familyNames: [String] { withState { Array($0.families.keys) } }

    /// The family with this name; use it only inside `using` (or while an iterator is open).
    func family(_ name: String) -> Family? {
        withState { state in state.families[name].map { Family(name: name, handle: $0) } }
    }

    /// The family with this name, created when missing.
    func createFamily(_ name: String) throws(StorageError) -> Family {
        try withOpen { db throws(StorageError) in
            if let existing = family(name) { return existing }
            let options = familyOptionsFor(name)
            defer { rocksdb_options_destroy(options) }
            var error: UnsafeMutablePointer<CChar>?
            let handle = rocksdb_create_column_family(db, options, name, &error)
            if let message = Self.take(error) { throw StorageError.writeFailed("cannot create column family \(name): \(message)") }
            guard let handle else { throw StorageError.writeFailed("cannot create column family \(name)") }
            withState { $0.families[name] = handle }
            return Family(name: name, handle: handle)
        }
    }

    /// Drops a family. Its files are deleted once no call or iterator is in flight (when its
    /// handle is destroyed), so the disk space comes back.
    func dropFamily(_ name: String) throws(StorageError) {
        try withOpen { db throws(StorageError) in
            guard let handle = withState({ $0.families.removeValue(forKey: name) }) else { return }
            var error: UnsafeMutablePointer<CChar>?
            rocksdb_drop_column_family(db, handle, &error)
            withState { $0.dropped.append(handle) }
            if let message = Self.take(error) { throw StorageError.writeFailed("cannot drop column family \(name): \(message)") }
        }
    }

    // MARK: reads and writes

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
                    rocksdb_get_cf(db, readOptions, family.handle, keyChars.baseAddress, keyChars.count, &length, &error)
                }
            }
            if let message = Self.take(error) { throw StorageError.readFailed(message) }
            guard let value else { return nil }
            defer { rocksdb_free(value) }
            return Array(UnsafeRawBufferPointer(start: value, count: length))
        }
    }

    /// Visits keys in `[lower, upper)` in order, until `visit` returns false.
    func scan(_ family: Family, from lower: [UInt8], to upper: [UInt8],
              _ visit: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Bool) throws(StorageError) {
        let iterator = try Iterator(self, family, lower: lower, upper: upper)
        iterator.seekToFirst()
        while iterator.isValid {
            guard visit(iterator.key, iterator.value) else { break }
            iterator.next()
        }
        try iterator.checkError()
    }

    /// A RocksDB property of one family (e.g. `rocksdb.live-sst-files-size`), or nil.
    func property(_ name: String, family: Family) -> String? {
        try? withOpen { db in
            guard let value = rocksdb_property_value_cf(db, family.handle, name) else { return nil }
            defer { rocksdb_free(value) }
            return String(cString: value)
        }
    }

    /// Writes memtables of every family to disk files.
    func flush() throws(StorageError) {
        try withOpen { db throws(StorageError) in
            let options = rocksdb_flushoptions_create()
            defer { rocksdb_flushoptions_destroy(options) }
            rocksdb_flushoptions_set_wait(options, 1)
            for handle in withState({ Array($0.families.values) }) {
                var error: UnsafeMutablePointer<CChar>?
                rocksdb_flush_cf(db, options, handle, &error)
                if let message = Self.take(error) { throw StorageError.writeFailed(message) }
            }
        }
    }

    /// Writes a consistent copy of every family, as of one moment, into `directory`, which must
    /// not exist (its parent must). Memtables are flushed first (log size 0 means "always flush"),
    /// so the copy needs no WAL replay; SST files are hard links when `directory` is on the same
    /// filesystem, and copies otherwise.
    func checkpoint(to directory: String) throws(StorageError) {
        try withOpen { db throws(StorageError) in
            var error: UnsafeMutablePointer<CChar>?
            let checkpoint = rocksdb_checkpoint_object_create(db, &error)
            if let message = Self.take(error) { throw StorageError.writeFailed("cannot start a checkpoint: \(message)") }
            defer { rocksdb_checkpoint_object_destroy(checkpoint) }
            rocksdb_checkpoint_create(checkpoint, directory, 0, &error)
            if let message = Self.take(error) { throw StorageError.writeFailed("checkpoint into '\(directory)' failed: \(message)") }
        }
    }

    /// A forward iterator over `[lower, upper)` of one family. Holds the database open until
    /// released (deinit); use it from one task at a time.
    final class Iterator {
        private let db: RocksDB
        private let handle: OpaquePointer?
        private let options: OpaquePointer?
        private let lowerBound: UnsafeMutableBufferPointer<CChar>
        private let upperBound: UnsafeMutableBufferPointer<CChar>

        init(_ db: RocksDB, _ family: Family, lower: [UInt8], upper: [UInt8]) throws(StorageError) {
            let open = try db.enter()
            self.db = db
            options = rocksdb_readoptions_create()
            // The bounds must outlive the iterator: RocksDB keeps pointers to them.
            lowerBound = .allocate(capacity: max(1, lower.count))
            upperBound = .allocate(capacity: max(1, upper.count))
            for (index, byte) in lower.enumerated() { lowerBound[index] = CChar(bitPattern: byte) }
            for (index, byte) in upper.enumerated() { upperBound[index] = CChar(bitPattern: byte) }
            rocksdb_readoptions_set_iterate_lower_bound(options, lowerBound.baseAddress, lower.count)
            rocksdb_readoptions_set_iterate_upper_bound(options, upperBound.baseAddress, upper.count)
            handle = rocksdb_create_iterator_cf(open, options, family.handle)
        }

        deinit {
            rocksdb_iter_destroy(handle)
            rocksdb_readoptions_destroy(options)
            lowerBound.deallocate()
            upperBound.deallocate()
            db.leave()
        }

        func seekToFirst() { rocksdb_iter_seek_to_first(handle) }

        /// Moves to the first key at or after `key`.
        func seek(_ key: [UInt8]) {
            key.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { rocksdb_iter_seek(handle, $0.baseAddress, $0.count) }
            }
        }

        var isValid: Bool { rocksdb_iter_valid(handle) != 0 }
        func next() { rocksdb_iter_next(handle) }

        /// The current key; valid until the iterator moves.
        var key: UnsafeRawBufferPointer {
            var length = 0
            let pointer = rocksdb_iter_key(handle, &length)
            return UnsafeRawBufferPointer(start: pointer, count: length)
        }

        var value: UnsafeRawBufferPointer {
            var length = 0
            let pointer = rocksdb_iter_value(handle, &length)
            return UnsafeRawBufferPointer(start: pointer, count: length)
        }

        func checkError() throws(StorageError) {
            var error: UnsafeMutablePointer<CChar>?
            rocksdb_iter_get_error(handle, &error)
            if let message = RocksDB.take(error) { throw StorageError.readFailed(message) }
        }
    }
}

/// C callbacks that run a Swift `MergeOperator`; the operator is the callbacks' state pointer.
private enum MergeCallbacks {
    final class Box {
        let merge: RocksDB.MergeOperator
        let name: UnsafeMutablePointer<CChar>
        init(_ merge: RocksDB.MergeOperator) {
            self.merge = merge
            name = strdup(merge.name)
        }
        deinit { free(name) }
    }

    static func create(_ merge: RocksDB.MergeOperator) -> OpaquePointer? {
        rocksdb_mergeoperator_create(
            Unmanaged.passRetained(Box(merge)).toOpaque(),
            { state in Unmanaged<Box>.fromOpaque(state!).release() },
            { state, _, _, existing, existingLength, operands, operandLengths, count, success, newLength in
                var values: [UnsafeRawBufferPointer] = []
                if let existing { values.append(UnsafeRawBufferPointer(start: existing, count: existingLength)) }
                for index in 0..<Int(count) {
                    values.append(UnsafeRawBufferPointer(start: operands![index], count: operandLengths![index]))
                }
                return MergeCallbacks.run(state, values, success, newLength)
            },
            { state, _, _, operands, operandLengths, count, success, newLength in
                let values = (0..<Int(count)).map { UnsafeRawBufferPointer(start: operands![$0], count: operandLengths![$0]) }
                return MergeCallbacks.run(state, values, success, newLength)
            },
            { _, value, _ in free(UnsafeMutableRawPointer(mutating: value)) },
            { state in UnsafePointer(Unmanaged<Box>.fromOpaque(state!).takeUnretainedValue().name) })
    }

    /// Merges into a malloc'd buffer that RocksDB hands back to the delete callback.
    static func run(_ state: UnsafeMutableRawPointer?, _ values: [UnsafeRawBufferPointer],
                    _ success: UnsafeMutablePointer<UInt8>?, _ newLength: UnsafeMutablePointer<Int>?) -> UnsafeMutablePointer<CChar>? {
        let merged = Unmanaged<Box>.fromOpaque(state!).takeUnretainedValue().merge.merge(values)
        let buffer = malloc(max(1, merged.count))!.assumingMemoryBound(to: CChar.self)
        merged.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { memcpy(buffer, base, bytes.count) }
        }
        newLength?.pointee = merged.count
        success?.pointee = 1
        return buffer
    }
}

/// A set of puts and merges applied atomically by `RocksDB.write`.
final class WriteBatch {
    let handle: OpaquePointer?
    private(set) var count = 0

    init() { handle = rocksdb_writebatch_create() }

    deinit { rocksdb_writebatch_destroy(handle) }

    /// Adds an operand that the family's merge operator combines with the key's value.
    func merge(_ family: RocksDB.Family, _ key: [UInt8], _ value: [UInt8]) {
        count += 1
        key.withUnsafeBufferPointer { keyBuffer in
            value.withUnsafeBufferPointer { valueBuffer in
                keyBuffer.withMemoryRebound(to: CChar.self) { keyChars in
                    valueBuffer.withMemoryRebound(to: CChar.self) { valueChars in
                        rocksdb_writebatch_merge_cf(handle, family.handle, keyChars.baseAddress, keyChars.count,
                                                    valueChars.baseAddress, valueChars.count)
                    }
                }
            }
        }
    }

    func put(_ family: RocksDB.Family, _ key: [UInt8], _ value: [UInt8] = []) {
        count += 1
        key.withUnsafeBufferPointer { keyBuffer in
            value.withUnsafeBufferPointer { valueBuffer in
                keyBuffer.withMemoryRebound(to: CChar.self) { keyChars in
                    valueBuffer.withMemoryRebound(to: CChar.self) { valueChars in
                        rocksdb_writebatch_put_cf(handle, family.handle, keyChars.baseAddress, keyChars.count,
                                                  valueChars.baseAddress, valueChars.count)
                    }
                }
            }
        }
    }
}

extension WriteBatch {
    /// Removes a key (a tombstone until compaction drops it).
    func delete(_ family: RocksDB.Family, _ key: [UInt8]) {
        key.withUnsafeBufferPointer { keyBuffer in
            keyBuffer.withMemoryRebound(to: CChar.self) { keyChars in
                rocksdb_writebatch_delete_cf(handle, family.handle, keyChars.baseAddress, keyChars.count)
            }
        }
    }
}
