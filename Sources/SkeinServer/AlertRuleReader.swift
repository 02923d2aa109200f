import SkeinAlerts
import SkeinCore

/// Reads the `alerts` section, naming the exact path of any problem (`alerts.rules[1].threshold`).
enum AlertRuleReader {
    static let fields: Set<String> = ["name", "metric", "service", "operation", "callee", "quantile", "span_kinds",
                                      "comparison", "threshold", "window", "for", "severity", "labels", "summary", "tenant"]

    static func configuration(_ reader: SettingsReader) throws(ConfigurationError) -> AlertsConfiguration {
        var alerts = AlertsConfiguration()
        if let nanos = try duration(reader.string("alerts.evaluation_interval"), at: "alerts.evaluation_interval", in: 1_000_000_000...3_600_000_000_000) {
            alerts.evaluationIntervalNanos = nanos
        }
        if let nanos = try duration(reader.string("alerts.repeat_interval"), at: "alerts.repeat_interval", in: 60_000_000_000...604_800_000_000_000) {
            alerts.repeatIntervalNanos = nanos
        }
        if let url = try reader.string("alerts.external_url") {
            guard url.isEmpty || url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw ConfigurationError(key: "alerts.external_url", rule: "must start with http:// or https:// (got '\(url)')")
            }
            alerts.externalURL = url
        }
        if let url = try reader.string("alerts.webhook.url"), !url.isEmpty {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw ConfigurationError(key: "alerts.webhook.url", rule: "must be an http:// or https:// URL (got '\(url)')")
            }
            alerts.webhook = WebhookSettings(url: url)
        }
        if let nanos = try duration(reader.string("alerts.webhook.timeout"), at: "alerts.webhook.timeout", in: 100_000_000...300_000_000_000) {
            alerts.webhook?.timeoutNanos = nanos
        }
        if let attempts = try reader.integer("alerts.webhook.max_attempts", in: 1...100) { alerts.webhook?.maxAttempts = attempts }

        switch reader.settings["alerts.rules"] {
        case nil, .tree(.null)?: break
        case .tree(.list(let items))?:
            var names = Set<String>()
            for (index, item) in items.enumerated() {
                let path = "alerts.rules[\(index)]"
                let rule = try self.rule(item, at: path)
                guard names.insert(rule.name).inserted else {
                    throw ConfigurationError(key: "\(path).name", rule: "'\(rule.name)' is already the name of another rule")
                }
                alerts.rules.append(rule)
            }
        default:
            throw ConfigurationError(key: "alerts.rules", rule: "must be a list of rules, each a mapping with name, metric, service, comparison and threshold")
        }
        return alerts
    }

    /// A rule's tenant; whether tenancy is on is checked once the whole file is read.
    static func tenant(_ name: String?, at path: String) throws(ConfigurationError) -> Tenant {
        guard let name else { return .single }
        guard AccessPolicy.isValidTenant(name) else {
            throw ConfigurationError(key: path, rule: "must be a tenant name: 1 to \(AccessPolicy.maxTenantLength) letters, digits and !-_.*'() (got '\(name)')")
        }
        return Tenant(name)
    }

    static func rule(_ node: ConfigurationNode, at path: String) throws(ConfigurationError) -> AlertRule {
        guard case .mapping(let members) = node else {
            throw ConfigurationError(key: path, rule: "must be a mapping with name, metric, service, comparison and threshold (got \(node.kindName))")
        }
        for member in members where !fields.contains(member.key) {
            throw ConfigurationError(key: "\(path).\(member.key)", rule: "is not a field of an alert rule (fields: \(fields.sorted().joined(separator: ", ")))")
        }
        let field = { (name: String) in members.first { $0.key == name }?.value }
        func required(_ name: String, _ hint: String) throws(ConfigurationError) -> String {
            guard let text = try PolicyReader.scalar(field(name), at: "\(path).\(name)"), !text.isEmpty else {
                throw ConfigurationError(key: "\(path).\(name)", rule: "is required (\(hint))")
            }
            return text
        }
        func optional(_ name: String) throws(ConfigurationError) -> String? {
            try PolicyReader.scalar(field(name), at: "\(path).\(name)")
        }

        let name = try required("name", "the alert's name, e.g. CheckoutSlow")
        let service = try required("service", "the service whose spans are measured; for edge_error_rate the caller")
        let metricName = try required("metric", "latency, error_rate, call_rate or edge_error_rate")
        let metric: AlertRule.Metric
        switch metricName {
        case "latency":
            var quantile = 0.99
            if let text = try optional("quantile") {
                guard let value = Double(text), value > 0, value <= 1 else {
                    throw ConfigurationError(key: "\(path).quantile", rule: "must be a number above 0 and at most 1, e.g. 0.99 (got '\(text)')")
                }
                quantile = value
            }
            metric = .latency(quantile: quantile)
        case "error_rate": metric = .errorRate
        case "call_rate": metric = .callRate
        case "edge_error_rate": metric = .edgeErrorRate(callee: try required("callee", "the called service of the edge"))
        default:
            throw ConfigurationError(key: "\(path).metric", rule: "must be one of latency, error_rate, call_rate, edge_error_rate (got '\(metricName)')")
        }
        if metric.name != "latency", field("quantile") != nil {
            throw ConfigurationError(key: "\(path).quantile", rule: "applies only to metric latency")
        }
        if metric.name != "edge_error_rate", field("callee") != nil {
            throw ConfigurationError(key: "\(path).callee", rule: "applies only to metric edge_error_rate")
        }
        let operation = try optional("operation")
        if operation != nil, metric.name == "edge_error_rate" {
            throw ConfigurationError(key: "\(path).operation", rule: "does not apply to metric edge_error_rate (edges are per service)")
        }

        var kinds: Set<SpanKind> = [.server, .consumer]
        switch field("span_kinds") {
        case nil, .null?: break
        case .list(let items)?:
            kinds = []
            for (index, item) in items.enumerated() {
                guard case .scalar(let text) = item, let kind = SpanKind(jaegerName: text) else {
                    throw ConfigurationError(key: "\(path).span_kinds[\(index)]", rule: "must be server, client, producer, consumer, internal or unspecified")
                }
                kinds.insert(kind)
            }
            if kinds.isEmpty { throw ConfigurationError(key: "\(path).span_kinds", rule: "must list at least one span kind") }
        case .scalar(let text)?:
            guard let kind = SpanKind(jaegerName: text) else {
                throw ConfigurationError(key: "\(path).span_kinds", rule: "must be server, client, producer, consumer, internal or unspecified (got '\(text)')")
            }
            kinds = [kind]
        case .mapping?:
            throw ConfigurationError(key: "\(path).span_kinds", rule: "must be a list of span kinds, e.g. [server, consumer]")
        }

        let comparisonText = try required("comparison", "one of >, >=, <, <=")
        guard let comparison = AlertRule.Comparison(rawValue: comparisonText) else {
            throw ConfigurationError(key: "\(path).comparison", rule: "must be one of >, >=, <, <= (got '\(comparisonText)')")
        }
        let thresholdText = try required("threshold", metric.name == "latency" ? "a duration such as 500ms" : "a number")
        let threshold: Double
        if case .latency = metric {
            guard let nanos = GoDuration.parseNanos(thresholdText), nanos >= 0 else {
                throw ConfigurationError(key: "\(path).threshold", rule: "must be a duration for latency, e.g. 500ms or 1.5s (got '\(thresholdText)')")
            }
            threshold = Double(nanos) / 1_000_000
        } else {
            guard let value = Double(thresholdText), value.isFinite, value >= 0 else {
                throw ConfigurationError(key: "\(path).threshold", rule: "must be a number of at least 0 (\(metric.name == "call_rate" ? "calls per second" : "a share from 0 to 1")) (got '\(thresholdText)')")
            }
            if metric.name != "call_rate", value > 1 {
                throw ConfigurationError(key: "\(path).threshold", rule: "must be a share from 0 to 1, e.g. 0.05 for 5% (got '\(thresholdText)')")
            }
            threshold = value
        }
        let window = try duration(optional("window"), at: "\(path).window", in: 60_000_000_000...86_400_000_000_000) ?? 300_000_000_000
        let forNanos = try duration(optional("for"), at: "\(path).for", in: 0...86_400_000_000_000) ?? 60_000_000_000
        let severity = try optional("severity") ?? "warning"
        guard !severity.isEmpty else { throw ConfigurationError(key: "\(path).severity", rule: "must not be empty, e.g. warning or critical") }

        var labels: [String: String] = [:]
        switch field("labels") {
        case nil, .null?: break
        case .mapping(let pairs)?:
            for pair in pairs {
                guard case .scalar(let value) = pair.value else {
                    throw ConfigurationError(key: "\(path).labels.\(pair.key)", rule: "must be a single value")
                }
                guard pair.key.first.map({ $0.isLetter || $0 == "_" }) ?? false,
                      pair.key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw ConfigurationError(key: "\(path).labels.\(pair.key)", rule: "a label name must be letters, digits and _, not starting with a digit")
                }
                labels[pair.key] = value
            }
        default:
            throw ConfigurationError(key: "\(path).labels", rule: "must be a mapping of label names to values, e.g. {team: payments}")
        }
        return AlertRule(name: name, metric: metric, service: service, operation: operation, kinds: kinds, comparison: comparison,
                         threshold: threshold, windowNanos: window, forNanos: forNanos, severity: severity, labels: labels,
                         summary: try optional("summary"), tenant: try tenant(optional("tenant"), at: "\(path).tenant"))
    }

    private static func duration(_ text: String?, at key: String, in range: ClosedRange<UInt64>) throws(ConfigurationError) -> UInt64? {
        guard let text else { return nil }
        guard let nanos = GoDuration.parseNanos(text), nanos >= 0, range.contains(UInt64(nanos)) else {
            let low = GoDuration.format(nanos: Int64(range.lowerBound)), high = GoDuration.format(nanos: Int64(range.upperBound))
            throw ConfigurationError(key: key, rule: "must be a duration from \(low) to \(high), e.g. 15s, 5m or 1h (got '\(text)')")
        }
        return UInt64(nanos)
    }
}
