extension SpanStore {
    /// Drops every partition whose data was all received more than the retention ago. Dropping
    /// a partition drops its column families, whose files RocksDB deletes as soon as no read is
    /// using them, so the disk space really comes back. Returns the partitions dropped.
    @discardableResult
    package func expirePartitions() async throws -> Int {
        try await onQueue {
            let now = self.now()
            let hours = self.configuration.partitionHours
            let expired = self.readablePartitions.filter {
                $0.isExpired(nowNanos: now, hours: hours, retentionNanos: self.configuration.retentionNanos)
            }
            for partition in expired {
                // Out of the read list first, so new reads stop looking at it.
                self.partitions.withLock { $0.removeAll { $0 == partition } }
                for family in Partition.Family.allCases { try self.db.dropFamily(partition.familyName(family)) }
            }
            return expired.count
        }
    }
}
