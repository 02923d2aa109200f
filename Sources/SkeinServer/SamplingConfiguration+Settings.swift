import Foundation
import SkeinCore
import SkeinSampling

extension SamplingConfiguration {
    /// Reads and validates `sampling.*`; the first problem is thrown naming its key, down to a
    /// policy's field (`sampling.tail.policies[2].threshold`, counting from 0).
    init(reading reader: SettingsReader) throws(ConfigurationError) {
        self.init()
        if let rate = try reader.string("sampling.head.default_rate") {
            head.defaultRate = try Self.rate(.scalar(rate), at: "sampling.head.default_rate")
        }
        if case .tree(let tree)? = reader.settings["sampling.head.service_rates"] {
            head.serviceRates = try Self.serviceRates(tree, at: "sampling.head.service_rates")
        } else if reader.settings["sampling.head.service_rates"] != nil {
            throw ConfigurationError(key: "sampling.head.service_rates", rule: "must be a mapping of service names to rates, e.g. {checkout: 0.5}")
        }
        if let enabled = try reader.bool("sampling.tail.enabled") { tail.enabled = enabled }
        if let wait = try reader.string("sampling.tail.decision_wait") {
            guard let nanos = GoDuration.parseNanos(wait), (0...3_600_000_000_000).contains(nanos) else {
                throw ConfigurationError(key: "sampling.tail.decision_wait", rule: "must be a duration from 0s to 1h, e.g. 10s or 500ms (got '\(wait)')")
            }
            tail.decisionWaitNanos = UInt64(nanos)
        }
        if let traces = try reader.integer("sampling.tail.max_traces", in: 1...10_000_000) { tail.maxTraces = traces }
        if let text = try reader.string("sampling.tail.max_bytes") {
            guard let bytes = Self.byteSize(text), (1 << 20...64 << 30).contains(bytes) else {
                throw ConfigurationError(key: "sampling.tail.max_bytes",
                                         rule: "must be a size from 1MiB to 64GiB, in bytes or with KiB, MiB or GiB, e.g. 256MiB (got '\(text)')")
            }
            tail.maxBytes = bytes
        }
        if let size = try reader.integer("sampling.tail.decision_cache_size", in: 0...10_000_000) { tail.decisionCacheSize = size }
        switch reader.settings["sampling.tail.policies"] {
        case nil, .tree(.null)?: break
        case .tree(.list(let items))?:
            var names = Set<String>()
            for (index, item) in items.enumerated() {
                let path = "sampling.tail.policies[\(index)]"
                let policy = try PolicyReader.policy(item, at: path, top: true)
                guard names.insert(policy.name).inserted else {
                    throw ConfigurationError(key: "\(path).name", rule: "'\(policy.name)' is already the name of another policy")
                }
                tail.policies.append(policy)
            }
        default:
            throw ConfigurationError(key: "sampling.tail.policies", rule: "must be a list of policies, each a mapping with name and type")
        }
        if tail.enabled && tail.policies.isEmpty {
            throw ConfigurationError(key: "sampling.tail.policies", rule: "must list at least one policy when sampling.tail.enabled is true")
        }
    }

    /// A probability from 0 to 1.
    static func rate(_ node: ConfigurationNode, at path: String) throws(ConfigurationError) -> Double {
        guard case .scalar(let text) = node, let rate = Double(text), rate >= 0, rate <= 1 else {
            throw ConfigurationError(key: path, rule: "must be a number from 0 to 1 (got \(PolicyReader.shown(node)))")
        }
        return rate
    }

    private static func serviceRates(_ tree: ConfigurationNode, at path: String) throws(ConfigurationError) -> [String: Double] {
        switch tree {
        case .null: return [:]
        case .mapping(let members):
            var rates: [String: Double] = [:]
            for member in members {
                guard !member.key.isEmpty else { throw ConfigurationError(key: path, rule: "has an empty service name") }
                rates[member.key] = try rate(member.value, at: "\(path).\(member.key)")
            }
            return rates
        default:
            throw ConfigurationError(key: path, rule: "must be a mapping of service names to rates, e.g. {checkout: 0.5}")
        }
    }

    /// Bytes from `268435456`, `256MiB`, `512KiB` or `1GiB`.
    static func byteSize(_ text: String) -> Int? {
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let number = Int(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), number >= 0,
                  number <= Int.max / scale else { return nil }
            return number * scale
        }
        return Int(text)
    }
}

extension ConfigurationValue {
    /// `sampling.head.service_rates` from repeated `--sampling-head-service-rate name=rate` flags.
    package static func serviceRates(fromFlags flags: [String]) throws(ConfigurationError) -> ConfigurationValue {
        var members: [ConfigurationNode.Member] = []
        for flag in flags {
            guard let equals = flag.lastIndex(of: "="), equals != flag.startIndex else {
                throw ConfigurationError(key: "sampling.head.service_rates", rule: "flag value must be service=rate, e.g. checkout=0.5 (got '\(flag)')")
            }
            members.removeAll { $0.key == String(flag[..<equals]) }
            members.append(.init(key: String(flag[..<equals]), value: .scalar(String(flag[flag.index(after: equals)...]))))
        }
        return .tree(.mapping(members))
    }
}
