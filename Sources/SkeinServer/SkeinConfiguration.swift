package import Logging
package import SkeinAlerts
package import SkeinIngest
package import SkeinQuery
package import SkeinRedaction
package import SkeinSampling
package import SkeinStorage
package import SkeinCore
import SkeinOTLP

/// All of Skein's settings, nesting each module's configuration. Built from the YAML file
/// (`--config`) and the flags, whose names mirror the file's keys; every default lives in the
/// module configurations' initialisers and is listed in skein.example.yaml and the README.
package struct SkeinConfiguration: Sendable, Equatable {
    package var storage = StorageConfiguration()
    package var ingest = IngestConfiguration()
    package var otlpGRPC = OTLPGRPCConfiguration()
    package var otlpHTTP = OTLPHTTPConfiguration()
    package var query = QueryConfiguration()
    package var sampling = SamplingConfiguration()
    package var alerts = AlertsConfiguration()
    /// `otlp.auth.token` and the tenant header: who may send spans.
    package var ingestAccess = AccessPolicy()
    /// `query.auth.token` and the tenant header: who may read them.
    package var queryAccess = AccessPolicy()
    /// `redaction.*`: attribute redaction at ingest (RedactionReader). Default: no rules.
    package var redaction = RedactionRules()
    /// `rollups.flush_interval`, `--rollups-flush-interval`: how often rollups gathered in memory
    /// are written (a kill -9 loses at most this much of them). Default 10 s.
    package var rollupFlushIntervalNanos: UInt64 = 10_000_000_000
    /// `log.level`, `--log-level`: trace, debug, info, notice, warning, error, critical. Default info.
    package var logLevel: Logger.Level = .info

    package init() {}

    /// The sections a file may hold.
    static let sections: Set<String> = ["storage", "storage.index", "otlp", "otlp.grpc", "otlp.http", "otlp.http.cors", "query",
                                        "otlp.grpc.tls", "otlp.http.tls", "query.tls", "log", "rollups", "otlp.auth", "query.auth", "tenancy",
                                        "sampling", "sampling.head", "sampling.tail", "alerts", "alerts.webhook",
                                        "otlp.limits", "redaction"]

    /// Every setting's dotted key.
    package static let keys: Set<String> = [
        "storage.data_dir", "storage.sync_writes", "storage.block_cache_mib", "storage.retention",
        "storage.index.max_value_bytes", "storage.index.include_keys", "storage.index.exclude_keys",
        "otlp.max_in_flight_mib", "otlp.retry_after_seconds", "otlp.grpc.listen", "otlp.grpc.max_message_mib",
        "otlp.http.listen", "otlp.http.max_body_mib", "otlp.http.cors.allowed_origins", "otlp.http.cors.max_age_seconds",
        "query.listen", "query.ui_dir", "query.max_spans_per_trace", "query.max_tail_subscribers",
        "query.max_search_limit", "query.max_search_range", "query.max_concurrent_queries",
        "otlp.idle_timeout", "query.idle_timeout",
        "log.level", "rollups.flush_interval",
        "sampling.head.default_rate", "sampling.head.service_rates", "sampling.tail.enabled", "sampling.tail.decision_wait",
        "sampling.tail.max_traces", "sampling.tail.max_bytes", "sampling.tail.decision_cache_size", "sampling.tail.policies",
        "alerts.evaluation_interval", "alerts.repeat_interval", "alerts.external_url", "alerts.webhook.url",
        "alerts.webhook.timeout", "alerts.webhook.max_attempts", "alerts.rules",
        "otlp.auth.token", "query.auth.token", "tenancy.enabled", "tenancy.header",
        "otlp.grpc.tls.cert_file", "otlp.grpc.tls.key_file", "otlp.http.tls.cert_file", "otlp.http.tls.key_file",
        "query.tls.cert_file", "query.tls.key_file",
        "otlp.limits.max_attributes_per_span", "otlp.limits.max_attribute_value_length", "otlp.limits.max_events_per_span",
        "otlp.limits.max_links_per_span", "otlp.limits.max_spans_per_request", "otlp.limits.max_spans_per_trace", "redaction.rules", "redaction.hash_salt",
    ]

    /// Keys whose whole YAML subtree is kept (`ConfigurationValue.tree`) for their typed reader.
    static let structuredKeys: Set<String> = ["sampling.head.service_rates", "sampling.tail.policies", "alerts.rules", "redaction.rules"]

    /// Types and validates every setting; the first problem is thrown naming its key.
    package init(settings: ConfigurationSettings) throws(ConfigurationError) {
        let reader = SettingsReader(settings: settings)
        if let dataDir = try reader.string("storage.data_dir") {
            guard !dataDir.isEmpty else { throw ConfigurationError(key: "storage.data_dir", rule: "must not be empty") }
            storage.dataDirectory = dataDir
        }
        if let sync = try reader.bool("storage.sync_writes") { storage.syncWrites = sync }
        if let cache = try reader.integer("storage.block_cache_mib", in: 8...65_536) { storage.blockCacheBytes = cache << 20 }
        if let retention = try reader.duration("storage.retention", atLeast: 3_600_000_000_000) { storage.retentionNanos = retention }
        if let bytes = try reader.integer("storage.index.max_value_bytes", in: 0...65_535) { storage.indexPolicy.maxValueBytes = bytes }
        if let keys = try reader.list("storage.index.include_keys") { storage.indexPolicy.includeKeys = Set(keys) }
        if let keys = try reader.list("storage.index.exclude_keys") { storage.indexPolicy.excludeKeys = Set(keys) }

        if let inFlight = try reader.integer("otlp.max_in_flight_mib", in: 1...65_536) { ingest.maxInFlightBytes = inFlight << 20 }
        if let seconds = try reader.integer("otlp.retry_after_seconds", in: 1...300) { ingest.retryAfterSeconds = seconds }
        if let listen = try reader.listenAddress("otlp.grpc.listen") { (otlpGRPC.host, otlpGRPC.port) = listen }
        if let message = try reader.integer("otlp.grpc.max_message_mib", in: 1...1_024) { otlpGRPC.maxMessageBytes = message << 20 }
        if let listen = try reader.listenAddress("otlp.http.listen") { (otlpHTTP.host, otlpHTTP.port) = listen }
        if let body = try reader.integer("otlp.http.max_body_mib", in: 1...1_024) { otlpHTTP.maxBodyBytes = body << 20 }
        if let origins = try reader.list("otlp.http.cors.allowed_origins") {
            for origin in origins where !(origin == "*" || origin.hasPrefix("http://") || origin.hasPrefix("https://")) {
                throw ConfigurationError(key: "otlp.http.cors.allowed_origins", rule: "entry '\(origin)' must start with http:// or https:// (or be *)")
            }
            otlpHTTP.corsAllowedOrigins = origins
        }
        if let age = try reader.integer("otlp.http.cors.max_age_seconds", in: 0...86_400) { otlpHTTP.corsMaxAgeSeconds = age }
        otlpGRPC.tls = try reader.tlsFiles("otlp.grpc")
        otlpHTTP.tls = try reader.tlsFiles("otlp.http")
        query.tls = try reader.tlsFiles("query")
        ingest.limits = try SpanLimits(reading: reader)
        if let spans = try reader.integer("otlp.limits.max_spans_per_trace", in: 1...100_000_000) { ingest.maxSpansPerTrace = spans }
        redaction = try RedactionReader.rules(reader)

        if let listen = try reader.listenAddress("query.listen") { (query.host, query.port) = listen }
        if let ui = try reader.string("query.ui_dir") { query.uiDirectory = ui }
        if let spans = try reader.integer("query.max_spans_per_trace", in: 1...10_000_000) { query.maxSpansPerTrace = spans }
        if let subscribers = try reader.integer("query.max_tail_subscribers", in: 1...10_000) { query.maxTailSubscribers = subscribers }
        if let limit = try reader.integer("query.max_search_limit", in: 100...100_000) { query.searchLimits.maxLimit = limit }
        // 0 turns the range limit off; anything else is a duration of at least an hour.
        if try reader.string("query.max_search_range") == "0" {
            query.searchLimits.maxRangeNanos = 0
        } else if let range = try reader.duration("query.max_search_range", atLeast: 3_600_000_000_000) {
            query.searchLimits.maxRangeNanos = range
        }
        if let queries = try reader.integer("query.max_concurrent_queries", in: 1...10_000) { query.maxConcurrentQueries = queries }
        if let timeout = try reader.timeout("otlp.idle_timeout") { (otlpHTTP.idleTimeout, otlpGRPC.idleTimeout) = (timeout, timeout) }
        if let timeout = try reader.timeout("query.idle_timeout") { query.idleTimeout = timeout }
        sampling = try SamplingConfiguration(reading: reader)
        alerts = try AlertRuleReader.configuration(reader)
        if let text = try reader.string("rollups.flush_interval") {
            guard let nanos = GoDuration.parseNanos(text), nanos >= 100_000_000, nanos <= 600_000_000_000 else {
                throw ConfigurationError(key: "rollups.flush_interval", rule: "must be a duration from 100ms to 10m, e.g. 10s (got '\(text)')")
            }
            rollupFlushIntervalNanos = UInt64(nanos)
        }

        if let level = try reader.string("log.level") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError(key: "log.level", rule: "must be one of trace, debug, info, notice, warning, error, critical (got '\(level)')")
            }
            logLevel = parsed
        }
        try readAccess(reader)
        let addresses = [("otlp.grpc.listen", otlpGRPC.host, otlpGRPC.port), ("otlp.http.listen", otlpHTTP.host, otlpHTTP.port),
                         ("query.listen", query.host, query.port)]
        for (index, address) in addresses.enumerated() where address.2 != 0 {
            if let clash = addresses[..<index].first(where: { $0.1 == address.1 && $0.2 == address.2 }) {
                throw ConfigurationError(key: address.0, rule: "must differ from \(clash.0) (both are \(address.1):\(address.2))")
            }
        }
    }
}

