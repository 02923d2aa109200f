import SkeinCore
package import SkeinQueryModel
import SkeinStorage

/// How a search uses the storage indexes: which scan to walk and which entries to skip.
extension TraceQuery {
    /// Tag keys whose match does not come from attributes alone, so the attribute index cannot
    /// stand for them.
    static let derivedTagKeys: Set<String> = ["error", "span.kind", "otel.status_code", "otel.scope.name"]

    /// The index scan that yields every trace this query can match, as narrow as possible: an
    /// indexed attribute, else the operation, else the service, else every trace.
    func scope(policy: AttributeIndexPolicy) -> IndexScope {
        guard let service else { return .allServices }
        for tag in tags where Self.isIndexable(tag, policy: policy) {
            return .attribute(service: service, key: tag.key, value: tag.value)
        }
        if let operation { return .operation(service: service, name: operation, kind: nil) }
        return .service(service)
    }

    /// Whether every span that has this tag has an attribute index entry for it: not a derived
    /// key, and a value that only a scalar of indexable length could have (array and map values
    /// read as JSON text, empty values as "", and neither is indexed).
    static func isIndexable(_ tag: (key: String, value: String), policy: AttributeIndexPolicy) -> Bool {
        guard !derivedTagKeys.contains(tag.key), !tag.value.isEmpty,
              let first = tag.value.first, first != "[", first != "{" else { return false }
        return policy.indexes(key: tag.key, value: tag.value)
    }

    /// Whether an index entry can lead to a match at all, from what the entry knows of its group.
    func mayMatch(_ hit: IndexHit) -> Bool {
        guard hit.latestStartNanos >= startMinNanos, hit.startNanos <= startMaxNanos else { return false }
        if let minDurationNanos, Int64(clamping: hit.maxDurationNanos) < minDurationNanos { return false }
        if let maxDurationNanos, Int64(clamping: hit.minDurationNanos) > maxDurationNanos { return false }
        return true
    }
}
