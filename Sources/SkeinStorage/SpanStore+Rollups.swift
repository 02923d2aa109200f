package import SkeinCore

extension SpanStore {
    /// Adds the batch's rollup deltas to the write as merge operands, and the services they
    /// name to the rollup services list; returns the service keys that were new.
    func addRollups(_ batch: SpanBatch, to writeBatch: WriteBatch, family: RocksDB.Family) -> [[UInt8]] {
        guard !batch.rollups.isEmpty else { return [] }
        var services = Set<String>()
        for delta in batch.rollups {
            let hourStart = delta.minute - delta.minute % 60
            switch delta.subject {
            case .operation(let service, let kind, let name):
                let value = delta.value.encoded
                writeBatch.merge(family, KeyLayout.operationRollup(batch.tenant, service, minute: delta.minute, kind, name), value)
                writeBatch.merge(family, KeyLayout.operationRollup(batch.tenant, service, minute: hourStart, kind, name, hourly: true), value)
                services.insert(service)
            case .service(let service, let kind):
                let value = delta.value.encoded
                writeBatch.merge(family, KeyLayout.serviceRollup(batch.tenant, service, minute: delta.minute, kind), value)
                writeBatch.merge(family, KeyLayout.serviceRollup(batch.tenant, service, minute: hourStart, kind, hourly: true), value)
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
    /// operation)`; records whose group is nil are skipped. With `hourly`, the caller accepts
    /// that each whole hour inside the range arrives as one record at the hour's first minute
    /// (60 times fewer records to read).
    func operationRollups<Group: Hashable & Sendable>(
        tenant: Tenant, service: String, minutes: Range<UInt64>, hourly: Bool,
        group: @escaping @Sendable (_ minute: UInt64, _ kind: SpanKind, _ operation: String) -> Group?
    ) async throws -> [Group: RollupValue]
    /// Adds up a service's all-operations rollups of minutes in `minutes` per `group(minute,
    /// kind)`; `hourly` as for `operationRollups`.
    func serviceRollups<Group: Hashable & Sendable>(
        tenant: Tenant, service: String, minutes: Range<UInt64>, hourly: Bool,
        group: @escaping @Sendable (_ minute: UInt64, _ kind: SpanKind) -> Group?
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
        tenant: Tenant, service: String, minutes: Range<UInt64>, hourly: Bool,
        group: @escaping @Sendable (UInt64, SpanKind, String) -> Group?
    ) async throws -> [Group: RollupValue] {
        let prefix = KeyLayout.operationRollupPrefix(tenant, service)
        let hourPrefix = hourly ? KeyLayout.operationRollupPrefix(tenant, service, hourly: true) : nil
        return try await sumRollups(prefix: prefix, hourPrefix: hourPrefix, minutes: minutes) { key in
            var offset = prefix.count + 9
            guard key.count > offset, let operation = KeyLayout.readString(key, at: &offset) else { return nil }
            return group(BigEndian.uint64(key, at: prefix.count), SpanKind(otlp: Int32(key[prefix.count + 8])), operation)
        }
    }

    package func serviceRollups<Group: Hashable & Sendable>(
        tenant: Tenant, service: String, minutes: Range<UInt64>, hourly: Bool,
        group: @escaping @Sendable (UInt64, SpanKind) -> Group?
    ) async throws -> [Group: RollupValue] {
        let prefix = KeyLayout.serviceRollupPrefix(tenant, service)
        let hourPrefix = hourly ? KeyLayout.serviceRollupPrefix(tenant, service, hourly: true) : nil
        return try await sumRollups(prefix: prefix, hourPrefix: hourPrefix, minutes: minutes) { key in
            guard key.count == prefix.count + 9 else { return nil }
            return group(BigEndian.uint64(key, at: prefix.count), SpanKind(otlp: Int32(key[prefix.count + 8])))
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

    /// Scans `prefix · minute` keys of minutes in range in every partition, summing values per
    /// group. With an `hourPrefix` (same layout after the prefix, which has the same length),
    /// the whole hours inside the range are read from the hourly records instead.
    private func sumRollups<Group: Hashable & Sendable>(
        prefix: [UInt8], hourPrefix: [UInt8]? = nil, minutes: Range<UInt64>,
        group: @escaping @Sendable (UnsafeRawBufferPointer) -> Group?
    ) async throws -> [Group: RollupValue] {
        var spans: [(prefix: [UInt8], minutes: Range<UInt64>)] = [(prefix, minutes)]
        let firstHour = (minutes.lowerBound + 59) / 60 * 60, endHour = minutes.upperBound / 60 * 60
        if let hourPrefix, firstHour < endHour {
            spans = [(prefix, minutes.lowerBound..<firstHour), (hourPrefix, firstHour..<endHour), (prefix, endHour..<minutes.upperBound)]
        }
        let ranges = spans.filter { !$0.minutes.isEmpty }.map { span -> ([UInt8], [UInt8]) in
            var lower = span.prefix, upper = span.prefix
            BigEndian.append(span.minutes.lowerBound, to: &lower)
            BigEndian.append(span.minutes.upperBound, to: &upper)
            return (lower, upper)
        }
        return try await onQueue {
            var sums: [Group: RollupValue] = [:]
            try self.db.using {
                for partition in self.readablePartitions {
                    guard let family = self.family(partition, .rollups) else { continue }
                    for (lower, upper) in ranges {
                        try self.db.scan(family, from: lower, to: upper) { key, value in
                            guard let name = group(key) else { return true }
                            // A record this version cannot read is skipped (merge changes nothing then).
                            _ = sums[name, default: RollupValue()].merge(encoded: value)
                            return true
                        }
                    }
                }
            }
            return sums
        }
    }
}
