import SkeinCore
import SkeinSampling

/// Reads one tail-sampling policy from its YAML subtree, naming the exact path of any problem.
enum PolicyReader {
    /// The fields each policy type accepts besides `name` and `type`.
    static let fields: [String: [String]] = [
        "always": [], "error": [], "duration": ["threshold", "of"],
        "attribute": ["key", "equals", "regex", "min", "max", "on"], "probabilistic": ["rate"],
        "rate_limit": ["traces_per_second"], "services": ["services"], "and": ["policies"], "not": ["policy"],
    ]

    /// `top` policies must have a name (it is recorded as the reason); nested ones may.
    static func policy(_ node: ConfigurationNode, at path: String, top: Bool) throws(ConfigurationError) -> TailPolicy {
        guard case .mapping(let members) = node else {
            throw ConfigurationError(key: path, rule: "must be a mapping with name and type (got \(node.kindName))")
        }
        let field = { (name: String) in members.first { $0.key == name }?.value }
        guard let type = try scalar(field("type"), at: "\(path).type") else {
            throw ConfigurationError(key: "\(path).type", rule: "is required (one of \(fields.keys.sorted().joined(separator: ", ")))")
        }
        guard let allowed = fields[type] else {
            throw ConfigurationError(key: "\(path).type", rule: "must be one of \(fields.keys.sorted().joined(separator: ", ")) (got '\(type)')")
        }
        for member in members where member.key != "name" && member.key != "type" && !allowed.contains(member.key) {
            let list = (["name", "type"] + allowed).joined(separator: ", ")
            throw ConfigurationError(key: "\(path).\(member.key)", rule: "is not a field of a '\(type)' policy (fields: \(list))")
        }
        let name = try scalar(field("name"), at: "\(path).name")
        if top, name?.isEmpty ?? true { throw ConfigurationError(key: "\(path).name", rule: "is required: it is recorded as the reason a trace is kept") }
        let rule = try self.rule(type, field, at: path)
        return TailPolicy(name: name ?? type, rule: rule)
    }

    private static func rule(_ type: String, _ field: (String) -> ConfigurationNode?, at path: String) throws(ConfigurationError) -> PolicyRule {
        switch type {
        case "always": return .always
        case "error": return .error
        case "duration":
            let key = "\(path).threshold"
            guard let text = try scalar(field("threshold"), at: key) else { throw ConfigurationError(key: key, rule: "is required, e.g. 500ms or 2s") }
            guard let nanos = GoDuration.parseNanos(text), nanos > 0 else {
                throw ConfigurationError(key: key, rule: "must be a duration above 0, e.g. 500ms or 2s (got '\(text)')")
            }
            let scope = try choice(field("of"), at: "\(path).of", PolicyRule.DurationScope.self) ?? .trace
            return .duration(thresholdNanos: UInt64(nanos), of: scope)
        case "attribute":
            return .attribute(try attribute(field, at: path))
        case "probabilistic":
            guard let node = field("rate") else { throw ConfigurationError(key: "\(path).rate", rule: "is required: a number from 0 to 1") }
            return .probabilistic(rate: try SamplingConfiguration.rate(node, at: "\(path).rate"))
        case "rate_limit":
            let key = "\(path).traces_per_second"
            guard let text = try scalar(field("traces_per_second"), at: key) else { throw ConfigurationError(key: key, rule: "is required, e.g. 100") }
            guard let rate = Double(text), rate > 0, rate <= 1_000_000 else {
                throw ConfigurationError(key: key, rule: "must be a number above 0 and at most 1000000 (got '\(text)')")
            }
            return .rateLimit(tracesPerSecond: rate)
        case "services":
            let key = "\(path).services"
            guard case .list(let items)? = field("services"), !items.isEmpty else {
                throw ConfigurationError(key: key, rule: "must be a list of one or more service names")
            }
            var services: [String] = []
            for (index, item) in items.enumerated() {
                guard case .scalar(let service) = item, !service.isEmpty else {
                    throw ConfigurationError(key: "\(key)[\(index)]", rule: "must be a service name")
                }
                services.append(service)
            }
            return .services(services)
        case "and":
            let key = "\(path).policies"
            guard case .list(let items)? = field("policies"), !items.isEmpty else {
                throw ConfigurationError(key: key, rule: "must be a list of one or more policies")
            }
            var rules: [PolicyRule] = []
            for (index, item) in items.enumerated() { rules.append(try policy(item, at: "\(key)[\(index)]", top: false).rule) }
            return .and(rules)
        default:  // "not"
            let key = "\(path).policy"
            guard let node = field("policy") else { throw ConfigurationError(key: key, rule: "is required: the policy to negate") }
            return .not(try policy(node, at: key, top: false).rule)
        }
    }

    private static func attribute(_ field: (String) -> ConfigurationNode?, at path: String) throws(ConfigurationError) -> AttributeCondition {
        guard let key = try scalar(field("key"), at: "\(path).key"), !key.isEmpty else {
            throw ConfigurationError(key: "\(path).key", rule: "is required: the attribute key to test")
        }
        let equals = try scalar(field("equals"), at: "\(path).equals")
        let regex = try scalar(field("regex"), at: "\(path).regex")
        let min = try number(field("min"), at: "\(path).min")
        let max = try number(field("max"), at: "\(path).max")
        let ways = [equals != nil, regex != nil, min != nil || max != nil].filter { $0 }.count
        guard ways == 1 else {
            throw ConfigurationError(key: path, rule: "must have exactly one of equals, regex, or min/max (a numeric range)")
        }
        let match: AttributeCondition.Match
        if let equals {
            match = .equals(equals)
        } else if let regex {
            if let problem = AttributeCondition.regexProblem(regex) { throw ConfigurationError(key: "\(path).regex", rule: "\(problem) (got '\(regex)')") }
            match = .regex(regex)
        } else {
            if let min, let max, min > max { throw ConfigurationError(key: "\(path).min", rule: "must not be above max (\(min) > \(max))") }
            match = .range(min: min, max: max)
        }
        let scope = try choice(field("on"), at: "\(path).on", AttributeCondition.Scope.self) ?? .any
        return AttributeCondition(key: key, match: match, scope: scope)
    }

    /// A scalar field's text; nil when absent or empty.
    static func scalar(_ node: ConfigurationNode?, at path: String) throws(ConfigurationError) -> String? {
        switch node {
        case nil, .null?: return nil
        case .scalar(let text)?: return text
        case let other?: throw ConfigurationError(key: path, rule: "must be a single value (got \(other.kindName))")
        }
    }

    private static func number(_ node: ConfigurationNode?, at path: String) throws(ConfigurationError) -> Double? {
        guard let text = try scalar(node, at: path) else { return nil }
        guard let value = Double(text), value.isFinite else { throw ConfigurationError(key: path, rule: "must be a number (got '\(text)')") }
        return value
    }

    private static func choice<T: RawRepresentable & CaseIterable>(_ node: ConfigurationNode?, at path: String, _: T.Type) throws(ConfigurationError) -> T?
    where T.RawValue == String {
        guard let text = try scalar(node, at: path) else { return nil }
        guard let value = T(rawValue: text) else {
            throw ConfigurationError(key: path, rule: "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(text)')")
        }
        return value
    }

    /// A node as quoted in messages.
    static func shown(_ node: ConfigurationNode) -> String {
        if case .scalar(let text) = node { return "'\(text)'" }
        return node.kindName
    }
}