extension SkeinConfiguration {
    /// Tokens and tenancy. A token is any run of visible ASCII (it travels in a header); with
    /// tenancy on, every alert rule names its tenant, and with it off none may.
    private mutating func readAccess(_ reader: SettingsReader) throws(ConfigurationError) {
        func token(_ key: String) throws(ConfigurationError) -> String? {
            guard let text = try reader.string(key), !text.isEmpty else { return nil }
            guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw ConfigurationError(key: key, rule: "must be printable ASCII without spaces (it is sent as 'Authorization: Bearer <token>')")
            }
            return text
        }
        ingestAccess.token = try token("otlp.auth.token")
        queryAccess.token = try token("query.auth.token")
        var header = "X-Scope-OrgID"
        if let text = try reader.string("tenancy.header") {
            guard !text.isEmpty, text.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x2D || byte == 0x5F
            }), text.lowercased() != "authorization" else {
                throw ConfigurationError(key: "tenancy.header", rule: "must be an HTTP header name of letters, digits, - and _, other than Authorization (got '\(text)')")
            }
            header = text
        }
        let tenancy = try reader.bool("tenancy.enabled") ?? false
        ingestAccess.tenantHeader = tenancy ? header : nil
        queryAccess.tenantHeader = tenancy ? header : nil
        for (index, rule) in alerts.rules.enumerated() where tenancy == (rule.tenant == .single) {
            throw ConfigurationError(key: "alerts.rules[\(index)].tenant",
                                     rule: tenancy ? "is required while tenancy.enabled is true: name the tenant whose spans the rule watches"
                                                   : "is allowed only with tenancy.enabled: true")
        }
    }
}

