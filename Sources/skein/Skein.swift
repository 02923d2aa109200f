import ArgumentParser
import Foundation
import Logging
import SkeinServer
import SkeinTelemetry

/// `skein`: the command line. The only place that reads flags and exits the process.
@main
struct Skein: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A distributed tracing backend: OTLP in, RocksDB inside, Jaeger-compatible API out.",
        subcommands: [Serve.self, Latency.self, Services.self, Backup.self])
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Receive OTLP spans, store them, and serve the query API and viewer.",
        discussion: """
            Flags override the same keys of the --config file (see skein.example.yaml). Bearer tokens come from \
            the file or, kept out of the process list, from the environment: SKEIN_OTLP_TOKEN (otlp.auth.token) \
            and SKEIN_QUERY_TOKEN (query.auth.token).
            """)

    @Option(help: "YAML configuration file; flags override its keys.")
    var config: String?
    @Option(help: "storage.data_dir: RocksDB directory (default ./skein-data).")
    var dataDir: String?
    @Flag(inversion: .prefixedNo, help: "storage.sync_writes: fsync the WAL before acknowledging (default off).")
    var syncWrites: Bool?
    @Option(help: "storage.block_cache_mib: RocksDB block cache in MiB (default 256).")
    var blockCacheMib: String?
    @Option(help: "storage.retention: how long data is kept after it is received, e.g. 7d, 36h (default 7d).")
    var retention: String?
    @Option(help: "query.max_spans_per_trace: most spans returned for one trace (default 50000).")
    var maxSpansPerTrace: String?
    @Option(help: "otlp.max_in_flight_mib: request bytes being decoded or written at once before refusing (default 256).")
    var otlpMaxInFlightMib: String?
    @Option(help: "otlp.retry_after_seconds: retry delay suggested when refusing for load (default 1).")
    var otlpRetryAfterSeconds: String?
    @Option(help: "otlp.grpc.listen: OTLP/gRPC address (default 127.0.0.1:4317).")
    var otlpGrpcListen: String?
    @Option(help: "otlp.grpc.max_message_mib: largest request message after decompression, MiB (default 16).")
    var otlpGrpcMaxMessageMib: String?
    @Option(help: "otlp.http.listen: OTLP/HTTP address (default 127.0.0.1:4318).")
    var otlpHttpListen: String?
    @Option(help: "otlp.http.max_body_mib: largest request body after decompression, MiB (default 16).")
    var otlpHttpMaxBodyMib: String?
    @Option(help: "otlp.http.cors.allowed_origins: browser origin allowed to send spans; repeatable (default none).")
    var otlpHttpCorsAllowedOrigin: [String] = []
    @Option(help: "otlp.http.cors.max_age_seconds: preflight cache time (default 7200).")
    var otlpHttpCorsMaxAgeSeconds: String?
    @Option(help: "query.listen: query API and viewer address (default 127.0.0.1:16686).")
    var queryListen: String?
    @Option(help: "query.ui_dir: folder of the static viewer (default ./ui-static).")
    var uiDir: String?
    @Option(help: "log.level: trace, debug, info, notice, warning, error, critical (default info).")
    var logLevel: String?
    @Option(help: "rollups.flush_interval: how often rollups gathered in memory are written (default 10s).")
    var rollupsFlushInterval: String?
    @Option(help: "sampling.head.default_rate: share of traces kept at ingest, 0 to 1 (default 1).")
    var samplingHeadDefaultRate: String?
    @Option(help: "sampling.head.service_rates: a service's own rate, as service=rate; repeatable (default none).")
    var samplingHeadServiceRate: [String] = []
    @Flag(inversion: .prefixedNo, help: "sampling.tail.enabled: hold spans per trace and keep traces by policy (default off).")
    var samplingTailEnabled: Bool?
    @Option(help: "sampling.tail.decision_wait: time from a trace's first span to its decision (default 10s).")
    var samplingTailDecisionWait: String?
    @Option(help: "sampling.tail.max_traces: most traces held before the oldest are decided early (default 100000).")
    var samplingTailMaxTraces: String?
    @Option(help: "sampling.tail.max_bytes: most span bytes held before the oldest are decided early (default 256MiB).")
    var samplingTailMaxBytes: String?
    @Option(help: "sampling.tail.decision_cache_size: decisions remembered for late spans (default 100000).")
    var samplingTailDecisionCacheSize: String?
    @Flag(inversion: .prefixedNo, help: "tenancy.enabled: every request names its tenant in the tenant header (default off).")
    var tenancy: Bool?
    @Option(help: "tenancy.header: the header naming the tenant (default X-Scope-OrgID).")
    var tenancyHeader: String?

    func run() async throws {
        let configuration: SkeinConfiguration
        do {
            configuration = try SkeinConfiguration(settings: settings())
        } catch let error as ConfigurationError {
            Self.fail(error.description)
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        let logger = Logger(label: "skein")
        let server: SkeinServer
        do {
            server = try SkeinServer(configuration: configuration, logger: logger)
        } catch {
            Self.fail("cannot start: \(error)")
        }
        // Libraries reporting through swift-metrics land in the same registry as /metrics.
        server.telemetry.bootstrapGlobalMetrics()
        logger.info("skein starting", metadata: [
            "data_dir": "\(configuration.storage.dataDirectory)", "log_level": "\(configuration.logLevel)",
            "sampling_active": "\(configuration.sampling.isActive)",
        ])
        do {
            try await server.run()
        } catch {
            logger.critical("skein stopped on an error", metadata: ["error": "\(error)"])
            Foundation.exit(1)
        }
        logger.info("skein stopped")
    }

    /// The file's settings with every given flag on top.
    func settings() throws -> ConfigurationSettings {
        var settings = ConfigurationSettings()
        if let config {
            guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
                throw ConfigurationError(key: "", rule: "cannot read the configuration file '\(config)'")
            }
            settings = try ConfigurationSettings(yaml: text)
        }
        let flags: [(String, String?)] = [
            ("storage.data_dir", dataDir), ("storage.sync_writes", syncWrites.map { String($0) }),
            ("storage.block_cache_mib", blockCacheMib), ("storage.retention", retention),
            ("query.max_spans_per_trace", maxSpansPerTrace), ("otlp.max_in_flight_mib", otlpMaxInFlightMib),
            ("otlp.retry_after_seconds", otlpRetryAfterSeconds), ("otlp.grpc.listen", otlpGrpcListen),
            ("otlp.grpc.max_message_mib", otlpGrpcMaxMessageMib), ("otlp.http.listen", otlpHttpListen),
            ("otlp.http.max_body_mib", otlpHttpMaxBodyMib), ("otlp.http.cors.max_age_seconds", otlpHttpCorsMaxAgeSeconds),
            ("query.listen", queryListen), ("query.ui_dir", uiDir), ("log.level", logLevel), ("rollups.flush_interval", rollupsFlushInterval),
            ("sampling.head.default_rate", samplingHeadDefaultRate), ("sampling.tail.enabled", samplingTailEnabled.map { String($0) }),
            ("sampling.tail.decision_wait", samplingTailDecisionWait), ("sampling.tail.max_traces", samplingTailMaxTraces),
            ("sampling.tail.max_bytes", samplingTailMaxBytes), ("sampling.tail.decision_cache_size", samplingTailDecisionCacheSize),
            ("tenancy.enabled", tenancy.map { String($0) }), ("tenancy.header", tenancyHeader),
            ("otlp.auth.token", ProcessInfo.processInfo.environment["SKEIN_OTLP_TOKEN"]),
            ("query.auth.token", ProcessInfo.processInfo.environment["SKEIN_QUERY_TOKEN"]),
        ]
        for (key, value) in flags { if let value { settings.override(key, .scalar(value)) } }
        if !otlpHttpCorsAllowedOrigin.isEmpty { settings.override("otlp.http.cors.allowed_origins", .list(otlpHttpCorsAllowedOrigin)) }
        if !samplingHeadServiceRate.isEmpty {
            settings.override("sampling.head.service_rates", try .serviceRates(fromFlags: samplingHeadServiceRate))
        }
        return settings
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("skein: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
