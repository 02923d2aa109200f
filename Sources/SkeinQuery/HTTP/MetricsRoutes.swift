package import SkeinQueryModel
package import Hummingbird
import SkeinCore

/// Skein's service metrics for SREs under `/api/v1`: the services table, one service's latency
/// over time, its per-operation RED table, and the dependency edges; JSON, or CSV for reports.
/// Errors use the same envelope as the rest of the API.
package struct MetricsRoutes: Sendable {
    let metrics: ServiceMetrics
    let now: @Sendable () -> UInt64

    package init(metrics: ServiceMetrics, now: @escaping @Sendable () -> UInt64 = { WallClock.nowNanos() }) {
        self.metrics = metrics
        self.now = now
    }

    static let defaultLatencyQuantiles = [0.5, 0.9, 0.95, 0.99]

    package func addRoutes(to router: Router<QueryContext>) {
        router.get("/api/v1/services") { request, context in
            try await answer {
                let parameters = QueryParameters(request.uri.query)
                let window = try MetricsWindow(parameters, nowNanos: now())
                let kinds = try MetricsParameters.kinds(parameters, defaults: ServiceMetrics.defaultKinds)
                let csv = try MetricsParameters.wantsCSV(request, parameters)
                let rows = try await metrics.services(tenant: context.tenant, window: window, kinds: kinds)
                return csv ? MetricsRendering.servicesCSV(rows) : MetricsRendering.servicesJSON(rows, window: window)
            }
        }
        router.get("/api/v1/services/:service/latency") { request, context in
            try await answer {
                let service = APIResponse.pathParameter("service", context)
                let parameters = QueryParameters(request.uri.query)
                let window = try MetricsWindow(parameters, nowNanos: now())
                let kinds = try MetricsParameters.kinds(parameters, defaults: ServiceMetrics.defaultKinds)
                let quantiles = try MetricsParameters.quantiles(parameters["quantiles"], defaults: Self.defaultLatencyQuantiles)
                let operation = parameters.first("operation")
                let csv = try MetricsParameters.wantsCSV(request, parameters)
                guard try await metrics.isKnown(service: service, tenant: context.tenant) else { return Self.unknown(service) }
                let report = try await metrics.latency(tenant: context.tenant, service: service, window: window, quantiles: quantiles,
                                                       operation: operation, kinds: kinds)
                return csv ? MetricsRendering.latencyCSV(report, quantiles: quantiles)
                    : MetricsRendering.latencyJSON(report, service: service, operation: operation, kinds: kinds, window: window, quantiles: quantiles)
            }
        }
        router.get("/api/v1/services/:service/operations") { request, context in
            try await answer {
                let service = APIResponse.pathParameter("service", context)
                let parameters = QueryParameters(request.uri.query)
                let window = try MetricsWindow(parameters, nowNanos: now())
                let kinds = try MetricsParameters.kinds(parameters, defaults: ServiceMetrics.defaultKinds)
                let csv = try MetricsParameters.wantsCSV(request, parameters)
                guard try await metrics.isKnown(service: service, tenant: context.tenant) else { return Self.unknown(service) }
                let rows = try await metrics.operations(tenant: context.tenant, service: service, window: window, kinds: kinds)
                return csv ? MetricsRendering.operationsCSV(rows) : MetricsRendering.operationsJSON(rows, service: service, window: window)
            }
        }
        router.get("/api/v1/dependencies") { request, context in
            try await answer {
                let parameters = QueryParameters(request.uri.query)
                let window = try MetricsWindow(parameters, nowNanos: now())
                let csv = try MetricsParameters.wantsCSV(request, parameters)
                let rows = try await metrics.dependencies(tenant: context.tenant, minutes: window.minutes, elapsedSeconds: window.elapsedSeconds,
                                                          service: parameters.first("service"))
                return csv ? MetricsRendering.dependenciesCSV(rows) : MetricsRendering.dependenciesJSON(rows, window: window)
            }
        }
    }

    static func unknown(_ service: String) -> Response {
        APIResponse.jaegerError(.notFound, "service '\(service)' not found: no spans of it were received within the retention period")
    }

    /// Runs a handler, turning a bad parameter into a 400.
    func answer(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as ParameterError {
            return APIResponse.jaegerError(.badRequest, error.message)
        }
    }
}