/// Typed access to settings with rule-naming errors.
struct SettingsReader {
    let settings: ConfigurationSettings

    func string(_ key: String) throws(ConfigurationError) -> String? {
        switch settings[key] {
        case nil: return nil
        case .scalar(let text): return text
        case .list: throw ConfigurationError(key: key, rule: "must be a single value, not a list")
        case .tree: throw ConfigurationError(key: key, rule: "must be a single value")
        }
    }

    func list(_ key: String) throws(ConfigurationError) -> [String]? {
        switch settings[key] {
        case nil: return nil
        case .scalar(let text): return [text]
        case .list(let items): return items
        case .tree: throw ConfigurationError(key: key, rule: "must be a list of plain values")
        }
    }

    func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw ConfigurationError(key: key, rule: "must be true or false (got '\(text)')")
        }
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let text = try string(key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(key: key, rule: "must be a whole number from \(range.lowerBound) to \(range.upperBound) (got '\(text)')")
        }
        return value
    }

    /// A duration such as `168h`, `7d` or `90m`, at least `minimum` nanoseconds.
    /// A connection timeout from 100ms to 1h, e.g. 60s.
    func timeout(_ key: String) throws(ConfigurationError) -> Duration? {
        guard let text = try string(key) else { return nil }
        guard let nanos = GoDuration.parseNanos(text), nanos >= 100_000_000, nanos <= 3_600_000_000_000 else {
            throw ConfigurationError(key: key, rule: "must be a duration from 100ms to 1h, e.g. 60s (got '\(text)')")
        }
        return .nanoseconds(nanos)
    }

    func duration(_ key: String, atLeast minimum: UInt64) throws(ConfigurationError) -> UInt64? {
        guard let text = try string(key) else { return nil }
        var nanos: Int64? = nil
        if text.hasSuffix("d"), let days = Double(text.dropLast()), days > 0, days < 100_000 {
            nanos = Int64(days * 86_400e9)
        } else {
            nanos = GoDuration.parseNanos(text)
        }
        guard let nanos, nanos >= minimum else {
            throw ConfigurationError(key: key, rule: "must be a duration of at least 1h, e.g. 7d, 36h or 90m (got '\(text)')")
        }
        return UInt64(nanos)
    }

    /// `host:port`, `[ipv6]:port` or `:port` (all interfaces).
    func listenAddress(_ key: String) throws(ConfigurationError) -> (String, Int)? {
        guard let text = try string(key) else { return nil }
        let rule = "must be host:port, e.g. 127.0.0.1:4318 or 0.0.0.0:4318 (got '\(text)')"
        guard let colon = text.lastIndex(of: ":") else { throw ConfigurationError(key: key, rule: rule) }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        guard let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ConfigurationError(key: key, rule: rule)
        }
        return (host, port)
    }
}
