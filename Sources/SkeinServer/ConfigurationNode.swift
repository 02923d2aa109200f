import Yams

/// A YAML subtree kept as written, for settings whose value is structured (a list of mappings
/// such as `sampling.tail.policies`, or a mapping with free-form keys such as
/// `sampling.head.service_rates`). Flat keys cannot hold these; the typed reader of each such
/// setting walks the tree and names the exact path of any problem
/// (`sampling.tail.policies[2].threshold`).
package indirect enum ConfigurationNode: Sendable, Equatable {
    /// A scalar as written (quotes removed); `null`, `~` and an empty value are `.null`.
    case scalar(String)
    case null
    case list([ConfigurationNode])
    /// Members in file order (duplicate keys are refused when the tree is built).
    case mapping([Member])

    package struct Member: Sendable, Equatable {
        package var key: String
        package var value: ConfigurationNode

        package init(key: String, value: ConfigurationNode) {
            self.key = key
            self.value = value
        }
    }

    /// Converts a YAML node; `path` names it in errors.
    init(_ node: Node, path: String) throws(ConfigurationError) {
        switch node {
        case .scalar(let scalar):
            let text = scalar.string
            self = (text.isEmpty || text == "~" || text == "null") && scalar.style == .plain ? .null : .scalar(text)
        case .sequence(let sequence):
            var items: [ConfigurationNode] = []
            for (index, element) in sequence.enumerated() { items.append(try ConfigurationNode(element, path: "\(path)[\(index)]")) }
            self = .list(items)
        case .mapping(let mapping):
            var members: [Member] = []
            for (keyNode, valueNode) in mapping {
                guard let key = keyNode.string else { throw ConfigurationError(key: path, rule: "has a key that is not a string") }
                guard !members.contains(where: { $0.key == key }) else {
                    throw ConfigurationError(key: "\(path).\(key)", rule: "is given twice")
                }
                members.append(Member(key: key, value: try ConfigurationNode(valueNode, path: "\(path).\(key)")))
            }
            self = .mapping(members)
        case .alias:
            throw ConfigurationError(key: path, rule: "uses a YAML alias, which is not supported here")
        }
    }

    /// A short name for the node's kind, for error messages.
    var kindName: String {
        switch self {
        case .scalar: "a value"
        case .null: "empty"
        case .list: "a list"
        case .mapping: "a mapping"
        }
    }
}
