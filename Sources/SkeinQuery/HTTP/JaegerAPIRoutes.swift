package import SkeinQueryModel
import Foundation
package import Hummingbird
import SkeinCore
import SkeinOTLP

/// Jaeger's classic HTTP JSON API under `/api` (jaeger-api.md §2), which Grafana's Jaeger data
/// source and the Jaeger UI call. Each handler parses, calls `QueryService`, encodes.
package struct JaegerAPIRoutes: Sendable {
    let query: QueryService
    let now: @Sendable () -> UInt64

    package init(query: QueryService, now: @escaping @Sendable () -> UInt64 = { WallClock.nowNanos() }) {
        self.query = query
        self.now = now
    }

    package func addRoutes(to router: Router<QueryContext>) {
        router.get("/api/services") { request, context in
            let services = try await query.services(tenant: context.tenant)
            let body = JaegerJSON.envelope(total: services.count) { json in
                json.array { json in for service in services { json.value(service) } }
            }
            return APIResponse.json(body, pretty: Self.pretty(request))
        }
        router.get("/api/services/:service/operations") { request, context in
            let service = APIResponse.pathParameter("service", context)
            let names = Self.unique(try await query.operations(of: service, kind: nil, tenant: context.tenant).map(\.name))
            let body = JaegerJSON.envelope(total: names.count) { json in
                if names.isEmpty { json.null() } else { json.array { json in for name in names { json.value(name) } } }
            }
            return APIResponse.json(body, pretty: Self.pretty(request))
        }
        router.get("/api/operations") { request, context in
            let parameters = QueryParameters(request.uri.query)
            guard let service = parameters["service"], !service.isEmpty else {
                return APIResponse.jaegerError(.badRequest, "parameter 'service' is required")
            }
            var kind: SpanKind? = nil
            if let text = parameters["spanKind"], !text.isEmpty {
                guard let parsed = SpanKind(jaegerName: text) else {
                    return APIResponse.jaegerError(.badRequest, "unsupported span kind: '\(text)' (use server, client, producer, consumer, internal or unspecified)")
                }
                kind = parsed
            }
            let operations = try await query.operations(of: service, kind: kind, tenant: context.tenant)
            let body = JaegerJSON.envelope(total: operations.count) { json in
                json.array { json in
                    for operation in operations {
                        json.object { json in
                            json.key("name"); json.value(operation.name)
                            json.key("spanKind"); json.value(operation.kind.jaegerName)
                        }
                    }
                }
            }
            return APIResponse.json(body, pretty: Self.pretty(request))
        }
        router.get("/api/traces/:traceID") { request, context in
            let parameters = QueryParameters(request.uri.query)
            let text = APIResponse.pathParameter("traceID", context)
            guard let traceID = TraceID(hex: text) else {
                return APIResponse.jaegerError(.badRequest, "malformed trace ID '\(text)': expected 1 to 32 hex characters")
            }
            guard let trace = try await query.trace(traceID, tenant: context.tenant) else {
                return APIResponse.jaegerError(.notFound, "trace not found")
            }
            let jaeger = Self.jaeger(trace, raw: parameters["raw"] == "true")
            let body = JaegerJSON.envelope { json in JaegerJSON.write([jaeger], to: &json) }
            return APIResponse.json(body, pretty: Self.pretty(request))
        }
        router.get("/api/traces") { request, context in
            let parameters = QueryParameters(request.uri.query)
            let raw = parameters["raw"] == "true"
            let ids: [TraceID]
            let traceQuery: TraceQuery?
            do throws(ParameterError) {
                ids = try JaegerSearchParameters.traceIDs(parameters)
                traceQuery = ids.isEmpty ? try JaegerSearchParameters.query(parameters, now: now()) : nil
            } catch {
                return APIResponse.jaegerError(.badRequest, error.message)
            }
            guard let traceQuery else { return try await multiGet(ids, raw: raw, pretty: Self.pretty(request), tenant: context.tenant) }
            let found = try await query.search(traceQuery, tenant: context.tenant)
            let body = JaegerJSON.envelope { json in
                JaegerJSON.write(found.map { Self.jaeger($0.trace, raw: raw) }, to: &json)
            }
            return APIResponse.json(body, pretty: Self.pretty(request))
        }
        router.post("/api/transform") { request, context in
            let body = try await request.body.collect(upTo: 64 << 20)
            let export: ExportTraceRequest
            do throws(OTLPDecodingError) {
                export = try OTLPJSONDecoder.decodeExportRequest(Array(buffer: body))
            } catch {
                return APIResponse.jaegerError(.badRequest, "cannot unmarshal OTLP/JSON: \(error.message)")
            }
            let traces = JaegerTrace.traces(fromRequest: export.resourceSpans)
            let out = JaegerJSON.envelope { json in JaegerJSON.write(traces, to: &json) }
            return APIResponse.json(out, pretty: Self.pretty(request))
        }
    }

    /// `/api/traces?traceID=a&traceID=b`: found traces, and an error entry for each missing one.
    private func multiGet(_ ids: [TraceID], raw: Bool, pretty: Bool, tenant: Tenant) async throws -> Response {
        var traces: [JaegerTrace] = []
        var errors: [JaegerJSON.APIError] = []
        for id in ids {
            if let trace = try await query.trace(id, tenant: tenant) {
                traces.append(Self.jaeger(trace, raw: raw))
            } else {
                errors.append(.init(message: "trace not found", traceID: id.jaegerHex))
            }
        }
        let body = JaegerJSON.envelope(errors: errors) { json in JaegerJSON.write(traces, to: &json) }
        return APIResponse.json(body, pretty: pretty)
    }

    static func jaeger(_ stored: QueryService.Trace, raw: Bool) -> JaegerTrace {
        var trace = JaegerTrace(traceID: stored.traceID, resourceSpans: stored.resourceSpans)
        trace.warnings = stored.warnings
        if !raw { trace.apply(JaegerAdjusters.standard) }
        return trace
    }

    static func pretty(_ request: Request) -> Bool {
        QueryParameters(request.uri.query)["prettyPrint"] == "true"
    }

    static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}
