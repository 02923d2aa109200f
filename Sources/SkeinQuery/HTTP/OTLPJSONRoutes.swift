import Foundation
package import Hummingbird
import SkeinCore
import SkeinOTLP

/// Jaeger's `/api/v3` (jaeger-api.md §6): the same data as OTLP/JSON. Traces come back as stored,
/// without the Jaeger-shape adjustments.
package struct OTLPJSONRoutes: Sendable {
    let query: QueryService

    package init(query: QueryService) { self.query = query }

    package func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/api/v3/services") { _, _ in
            let services = try await query.services(tenant: .single)
            var json = JSONWriter()
            json.object { json in
                json.key("services")
                json.array { json in for service in services { json.value(service) } }
            }
            return APIResponse.json(json.bytes)
        }
        router.get("/api/v3/operations") { request, _ in
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
            let operations = try await query.operations(of: service, kind: kind, tenant: .single)
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
            guard let trace = try await query.trace(traceID, tenant: .single) else {
                return APIResponse.v3Error(.notFound, "trace not found")
            }
            var json = JSONWriter(capacity: 8192)
            json.object { json in
                json.key("result")
                OTLPJSONEncoder.writeResourceSpans(trace, to: &json)
            }
            return APIResponse.json(json.bytes)
        }
    }
}
