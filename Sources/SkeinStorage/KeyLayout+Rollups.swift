package import SkeinCore

// MARK: rollups family
//
// Values are `RollupValue`s combined by the family's merge operator: each acknowledged batch
// adds a merge operand, and RocksDB folds them together on reads and compactions. Minutes are
// of the spans' start times; the family lives in the partition of the time the data was
// received, so retention drops it with the spans.
extension KeyLayout {
    enum RollupTag: UInt8 {
        case operation = 0x01, edge = 0x02, service = 0x03, serviceTotal = 0x04
        /// The same records as `operation` and `serviceTotal`, summed per hour (the minute field
        /// holds the hour's first minute): a day is 24 records instead of 1,440.
        case operationHour = 0x05, serviceTotalHour = 0x06
    }

    // KEY: rollups<tenant>0x01<service><minute:8><kind:1><operation>   VALUE: RollupValue
    // KEY: rollups<tenant>0x05<service><hour's first minute:8><kind:1><operation>
    // A service's minutes are contiguous, so any window of one service is one range scan.
    static func operationRollupPrefix(_ tenant: Tenant, _ service: String, hourly: Bool = false) -> [UInt8] {
        var key = [UInt8]()
        self.tenant(tenant, into: &key)
        key.append(hourly ? RollupTag.operationHour.rawValue : RollupTag.operation.rawValue)
        string(service, into: &key)
        return key
    }

    static func operationRollup(_ tenant: Tenant, _ service: String, minute: UInt64, _ kind: SpanKind, _ operation: String,
                                hourly: Bool = false) -> [UInt8] {
        var key = operationRollupPrefix(tenant, service, hourly: hourly)
        BigEndian.append(minute, to: &key)
        key.append(UInt8(kind.rawValue))
        string(operation, into: &key)
        return key
    }

    // KEY: rollups<tenant>0x04<service><minute:8><kind:1>   VALUE: RollupValue of all operations
    // KEY: rollups<tenant>0x06<service><hour's first minute:8><kind:1>
    static func serviceRollupPrefix(_ tenant: Tenant, _ service: String, hourly: Bool = false) -> [UInt8] {
        var key = [UInt8]()
        self.tenant(tenant, into: &key)
        key.append(hourly ? RollupTag.serviceTotalHour.rawValue : RollupTag.serviceTotal.rawValue)
        string(service, into: &key)
        return key
    }

    static func serviceRollup(_ tenant: Tenant, _ service: String, minute: UInt64, _ kind: SpanKind, hourly: Bool = false) -> [UInt8] {
        var key = serviceRollupPrefix(tenant, service, hourly: hourly)
        BigEndian.append(minute, to: &key)
        key.append(UInt8(kind.rawValue))
        return key
    }

    // KEY: rollups<tenant>0x02<minute:8><parent><child>   VALUE: RollupValue of the calls
    static func edgeRollupPrefix(_ tenant: Tenant) -> [UInt8] {
        var key = [UInt8]()
        self.tenant(tenant, into: &key)
        key.append(RollupTag.edge.rawValue)
        return key
    }

    static func edgeRollup(_ tenant: Tenant, minute: UInt64, parent: String, child: String) -> [UInt8] {
        var key = edgeRollupPrefix(tenant)
        BigEndian.append(minute, to: &key)
        string(parent, into: &key)
        string(child, into: &key)
        return key
    }

    // KEY: rollups<tenant>0x03<service>   VALUE: empty — services with rollups, sampled or not
    static func rollupServicesPrefix(_ tenant: Tenant) -> [UInt8] {
        var key = [UInt8]()
        self.tenant(tenant, into: &key)
        key.append(RollupTag.service.rawValue)
        return key
    }

    static func rollupService(_ tenant: Tenant, _ service: String) -> [UInt8] {
        var key = rollupServicesPrefix(tenant)
        string(service, into: &key)
        return key
    }

    /// The merge operator of rollups families: sums `RollupValue`s; unreadable operands are
    /// skipped (a merge must never fail inside RocksDB). A lone operand is already its sum and
    /// is handed back as it is: that is every key read before compaction has merged it with
    /// another, so reads skip a decode and re-encode per record.
    static let rollupMerge = RocksDB.MergeOperator(name: "skein.rollup.v1") { values in
        if values.count == 1 { return Array(values[0]) }
        var total = RollupValue()
        for value in values { _ = total.merge(encoded: value) }
        return total.encoded
    }
}
