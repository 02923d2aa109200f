import Hummingbird
package import Logging
import ServiceLifecycle
import SkeinAlerts
package import UnixSignals
import SkeinCore
import SkeinIngest
package import SkeinOTLP
import SkeinQuery
import SkeinRollups
package import SkeinSampling
import SkeinStorage
import SkeinTail
package import SkeinTelemetry
import SkeinTLS

/// The whole server: storage, retention, rollups, the OTLP/gRPC and OTLP/HTTP receivers, the
/// query server, alert evaluation and the live tail, wired in start order and run as one `ServiceGroup`. Shutdown runs in reverse: receivers stop accepting and
/// finish in-flight requests before the store closes.
package final class SkeinServer: Sendable {
    private let group: ServiceGroup
    private let ports = ListeningPorts()
    /// This server's metrics, served at `GET /metrics` on the query port.
    package let telemetry = Telemetry()
    /// What redaction and the span limits changed, for /metrics and status pages.
    package let redactionCounters: RedactionCounters

    /// Opens the store (failing fast if it cannot) and builds every service; nothing listens yet.
    /// `samplingClock` decides when held traces come due (tests pass a `ManualClock`).
    package init(configuration: SkeinConfiguration, logger: Logger, signals: [UnixSignal] = [.sigterm, .sigint],
                 samplingClock: any SamplingClock = SystemSamplingClock()) throws {
        // TLS files first: a bad certificate should stop startup before the store is opened.
        let grpcTLS = try TLSIdentity.load(configuration.otlpGRPC.tls, section: "otlp.grpc")
        let httpTLS = try TLSIdentity.load(configuration.otlpHTTP.tls, section: "otlp.http")
        let queryTLS = try TLSIdentity.load(configuration.query.tls, section: "query")
        let store = try SpanStore(configuration: configuration.storage)
        let limiter = InFlightLimiter(limitBytes: configuration.ingest.maxInFlightBytes)
        let redactionCounters = RedactionCounters()
        self.redactionCounters = redactionCounters
        // Every accepted batch: rollups (all spans) → sampling (head, then tail) → store → live tail.
        let tail = SpanTailHub(maxSubscribers: configuration.query.maxTailSubscribers)
        let telemetry = self.telemetry
        let sampling = try SamplingWiring(configuration: configuration.sampling,
                                          next: TailStage(next: TimedStoreWrites(store: store, telemetry: telemetry), hub: tail), store: store,
                                          clock: samplingClock, logger: logger)
        let rollups = RollupStage(next: sampling.consumer, dependencies: DependencyTracker(now: WallClock.nowNanos))
        let handler = TraceExportHandler(consumer: rollups, limiter: limiter,
                                         retryAfterSeconds: configuration.ingest.retryAfterSeconds,
                                         indexPolicy: configuration.storage.indexPolicy, access: configuration.ingestAccess,
                                         rewrite: IngestRewrite(redactor: configuration.redaction.isEmpty ? nil : configuration.redaction,
                                                                limits: configuration.ingest.limits, counters: redactionCounters),
                                         traceBudget: TraceSpanBudget(limit: configuration.ingest.maxSpansPerTrace),
                                         telemetry: telemetry, logger: logger)
        let liveRollups = LiveRollupReader(store: store, stage: rollups)
        let alerts = configuration.alerts
        let externalURL = alerts.externalURL.isEmpty ? "\(queryTLS == nil ? "http" : "https")://\(configuration.query.host):\(configuration.query.port)" : alerts.externalURL
        let notifier = alerts.webhook.map { WebhookNotifier(settings: $0, externalURL: externalURL) }
        let engine = AlertEngine(rules: alerts.rules, evaluator: AlertEvaluator(reader: liveRollups), notifier: notifier,
                                 repeatIntervalNanos: alerts.repeatIntervalNanos)
        // Each tenant sees its own rules, their alerts and history; the webhook's counters are the server's.
        let rulesOf: @Sendable (Tenant) -> [AlertRule] = { tenant in alerts.rules.filter { $0.tenant == tenant } }
        let alertRoutes = AlertRoutes(
            active: { tenant in
                let names = Set(rulesOf(tenant).map(\.name))
                return AlertsJSON.active(await engine.activeAlerts().filter { $0.rule.tenant == tenant },
                                         failures: await engine.evaluationFailures().filter { names.contains($0.key) },
                                         webhook: notifier?.stats)
            },
            history: { tenant in
                let names = Set(rulesOf(tenant).map(\.name))
                return AlertsJSON.history(await engine.historyEntries().filter { names.contains($0.rule) })
            },
            rules: { tenant in AlertsJSON.rules(rulesOf(tenant)) })
        let ports = self.ports
        let scrape = ScrapeTimeMetrics(telemetry: telemetry, store: store, limiter: limiter, rollups: rollups, sampling: sampling.stage, hub: tail,
                                       redaction: redactionCounters)
        let readiness = Readiness(store: store, ports: ports)
        let grpcReceiver = OTLPGRPCReceiver(configuration: configuration.otlpGRPC, handler: handler, logger: logger, tls: grpcTLS) { port in
            await ports.set(\.otlpGRPC, port)
            logger.info("OTLP/gRPC receiver listening", metadata: ["address": "\(configuration.otlpGRPC.host):\(port)"])
        }
        let receiver = OTLPHTTPReceiver(configuration: configuration.otlpHTTP, handler: handler)
        let otlpApplication = try receiver.application(logger: logger, tls: httpTLS) { port in
            await ports.set(\.otlpHTTP, port)
            logger.info("OTLP/HTTP receiver listening", metadata: ["address": "\(configuration.otlpHTTP.host):\(port)"])
        }
        let queryApplication = try QueryServer.application(
            configuration: configuration.query,
            query: QueryService(reader: store, indexPolicy: configuration.storage.indexPolicy,
                                maxSpansPerTrace: configuration.query.maxSpansPerTrace, searchLimits: configuration.query.searchLimits),
            rollups: liveRollups,
            logger: logger,
            samplingStatus: sampling.status,
            tail: tail,
            alerts: alertRoutes,
            // Rollups gathered in memory are written first, so the checkpoint has them too.
            backup: BackupRoutes(dataDirectory: configuration.storage.dataDirectory) { directory in
                try await rollups.flush(drain: false)
                return try await store.backup(to: directory)
            },
            access: configuration.queryAccess,
            operations: OperationsRoutes(telemetry: telemetry, notReadyReason: { await readiness.notReadyReason() },
                                         beforeScrape: { scrape.update() }),
            tls: queryTLS
        ) { port in
            await ports.set(\.query, port)
            logger.info("query server listening", metadata: ["address": "\(configuration.query.host):\(port)"])
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: StorageService(store: store), serviceName: "storage"),
            .init(service: RetentionService(store: store, logger: logger), serviceName: "retention"),
            .init(service: sampling.service, serviceName: "tail-sampling"),
            .init(service: RollupFlushService(stage: rollups, interval: .nanoseconds(Int64(configuration.rollupFlushIntervalNanos)), logger: logger), serviceName: "rollups"),
            .init(service: grpcReceiver, serviceName: "otlp-grpc"),
            .init(service: otlpApplication, serviceName: "otlp-http"),
            .init(service: queryApplication, serviceName: "query"),
        ]
        if !alerts.rules.isEmpty {
            services.append(.init(service: AlertEvaluationService(engine: engine, interval: .nanoseconds(Int64(alerts.evaluationIntervalNanos))),
                                  serviceName: "alerts"))
        }
        if let notifier { services.append(.init(service: WebhookService(notifier: notifier), serviceName: "alert-webhook")) }
        services.append(.init(service: TailShutdownService(hub: tail), serviceName: "live-tail"))
        group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: signals,
            logger: logger))
    }

    /// Runs until a shutdown signal or `shutdown()`, then stops in reverse start order.
    package func run() async throws { try await group.run() }

    /// Starts a graceful shutdown.
    package func shutdown() async { await group.triggerGracefulShutdown() }

    /// The bound ports, once both servers listen (useful with port 0).
    package func listeningPorts() async -> ListeningPorts.Ports { await ports.wait() }
}

/// Collects the ports servers report once bound, and lets callers wait for all of them.
package actor ListeningPorts {
    package struct Ports: Sendable {
        package var otlpGRPC = 0
        package var otlpHTTP = 0
        package var query = 0
        var complete: Bool { otlpGRPC != 0 && otlpHTTP != 0 && query != 0 }
    }
    private var ports = Ports()
    private var waiters: [CheckedContinuation<Ports, Never>] = []

    func set(_ path: WritableKeyPath<Ports, Int>, _ port: Int) {
        ports[keyPath: path] = port
        guard ports.complete else { return }
        for waiter in waiters { waiter.resume(returning: ports) }
        waiters = []
    }

    func current() -> Ports { ports }

    func wait() async -> Ports {
        if ports.complete { return ports }
        return await withCheckedContinuation { waiters.append($0) }
    }
}
