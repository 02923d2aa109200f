package import SkeinQueryModel
package import Hummingbird
import SkeinCore
import SkeinStorage

/// Skein's own endpoints under `/api/v1`: trace summaries for lists, tag autocompletion.
package struct SkeinAPIRoutes: Sendable {
    let query: QueryService
    let now: @Sendable () -> UInt64

    package init(query: QueryService, now: @escaping @Sendable () -> UInt64 = { WallClock.nowNanos() }) {
        self.query = query
        self.now = now
    }

    package func addRoutes(to router: Router<QueryContext>) {
        // Same parameters as /api/traces; one summary per trace instead of whole traces.
        router.get("/api/v1/traces/summaries") { request, context in
            let traceQuery: TraceQuery
            do throws(ParameterError) {
                traceQuery = try JaegerSearchParameters.query(QueryParameters(request.uri.query), now: now())
            } catch {
                return APIResponse.jaegerError(.badRequest, error.message)
            }
            let summaries = try await query.searchSummaries(traceQuery, tenant: context.tenant)
            var json = JSONWriter(capacity: 256 * summaries.count + 32)
            json.object { json in
                json.key("data")
                json.array { json in for summary in summaries { Self.write(summary, to: &json) } }
            }
            return APIResponse.json(json.bytes)
        }
        router.get("/api/v1/tags") { request, context in
            guard let service = QueryParameters(request.uri.query).first("service") else {
                return APIResponse.jaegerError(.badRequest, "parameter 'service' is required")
            }
            return Self.list(try await query.tagKeys(service: service, tenant: context.tenant))
        }
        router.get("/api/v1/tags/:key/values") { request, context in
            guard let service = QueryParameters(request.uri.query).first("service") else {
                return APIResponse.jaegerError(.badRequest, "parameter 'service' is required")
            }
            let key = APIResponse.pathParameter("key", context)
            return Self.list(try await query.tagValues(service: service, key: key, tenant: context.tenant))
        }
    }

    static func list(_ items: [String]) -> Response {
        var json = JSONWriter()
        json.object { json in
            json.key("data")
            json.array { json in for item in items { json.value(item) } }
        }
        return APIResponse.json(json.bytes)
    }

    /// Times in µs since the epoch and durations in µs, as Jaeger's trace JSON.
    static func write(_ summary: TraceSummary, to json: inout JSONWriter) {
        json.object { json in
            json.key("traceID"); json.value(summary.traceID.jaegerHex)
            json.key("rootService"); json.value(summary.rootService)
            json.key("rootOperation"); json.value(summary.rootOperation)
            json.key("startTime"); json.value(summary.startNanos / 1_000)
            json.key("duration"); json.value(summary.durationNanos / 1_000)
            json.key("spanCount"); json.value(summary.spanCount)
            json.key("errorCount"); json.value(summary.errorCount)
            json.key("services")
            json.array { json in for service in summary.services { json.value(service) } }
        }
    }
}
