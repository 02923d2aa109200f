package import Hummingbird
package import SkeinTelemetry

/// Liveness, readiness and the server's own metrics, for orchestrators and Prometheus.
package struct OperationsRoutes: Sendable {
    /// The metrics `GET /metrics` exposes (the route latency middleware records into it too).
    package let telemetry: Telemetry
    /// Nil when the server can take traffic, otherwise why not (for the 503 body).
    private let notReadyReason: @Sendable () async -> String?
    /// Sets the gauges read at scrape time (sizes, bytes in flight) just before rendering.
    private let beforeScrape: @Sendable () async -> Void

    package init(telemetry: Telemetry = Telemetry(), notReadyReason: @escaping @Sendable () async -> String? = { nil },
                 beforeScrape: @escaping @Sendable () async -> Void = {}) {
        self.telemetry = telemetry
        self.notReadyReason = notReadyReason
        self.beforeScrape = beforeScrape
    }

    package func addRoutes(to router: Router<QueryContext>) {
        // Liveness: answering at all means the process runs.
        router.get("/healthz") { _, _ in APIResponse.text(.ok, "ok\n") }
        router.get("/readyz") { _, _ in
            guard let reason = await notReadyReason() else { return APIResponse.text(.ok, "ready\n") }
            return APIResponse.text(.serviceUnavailable, "not ready: \(reason)\n")
        }
        router.get("/metrics") { _, _ in
            await beforeScrape()
            return Response(status: .ok, headers: [.contentType: Telemetry.contentType],
                            body: .init(byteBuffer: ByteBuffer(bytes: telemetry.exposition())))
        }
    }
}
