/// One ingest period's data: a set of column families named `p<startHour>.<family>`, written
/// while the period is current and dropped whole when it expires, which deletes its files.
/// Keys inside each family start with the tenant, as everywhere.
struct Partition: Hashable, Comparable, Sendable {
    /// Hours since the Unix epoch at which the period starts.
    let startHour: UInt64

    enum Family: String, CaseIterable, Sendable {
        case spans, envelopes, index, meta, rollups
    }

    func familyName(_ family: Family) -> String { "p\(startHour).\(family.rawValue)" }

    /// The partition a family name belongs to; nil for other families (e.g. `default`).
    static func parse(familyName name: String) -> (Partition, Family)? {
        guard name.hasPrefix("p"), let dot = name.firstIndex(of: "."),
              let hour = UInt64(name[name.index(after: name.startIndex)..<dot]),
              let family = Family(rawValue: String(name[name.index(after: dot)...])) else { return nil }
        return (Partition(startHour: hour), family)
    }

    /// The partition receiving data at `nowNanos` with periods of `hours` hours.
    static func current(nowNanos: UInt64, hours: UInt64) -> Partition {
        let hour = nowNanos / (3_600 * 1_000_000_000)
        return Partition(startHour: hour - hour % hours)
    }

    /// Whether everything in it was received more than `retentionNanos` before `nowNanos`.
    func isExpired(nowNanos: UInt64, hours: UInt64, retentionNanos: UInt64) -> Bool {
        let endNanos = (startHour + hours) * 3_600 * 1_000_000_000
        return endNanos + retentionNanos <= nowNanos
    }

    static func < (lhs: Partition, rhs: Partition) -> Bool { lhs.startHour < rhs.startHour }
}
