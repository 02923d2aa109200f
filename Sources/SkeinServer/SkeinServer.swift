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

/// The whole server: storage, retention, rollups, the OTLP/gRPC and OTLP/HTTP receivers, the
/// query server, alert evaluation and the live tail, wired in start order and run as one `ServiceGroup`. Shutdown runs in reverse: receivers stop accepting and
/// finish in-flight requests before the store closes.
package final class SkeinServer: Sendable {
    private let group: ServiceGroup
    private let ports = ListeningPorts()
    /// What redaction and the span limits changed, for /metrics and status pages.
    package let redactionCounters: RedactionCounters

    /// Opens the store (failing fast if it cannot) and builds every service; nothing listens yet.
    /// `samplingClock` decides when held traces come due (tests pass a `ManualClock`).
    package init(configuration: SkeinConfiguration, logger: Logger, signals: [UnixSignal] = [.sigterm, .sigint],
                 samplingClock: any SamplingClock = SystemSamplingClock()) throws {
        let store = try SpanStore(configuration: configuration.storage)
        let limiter = InFlightLimiter(limitBytes: configuration.ingest.maxInFlightBytes)
        let redactionCounters = RedactionCounters()
        self.redactionCounters = redactionCounters
        // Every accepted batch: rollups (all spans) → sampling (head, then tail) → store → live tail.
        let tail = SpanTailHub(maxSubscribers: configuration.query.maxTailSubscribers)
        let sampling = try SamplingWiring(configuration: configuration.sampling, next: TailStage(next: store, hub: tail), store: store,
                                          clock: samplingClock, logger: logger)
        let rollups = RollupStage(next: sampling.consumer, dependencies: DependencyTracker(now: WallClock.nowNanos))
        let handler = TraceExportHandler(consumer: rollups, limiter: limiter,
                                         retryAfterSeconds: configuration.ingest.retryAfterSeconds,
                                         indexPolicy: configuration.storage.indexPolicy,
                                         rewrite: IngestRewrite(redactor: configuration.redaction.isEmpty ? nil : configuration.redaction,
                                                                limits: configuration.ingest.limits, counters: redactionCounters),
                                         logger: logger)
        let liveRollups = LiveRollupReader(store: store, stage: rollups)
        let alerts = configuration.alerts
        let externalURL = alerts.externalURL.isEmpty ? "http://\(configuration.query.host):\(configuration.query.port)" : alerts.externalURL
        let notifier = alerts.webhook.map { WebhookNotifier(settings: $0, externalURL: externalURL) }
        let engine = AlertEngine(rules: alerts.rules, evaluator: AlertEvaluator(reader: liveRollups), notifier: notifier,
                                 repeatIntervalNanos: alerts.repeatIntervalNanos)
        let alertRoutes = AlertRoutes(
            active: { AlertsJSON.active(await engine.activeAlerts(), failures: await engine.evaluationFailures(), webhook: notifier?.stats) },
            history: { AlertsJSON.history(await engine.historyEntries()) },
            rules: { AlertsJSON.rules(alerts.rules) })
        let ports = self.ports
        let grpcReceiver = OTLPGRPCReceiver(configuration: configuration.otlpGRPC, handler: handler, logger: logger) { port in
            await ports.set(\.otlpGRPC, port)
            logger.info("OTLP/gRPC receiver listening", metadata: ["address": "\(configuration.otlpGRPC.host):\(port)"])
        }
        let receiver = OTLPHTTPReceiver(configuration: configuration.otlpHTTP, handler: handler)
        let otlpApplication = receiver.application(logger: logger) { port in
            await ports.set(\.otlpHTTP, port)
            logger.info("OTLP/HTTP receiver listening", metadata: ["address": "\(configuration.otlpHTTP.host):\(port)"])
        }
        let queryApplication = QueryServer.application(
            configuration: configuration.query,
            query: QueryService(reader: store, indexPolicy: configuration.storage.indexPolicy,
                                maxSpansPerTrace: configuration.query.maxSpansPerTrace),
            rollups: liveRollups,
            logger: logger,
            samplingStatus: sampling.status,
            tail: tail,
            alerts: alertRoutes
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

    func wait() async -> Ports {
        if ports.complete { return ports }
        return await withCheckedContinuation { waiters.append($0) }
    }
}
