package import SkeinCore

extension SpanStore {
    /// Adds the batch's rollup deltas to the write as merge operands, and the services they
    /// name to the rollup services list; returns the service keys that were new.
    func addRollups(_ batch: SpanBatch, to writeBatch: WriteBatch, family: RocksDB.Family) -> [[UInt8]] {
        guard !batch.rollups.isEmpty else { return [] }
        var services = Set<String>()
        for delta in batch.rollups {
            switch delta.subject {
            case .operation(let service, let kind, let name):
                writeBatch.merge(family, KeyLayout.operationRollup(batch.tenant, service, minute: delta.minute, kind, name),
                                 delta.value.encoded)
                services.insert(service)
            case .edge(let parent, let child):
                writeBatch.merge(family, KeyLayout.edgeRollup(batch.tenant, minute: delta.minute, parent: parent, child: child),
                                 delta.value.encoded)
            }
        }
        let newServices = unknownMetaKeys(services.map { KeyLayout.rollupService(batch.tenant, $0) }, in: family)
        for key in newServices { writeBatch.put(family, key) }
        return newServices
    }
}

/// Reads rollups across every live partition, adding up records into groups the caller
/// chooses (a minute's data can sit in more than one partition, when its spans were received
/// on both sides of a partition boundary, so records are always added, never replaced).
package protocol RollupReader: Sendable {
    /// Services that have rollups in any live partition, sorted.
    func rollupServices(tenant: Tenant) async throws -> [String]
    /// Adds up a service's operation rollups of minutes in `minutes` per `group(minute, kind,
    /// operation)`; records whose group is nil are skipped.
    func operationRollups<Group: Hashable & Sendable>(
        tenant: Tenant, service: String, minutes: Range<UInt64>,
        group: @escaping @Sendable (_ minute: UInt64, _ kind: SpanKind, _ operation: String) -> Group?
    ) async throws -> [Group: RollupValue]
    /// Adds up every dependency edge rollup of minutes in `minutes` per `group(minute, parent, child)`.
    func edgeRollups<Group: Hashable & Sendable>(
        tenant: Tenant, minutes: Range<UInt64>,
        group: @escaping @Sendable (_ minute: UInt64, _ parent: String, _ child: String) -> Group?
    ) async throws -> [Group: RollupValue]
}

extension SpanStore: RollupReader {
    package func rollupServices(tenant: Tenant) async throws -> [String] {
        try await onQueue {
            var services = Set<String>()
            let prefix = KeyLayout.rollupServicesPrefix(tenant)
            try self.db.using {
                for partition in self.readablePartitions {
                    guard let family = self.family(partition, .rollups) else { continue }
                    try self.db.scan(family, from: prefix, to: KeyLayout.end(ofPrefix: prefix)) { key, _ in
                        var offset = prefix.count
                        if let service = KeyLayout.readString(key, at: &offset) { services.insert(service) }
                        return true
                    }
                }
            }
            return services.sorted()
        }
    }

    package func operationRollups<Group: Hashable & Sendable>(
        tenant: Tenant, service: String, minutes: Range<UInt64>,
        group: @escaping @Sendable (UInt64, SpanKind, String) -> Group?
    ) async throws -> [Group: RollupValue] {
        let prefix = KeyLayout.operationRollupPrefix(tenant, service)
        return try await sumRollups(prefix: prefix, minutes: minutes) { key in
            var offset = prefix.count + 9
            guard key.count > offset, let operation = KeyLayout.readString(key, at: &offset) else { return nil }
            return group(BigEndian.uint64(key, at: prefix.count), SpanKind(otlp: Int32(key[prefix.count + 8])), operation)
        }
    }

    package func edgeRollups<Group: Hashable & Sendable>(
        tenant: Tenant, minutes: Range<UInt64>,
        group: @escaping @Sendable (UInt64, String, String) -> Group?
    ) async throws -> [Group: RollupValue] {
        let prefix = KeyLayout.edgeRollupPrefix(tenant)
        return try await sumRollups(prefix: prefix, minutes: minutes) { key in
            var offset = prefix.count + 8
            guard let parent = KeyLayout.readString(key, at: &offset),
                  let child = KeyLayout.readString(key, at: &offset) else { return nil }
            return group(BigEndian.uint64(key, at: prefix.count), parent, child)
        }
    }

    /// Scans `prefix · minute` keys of minutes in range in every partition, summing values per group.
    private func sumRollups<Group: Hashable & Sendable>(
        prefix: [UInt8], minutes: Range<UInt64>, group: @escaping @Sendable (UnsafeRawBufferPointer) -> Group?
    ) async throws -> [Group: RollupValue] {
        try await onQueue {
            var lower = prefix, upper = prefix
            BigEndian.append(minutes.lowerBound, to: &lower)
            BigEndian.append(minutes.upperBound, to: &upper)
            var sums: [Group: RollupValue] = [:]
            try self.db.using {
                for partition in self.readablePartitions {
                    guard let family = self.family(partition, .rollups) else { continue }
                    try self.db.scan(family, from: lower, to: upper) { key, value in
                        guard let name = group(key) else { return true }
                        // A record this version cannot read is skipped (merge changes nothing then).
                        _ = sums[name, default: RollupValue()].merge(encoded: value)
                        return true
                    }
                }
            }
            return sums
        }
    }
}
