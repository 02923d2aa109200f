import Hummingbird
import Prometheus
import SkeinTelemetry

/// Records each query API request's duration in `skein_http_request_duration_seconds`, labelled
/// with the matched route pattern (`/api/traces/{traceID}`), never the raw path, so the number of
/// series stays bounded whatever clients request. Requests no route matched share one label
/// value (Hummingbird's `NotFound`), and files of the viewer share `FileMiddleware`.
///
/// The time is taken when the handler returns its response: for the live tail's stream that is
/// when the stream opens, not its whole life.
struct RouteMetricsMiddleware: RouterMiddleware {
    typealias Context = QueryContext
    let telemetry: Telemetry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, since: start)
            return response
        } catch {
            record(request, context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant) {
        // The registry hands back the histogram made for these labels by an earlier request.
        let histogram = telemetry.latency("http", "request_duration", help: "Query API request duration, by matched route pattern, method and status class.",
                                          labels: [("route", context.endpointPath ?? "NotFound"), ("method", request.method.rawValue),
                                                   ("status", "\(status / 100)xx")])
        histogram.record(.now - start)
    }
}
