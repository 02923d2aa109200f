package import SkeinCore

/// The durable tail-sampling buffer: held fragments in the `tail` column family of the span
/// store's database, so they share its write-ahead log and `storage.sync_writes`. The family is
/// not partitioned: its records live only until their trace is decided, and retention never
/// touches it.
package final class TailBufferStore: Sendable {
    static let familyName = "tail"
    private let store: SpanStore

    /// Opens (creating when missing) the `tail` family of the store's database.
    package init(store: SpanStore) throws {
        self.store = store
        _ = try store.db.createFamily(Self.familyName)
    }

    /// Writes the fragments in one atomic batch; returns once it is in the write-ahead log.
    package func hold(_ fragments: [HeldFragment]) async throws {
        guard !fragments.isEmpty else { return }
        try await store.onQueue {
            try self.store.db.using {
                let family = try self.family()
                let batch = WriteBatch()
                for fragment in fragments { batch.put(family, HeldFragmentCodec.key(fragment.id), HeldFragmentCodec.value(fragment)) }
                try self.store.db.write(batch)
            }
        }
    }

    /// Removes decided fragments in one atomic batch.
    package func release(_ ids: [HeldFragment.ID]) async throws {
        guard !ids.isEmpty else { return }
        try await store.onQueue {
            try self.store.db.using {
                let family = try self.family()
                let batch = WriteBatch()
                for id in ids { batch.delete(family, HeldFragmentCodec.key(id)) }
                try self.store.db.write(batch)
            }
        }
    }

    /// Everything held, for the sampler to reload at startup. A record that cannot be read
    /// (damaged on disk) is removed and counted rather than stopping the server.
    package func loadAll() throws -> (fragments: [HeldFragment], unreadable: Int) {
        try store.db.using {
            let family = try family()
            var fragments: [HeldFragment] = []
            var unreadable: [[UInt8]] = []
            try store.db.scan(family, from: [], to: KeyLayout.end(ofPrefix: [])) { key, value in
                do {
                    fragments.append(try HeldFragmentCodec.fragment(id: HeldFragmentCodec.id(fromKey: key), value: value))
                } catch {
                    unreadable.append(Array(key))
                }
                return true
            }
            if !unreadable.isEmpty {
                let batch = WriteBatch()
                for key in unreadable { batch.delete(family, key) }
                try store.db.write(batch)
            }
            return (fragments, unreadable.count)
        }
    }

    private func family() throws(StorageError) -> RocksDB.Family {
        guard let family = store.db.family(Self.familyName) else { throw StorageError.closed }
        return family
    }
}

extension TailBufferStore {
    /// The buffer of an earlier run, when the database has one; nil without creating anything.
    package convenience init?(existingIn store: SpanStore) throws {
        guard store.db.family(Self.familyName) != nil else { return nil }
        try self.init(store: store)
    }
}
