package import SkeinQueryModel
package import Hummingbird
import SkeinCore

/// Jaeger's metrics endpoints, answered from Skein's rollups: service performance metrics
/// (`/api/metrics/{latencies,calls,errors}`, jaeger-api.md §5) for the Monitor tab, and the
/// dependency graph (`/api/dependencies`) for its System Architecture view.
package struct JaegerMetricsRoutes: Sendable {
    let metrics: ServiceMetrics
    let performance: ServicePerformanceMetrics
    let now: @Sendable () -> UInt64

    package init(metrics: ServiceMetrics, performance: ServicePerformanceMetrics,
                 now: @escaping @Sendable () -> UInt64 = { WallClock.nowNanos() }) {
        self.metrics = metrics
        self.performance = performance
        self.now = now
    }

    /// Most points one series may have (Prometheus refuses more than 11,000 too).
    static let maxPoints: UInt64 = 11_000

    package func addRoutes(to router: Router<QueryContext>) {
        router.get("/api/metrics/:metric") { request, context in
            let name = APIResponse.pathParameter("metric", context)
            let query: ServicePerformanceMetrics.Query
            do throws(ParameterError) {
                guard let parsed = try Self.query(metric: name, QueryParameters(request.uri.query), nowNanos: now()) else {
                    return APIResponse.jaegerError(.notFound, "unknown metric '\(name)': use latencies, calls or errors")
                }
                query = parsed
            } catch {
                return APIResponse.jaegerError(.badRequest, error.message)
            }
            let series = try await performance.series(query, tenant: context.tenant)
            return APIResponse.json(ServicePerformanceMetrics.json(series, metric: query.metric, groupByOperation: query.groupByOperation),
                                    pretty: QueryParameters(request.uri.query)["prettyPrint"] == "true")
        }
        router.get("/api/dependencies") { request, context in
            let parameters = QueryParameters(request.uri.query)
            let endMillis: UInt64, lookbackMillis: UInt64
            do throws(ParameterError) {
                endMillis = try MetricsParameters.millis(parameters, "endTs", default: now() / 1_000_000)
                lookbackMillis = try MetricsParameters.millis(parameters, "lookback", default: 86_400_000, positive: true)
            } catch {
                return APIResponse.jaegerError(.badRequest, error.message)
            }
            let end = endMillis * 1_000_000
            let start = end >= lookbackMillis * 1_000_000 ? end - lookbackMillis * 1_000_000 : 0
            let minutes = start / 60_000_000_000 ..< (end + 59_999_999_999) / 60_000_000_000
            let rows = try await metrics.dependencies(tenant: context.tenant, minutes: minutes, elapsedSeconds: Double(end - start) / 1e9,
                                                      service: parameters.first("service"))
            let body = JaegerJSON.envelope { json in
                json.array { json in
                    for row in rows {
                        json.object { json in
                            json.key("parent"); json.value(row.parent)
                            json.key("child"); json.value(row.child)
                            json.key("callCount"); json.value(row.red.calls)
                        }
                    }
                }
            }
            return APIResponse.json(body, pretty: parameters["prettyPrint"] == "true")
        }
    }

    /// The query for `/api/metrics/{metric}`, or nil for an unknown metric.
    static func query(metric name: String, _ parameters: QueryParameters, nowNanos: UInt64) throws(ParameterError) -> ServicePerformanceMetrics.Query? {
        let metric: ServicePerformanceMetrics.Metric
        switch name {
        case "latencies":
            guard let text = parameters["quantile"], let quantile = Double(text), quantile > 0, quantile <= 1 else {
                throw ParameterError("please provide a quantile between (0, 1]")
            }
            metric = .latencies(quantile: quantile)
        case "calls": metric = .calls
        case "errors": metric = .errors
        default: return nil
        }
        let services = parameters.all("service").filter { !$0.isEmpty }
        guard !services.isEmpty else { throw ParameterError("please provide at least one service name") }
        var query = ServicePerformanceMetrics.Query(metric: metric, services: services,
                                                    endNanos: try MetricsParameters.millis(parameters, "endTs", default: nowNanos / 1_000_000) * 1_000_000)
        switch parameters["groupByOperation"]?.lowercased() {
        case nil, "", "false", "0": query.groupByOperation = false
        case "true", "1": query.groupByOperation = true
        case let other?: throw ParameterError("unable to parse param 'groupByOperation': '\(other ?? "")' is not true or false")
        }
        query.lookbackNanos = try MetricsParameters.millis(parameters, "lookback", default: 3_600_000, positive: true) * 1_000_000
        query.stepNanos = try MetricsParameters.millis(parameters, "step", default: 5_000, positive: true) * 1_000_000
        query.ratePerNanos = try MetricsParameters.millis(parameters, "ratePer", default: 600_000, positive: true) * 1_000_000
        guard query.lookbackNanos / query.stepNanos <= maxPoints else {
            throw ParameterError("'lookback' / 'step' gives more than \(maxPoints) points; use a larger step")
        }
        query.kinds = try MetricsParameters.kinds(parameters, defaults: [.server])
        return query
    }
}
