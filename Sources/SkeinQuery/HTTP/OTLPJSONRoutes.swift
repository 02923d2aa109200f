package import SkeinQueryModel
import Foundation
package import Hummingbird
import SkeinCore
import SkeinOTLP

/// Jaeger's `/api/v3` (jaeger-api.md §6): the same data as OTLP/JSON. Traces come back as stored,
/// without the Jaeger-shape adjustments.
package struct OTLPJSONRoutes: Sendable {
    /// `{"result": {"resourceSpans": […]}}`.
    static func result(_ resourceSpans: [OTLPResourceSpans]) -> [UInt8] {
        var json = JSONWriter(capacity: 8192)
        json.object { json in
            json.key("result")
            OTLPJSONEncoder.writeResourceSpans(resourceSpans, to: &json)
        }
        return json.bytes
    }

    /// `/api/v3/traces` parameters (jaeger-api.md §6), camelCase or snake_case.
    static func query(_ parameters: QueryParameters) throws(ParameterError) -> TraceQuery {
        func time(_ names: String...) throws(ParameterError) -> UInt64 {
            guard let text = names.lazy.compactMap({ parameters[$0] }).first(where: { !$0.isEmpty }) else {
                throw ParameterError("parameter '\(names[0])' is required (RFC 3339, e.g. 2026-11-22T10:00:00Z)")
            }
            guard let nanos = RFC3339.parseNanos(text) else {
                throw ParameterError("unable to parse param '\(names[0])': '\(text)' is not an RFC 3339 time")
            }
            return nanos
        }
        func duration(_ names: String...) throws(ParameterError) -> Int64? {
            guard let text = names.lazy.compactMap({ parameters[$0] }).first(where: { !$0.isEmpty }) else { return nil }
            guard let nanos = GoDuration.parseNanos(text) else {
                throw ParameterError("unable to parse param '\(names[0])': '\(text)' is not a duration such as 100ms")
            }
            return nanos
        }
        var tags: [(key: String, value: String)] = []
        if let text = parameters.first("query.attributes"), !text.isEmpty {
            guard case .object(let members)? = try? JSONValue(parsing: text) else {
                throw ParameterError("malformed 'query.attributes': expected a JSON object of string values")
            }
            for member in members {
                guard case .string(let value) = member.value else {
                    throw ParameterError("malformed 'query.attributes': the value of '\(member.key)' is not a string")
                }
                tags.append((member.key, value))
            }
        }
        var limit = 100
        if let text = parameters.first("query.searchDepth", "query.search_depth") {
            guard let parsed = Int(text), parsed > 0 else { throw ParameterError("'query.searchDepth' must be a positive integer") }
            limit = parsed
        }
        let minDuration = try duration("query.durationMin", "query.duration_min")
        let maxDuration = try duration("query.durationMax", "query.duration_max")
        let start = try time("query.startTimeMin", "query.start_time_min")
        let end = try time("query.startTimeMax", "query.start_time_max")
        guard start <= end else { throw ParameterError("'query.startTimeMin' must not be after 'query.startTimeMax'") }
        return TraceQuery(service: parameters.first("query.serviceName", "query.service_name"),
                          operation: parameters.first("query.operationName", "query.operation_name"),
                          tags: tags, minDurationNanos: minDuration, maxDurationNanos: maxDuration,
                          startMinNanos: start, startMaxNanos: end, limit: limit)
    }

    let query: QueryService

    package init(query: QueryService) { self.query = query }

    package func addRoutes(to router: Router<QueryContext>) {
        router.get("/api/v3/services") { _, context in
            let services = try await query.services(tenant: context.tenant)
            var json = JSONWriter()
            json.object { json in
                json.key("services")
                json.array { json in for service in services { json.value(service) } }
            }
            return APIResponse.json(json.bytes)
        }
        router.get("/api/v3/operations") { request, context in
            let parameters = QueryParameters(request.uri.query)
            guard let service = parameters.first("service", "query.service_name") else {
                return APIResponse.v3Error(.badRequest, "parameter 'service' is required")
            }
            var kind: SpanKind? = nil
            if let text = parameters.first("spanKind", "span_kind") {
                guard let parsed = SpanKind(jaegerName: text) else {
                    return APIResponse.v3Error(.badRequest, "unsupported span kind: '\(text)'")
                }
                kind = parsed
            }
            let operations = try await query.operations(of: service, kind: kind, tenant: context.tenant)
            var json = JSONWriter()
            json.object { json in
                json.key("operations")
                json.array { json in
                    for operation in operations {
                        json.object { json in
                            json.key("name"); json.value(operation.name)
                            json.key("spanKind"); json.value(operation.kind.jaegerName)
                        }
                    }
                }
            }
            return APIResponse.json(json.bytes)
        }
        router.get("/api/v3/traces/:traceID") { _, context in
            let text = APIResponse.pathParameter("traceID", context)
            guard let traceID = TraceID(hex: text) else {
                return APIResponse.v3Error(.badRequest, "malformed trace ID '\(text)': expected 1 to 32 hex characters")
            }
            guard let trace = try await query.trace(traceID, tenant: context.tenant) else {
                return APIResponse.v3Error(.notFound, "trace not found")
            }
            return APIResponse.json(Self.result(trace.resourceSpans))
        }
        router.get("/api/v3/traces") { request, context in
            let traceQuery: TraceQuery
            do throws(ParameterError) {
                traceQuery = try Self.query(QueryParameters(request.uri.query))
            } catch {
                return APIResponse.v3Error(.badRequest, error.message)
            }
            let found = try await query.search(traceQuery, tenant: context.tenant)
            guard !found.isEmpty else { return APIResponse.v3Error(.notFound, "no trace matches the query") }
            return APIResponse.json(Self.result(found.flatMap(\.resourceSpans)))
        }
    }
}
