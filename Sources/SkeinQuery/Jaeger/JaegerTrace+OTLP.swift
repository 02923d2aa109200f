import Foundation
import SkeinCore
import SkeinOTLP
import SwiftProtobuf

/// OTLP → Jaeger's shape, following the rules in jaeger-api.md §4.
extension JaegerTrace {
    /// Converts the spans of one trace. Spans with identical resources share a process key.
    init(traceID: TraceID, resourceSpans: [OTLPResourceSpans]) {
        var processKeys: [Data: String] = [:]
        var processes: [(key: String, process: JaegerProcess)] = []
        var spans: [JaegerSpan] = []
        for resourceSpans in resourceSpans {
            let identity = (try? resourceSpans.resource.serializedData()) ?? Data()
            let processID: String
            if let known = processKeys[identity] {
                processID = known
            } else {
                processID = "p\(processes.count + 1)"
                processKeys[identity] = processID
                processes.append((processID, JaegerProcess(resource: resourceSpans.resource)))
            }
            for scopeSpans in resourceSpans.scopeSpans {
                for span in scopeSpans.spans {
                    spans.append(JaegerSpan(span, scope: scopeSpans.scope, processID: processID))
                }
            }
        }
        self.init(traceID: traceID, spans: spans, processes: processes)
    }

    /// The trace ID of the first span, for traces built from a request rather than the store.
    static func traces(fromRequest resourceSpans: [OTLPResourceSpans]) -> [JaegerTrace] {
        // Group by trace ID, in order of first appearance, keeping each span's resource and scope.
        var order: [TraceID] = []
        var grouped: [TraceID: [OTLPResourceSpans]] = [:]
        for item in resourceSpans {
            for scopeSpans in item.scopeSpans {
                for span in scopeSpans.spans {
                    let traceID = TraceID(bytes: span.traceID) ?? TraceID(high: 0, low: 0)
                    if grouped[traceID] == nil { order.append(traceID) }
                    var envelope = item
                    var scope = scopeSpans
                    scope.spans = [span]
                    envelope.scopeSpans = [scope]
                    grouped[traceID, default: []].append(envelope)
                }
            }
        }
        return order.map { JaegerTrace(traceID: $0, resourceSpans: grouped[$0]!) }
    }
}

extension JaegerProcess {
    init(resource: OTLPResource) {
        self.init(serviceName: ValidatedExport.serviceName(of: resource),
                  tags: resource.attributes.filter { $0.key != "service.name" }.map(JaegerKeyValue.init))
    }
}

extension JaegerSpan {
    init(_ span: OTLPSpan, scope: OTLPScope, processID: String) {
        let traceID = TraceID(bytes: span.traceID) ?? TraceID(high: 0, low: 0)
        var references: [JaegerReference] = []
        if let parent = SpanID(bytes: span.parentSpanID), parent.isValid {
            references.append(JaegerReference(type: .childOf, traceID: traceID, spanID: parent))
        }
        for link in span.links {
            guard let linkTrace = TraceID(bytes: link.traceID), let linkSpan = SpanID(bytes: link.spanID) else { continue }
            references.append(JaegerReference(type: .followsFrom, traceID: linkTrace, spanID: linkSpan))
        }

        var tags: [JaegerKeyValue] = []
        if !scope.name.isEmpty { tags.append(JaegerKeyValue("otel.scope.name", .string(scope.name))) }
        if !scope.version.isEmpty { tags.append(JaegerKeyValue("otel.scope.version", .string(scope.version))) }
        tags.append(contentsOf: span.attributes.map(JaegerKeyValue.init))
        let kind = SpanKind(otlp: Int32(span.kind.rawValue))
        if kind != .unspecified { tags.append(JaegerKeyValue("span.kind", .string(kind.jaegerName))) }
        switch span.status.code {
        case .ok: tags.append(JaegerKeyValue("otel.status_code", .string("OK")))
        case .error:
            tags.append(JaegerKeyValue("otel.status_code", .string("ERROR")))
            tags.append(JaegerKeyValue("error", .bool(true)))
        default: break
        }
        if !span.status.message.isEmpty { tags.append(JaegerKeyValue("otel.status_description", .string(span.status.message))) }
        if !span.traceState.isEmpty { tags.append(JaegerKeyValue("w3c.tracestate", .string(span.traceState))) }

        let logs = span.events.map { event in
            var fields: [JaegerKeyValue] = []
            if !event.name.isEmpty { fields.append(JaegerKeyValue("event", .string(event.name))) }
            fields.append(contentsOf: event.attributes.map(JaegerKeyValue.init))
            return JaegerLog(timestamp: event.timeUnixNano / 1_000, fields: fields)
        }

        let start = span.startTimeUnixNano
        let end = max(span.endTimeUnixNano, start)
        self.init(traceID: traceID, spanID: SpanID(bytes: span.spanID) ?? SpanID(0), flags: span.flags,
                  operationName: span.name, references: references,
                  startTime: start / 1_000, duration: (end - start) / 1_000,
                  tags: tags, logs: logs, processID: processID, warnings: [])
    }
}

extension JaegerKeyValue {
    init(_ attribute: OTLPKeyValue) {
        self.init(attribute.key, Value(attribute.value))
    }
}

extension JaegerKeyValue.Value {
    /// Jaeger has no array, map or empty type: those become strings holding their JSON text.
    init(_ value: OTLPAnyValue) {
        switch value.value {
        case .stringValue(let text): self = .string(text)
        case .boolValue(let flag): self = .bool(flag)
        case .intValue(let int): self = .int64(int)
        case .doubleValue(let double): self = .float64(double)
        case .bytesValue(let bytes): self = .binary(Array(bytes))
        case .arrayValue, .kvlistValue:
            var json = JSONWriter()
            AttributeText.writeJSON(value, to: &json)
            self = .string(json.string)
        case .stringValueStrindex, nil: self = .string("")
        }
    }
}
