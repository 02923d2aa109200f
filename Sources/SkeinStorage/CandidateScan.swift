import Synchronization
package import SkeinCore

extension SpanStore {
    package func candidates(_ scope: IndexScope, tenant: Tenant, newestStartNanos: UInt64, oldestStartNanos: UInt64) async throws
        -> any CandidateStream {
        let prefixes: [[UInt8]]
        switch scope {
        case .allServices: prefixes = [KeyLayout.allServicesIndexPrefix(tenant)]
        case .service(let service): prefixes = [KeyLayout.serviceIndexPrefix(tenant, service)]
        case .operation(let service, let name, let kind):
            prefixes = (kind.map { [$0] } ?? SpanKind.allCases).map { KeyLayout.operationIndexPrefix(tenant, service, $0, name) }
        case .attribute(let service, let key, let value):
            prefixes = [KeyLayout.attributeIndexPrefix(tenant, service, key, value)]
        }
        return try await onQueue {
            try CandidateScan(store: self, prefixes: prefixes, newest: newestStartNanos, oldest: oldestStartNanos)
        }
    }
}

/// A k-way merge of one index range per (partition, prefix), newest entry first. Each source
/// is a RocksDB iterator bounded to its range; the merged order is the order of the common
/// key tail `<~time><batch>`. Each entry is a posting of several traces; they come out together,
/// latest start first, all with the entry's time.
final class CandidateScan: CandidateStream, @unchecked Sendable {
    private struct Source {
        let iterator: RocksDB.Iterator
    }

    private let store: SpanStore
    /// Guards the iterators: pages are read on the storage queue, one at a time.
    private let sources: Mutex<[Source]>

    init(store: SpanStore, prefixes: [[UInt8]], newest: UInt64, oldest: UInt64) throws {
        self.store = store
        var sources: [Source] = []
        try store.db.using {
            for partition in store.readablePartitions {
                guard let index = store.family(partition, .index) else { continue }
                for prefix in prefixes {
                    var lower = prefix
                    BigEndian.append(~newest, to: &lower)
                    var upper = prefix
                    BigEndian.append(~oldest, to: &upper)
                    let iterator = try RocksDB.Iterator(store.db, index, lower: lower, upper: KeyLayout.end(ofPrefix: upper))
                    iterator.seekToFirst()
                    if iterator.isValid { sources.append(Source(iterator: iterator)) }
                }
            }
        }
        self.sources = Mutex(sources)
    }

    func next(_ max: Int) async throws -> [IndexHit] {
        try await store.onQueue { try self.read(max) }
    }

    private func read(_ max: Int) throws -> [IndexHit] {
        try sources.withLock { sources in
            var hits: [IndexHit] = []
            while hits.count < max, !sources.isEmpty {
                // The smallest tail is the newest entry.
                var best = 0
                for index in 1..<sources.count where Self.tail(sources[index]).lexicographicallyPrecedes(Self.tail(sources[best])) {
                    best = index
                }
                let iterator = sources[best].iterator
                guard let time = KeyLayout.parseIndexTail(iterator.key), let traces = Posting.decode(iterator.value, timeNanos: time) else {
                    throw StorageError.corrupt("an index entry is unreadable")
                }
                for trace in traces.sorted(by: { $0.earliestStartNanos > $1.earliestStartNanos }) {
                    hits.append(IndexHit(traceID: trace.traceID, entryNanos: time, startNanos: trace.earliestStartNanos,
                                         latestStartNanos: trace.latestStartNanos,
                                         minDurationNanos: trace.minDurationNanos, maxDurationNanos: trace.maxDurationNanos))
                }
                iterator.next()
                if !iterator.isValid {
                    try iterator.checkError()
                    sources.remove(at: best)
                }
            }
            return hits
        }
    }

    private static func tail(_ source: Source) -> UnsafeRawBufferPointer {
        let key = source.iterator.key
        return UnsafeRawBufferPointer(rebasing: key[(key.count - KeyLayout.indexTailLength)...])
    }
}
