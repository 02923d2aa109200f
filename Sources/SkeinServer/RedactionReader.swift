import SkeinOTLP
import SkeinRedaction

/// Reads the `redaction` section, naming the exact path of any problem (`redaction.rules[1].pattern`).
enum RedactionReader {
    static let fields: Set<String> = ["key", "key_pattern", "action", "pattern", "replacement"]

    static func rules(_ reader: SettingsReader) throws(ConfigurationError) -> RedactionRules {
        let salt = try reader.string("redaction.hash_salt") ?? ""
        var rules: [RedactionRule] = []
        switch reader.settings["redaction.rules"] {
        case nil, .tree(.null)?: break
        case .tree(.list(let items))?:
            for (index, item) in items.enumerated() { rules.append(try rule(item, at: "redaction.rules[\(index)]")) }
        default:
            throw ConfigurationError(key: "redaction.rules", rule: "must be a list of rules, each a mapping with key or key_pattern, and action")
        }
        do {
            return try RedactionRules(rules: rules, hashSalt: salt)
        } catch {
            let path = "redaction.rules[\(error.index)]"
            throw ConfigurationError(key: error.field.isEmpty ? path : "\(path).\(error.field)", rule: error.reason)
        }
    }

    static func rule(_ node: ConfigurationNode, at path: String) throws(ConfigurationError) -> RedactionRule {
        guard case .mapping(let members) = node else {
            throw ConfigurationError(key: path, rule: "must be a mapping with key or key_pattern, and action (got \(node.kindName))")
        }
        for member in members where !fields.contains(member.key) {
            throw ConfigurationError(key: "\(path).\(member.key)", rule: "is not a field of a redaction rule (fields: \(fields.sorted().joined(separator: ", ")))")
        }
        let field = { (name: String) in members.first { $0.key == name }?.value }
        let key = try PolicyReader.scalar(field("key"), at: "\(path).key")
        let keyPattern = try PolicyReader.scalar(field("key_pattern"), at: "\(path).key_pattern")
        let selector: RedactionRule.Selector
        switch (key, keyPattern) {
        case (let key?, nil): selector = .key(key)
        case (nil, let pattern?): selector = .keyPattern(pattern)
        default: throw ConfigurationError(key: path, rule: "must have exactly one of key (an attribute key) or key_pattern (a regular expression)")
        }
        guard let actionText = try PolicyReader.scalar(field("action"), at: "\(path).action") else {
            throw ConfigurationError(key: "\(path).action", rule: "is required: drop, hash or mask")
        }
        guard let action = RedactionAction(rawValue: actionText) else {
            throw ConfigurationError(key: "\(path).action", rule: "must be one of drop, hash, mask (got '\(actionText)')")
        }
        let pattern = try PolicyReader.scalar(field("pattern"), at: "\(path).pattern")
        let replacement = try PolicyReader.scalar(field("replacement"), at: "\(path).replacement")
        if action != .mask, pattern != nil || replacement != nil {
            throw ConfigurationError(key: "\(path).\(pattern != nil ? "pattern" : "replacement")", rule: "applies only to action mask")
        }
        return RedactionRule(selector: selector, action: action, pattern: pattern, replacement: replacement ?? "****")
    }
}
