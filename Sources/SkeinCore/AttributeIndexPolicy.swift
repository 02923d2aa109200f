/// An attribute as the attribute index keys it: the key and the value's search form (the
/// string a tag filter compares with; jaeger-api.md §3).
package struct IndexedAttribute: Hashable, Sendable {
    package var key: String
    package var value: String

    package init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// Which attributes get index entries (`storage.index.*`). Values of other types (arrays, maps,
/// empty) and longer values are still searchable: the search checks candidate traces itself.
package struct AttributeIndexPolicy: Sendable, Equatable {
    /// Longest value search form indexed, in bytes (`storage.index.max_value_bytes`). Default 256.
    package var maxValueBytes: Int
    /// When not empty, only these keys are indexed (`storage.index.include_keys`).
    package var includeKeys: Set<String>
    /// Keys never indexed (`storage.index.exclude_keys`). Default none.
    package var excludeKeys: Set<String>

    package init(maxValueBytes: Int = 256, includeKeys: Set<String> = [], excludeKeys: Set<String> = []) {
        self.maxValueBytes = maxValueBytes
        self.includeKeys = includeKeys
        self.excludeKeys = excludeKeys
    }

    /// Whether an attribute with this key and value search form gets an index entry.
    package func indexes(key: String, value: String) -> Bool {
        guard value.utf8.count <= maxValueBytes, !excludeKeys.contains(key) else { return false }
        return includeKeys.isEmpty || includeKeys.contains(key)
    }
}
