import Yams

/// A configuration value before it is typed: a scalar as written, a list of scalars, or for the
/// keys in `SkeinConfiguration.structuredKeys` the whole YAML subtree.
package enum ConfigurationValue: Sendable, Equatable {
    case scalar(String)
    case list([String])
    case tree(ConfigurationNode)
}

/// Every configuration setting as a flat map from its dotted key (`otlp.http.listen`) to its
/// value. The YAML file and the command-line flags both fill it, flags last, so one typed
/// reader (`SkeinConfiguration.init(settings:)`) validates both the same way.
package struct ConfigurationSettings: Sendable, Equatable {
    package private(set) var values: [String: ConfigurationValue] = [:]

    package init() {}

    /// Reads a YAML document; unknown keys are refused so typos never go unnoticed.
    package init(yaml: String) throws(ConfigurationError) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError(key: "", rule: "the file is not valid YAML: \(error)")
        }
        guard let node else { return }
        try flatten(node, prefix: "")
    }

    private mutating func flatten(_ node: Node, prefix: String) throws(ConfigurationError) {
        switch node {
        case .mapping(let mapping):
            for (keyNode, valueNode) in mapping {
                guard let key = keyNode.string else { throw ConfigurationError(key: prefix, rule: "has a key that is not a string") }
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                if SkeinConfiguration.structuredKeys.contains(path) {
                    values[path] = .tree(try ConfigurationNode(valueNode, path: path))
                } else if case .mapping = valueNode {
                    guard SkeinConfiguration.sections.contains(path) else {
                        throw ConfigurationError(key: path, rule: "is not a known section (known: \(SkeinConfiguration.sections.sorted().joined(separator: ", ")))")
                    }
                    try flatten(valueNode, prefix: path)
                } else {
                    try set(path, valueNode)
                }
            }
        default:
            throw ConfigurationError(key: prefix, rule: "must be a mapping of keys to values")
        }
    }

    private mutating func set(_ path: String, _ node: Node) throws(ConfigurationError) {
        guard SkeinConfiguration.keys.contains(path) else {
            throw ConfigurationError(key: path, rule: "is not a known setting (see skein.example.yaml)")
        }
        switch node {
        case .scalar(let scalar):
            // `key:` with nothing after it means "use the default"; a quoted "" is an empty value.
            if scalar.style == .plain && (scalar.string == "" || scalar.string == "~" || scalar.string == "null") { return }
            values[path] = .scalar(scalar.string)
        case .sequence(let sequence):
            var items: [String] = []
            for element in sequence {
                guard case .scalar(let scalar) = element else { throw ConfigurationError(key: path, rule: "must be a list of plain values") }
                items.append(scalar.string)
            }
            values[path] = .list(items)
        default:
            throw ConfigurationError(key: path, rule: "must be a value or a list of values")
        }
    }

    /// Sets a value from a command-line flag; flags win over the file.
    package mutating func override(_ key: String, _ value: ConfigurationValue) {
        values[key] = value
    }

    package subscript(key: String) -> ConfigurationValue? { values[key] }
}
