import Foundation
import OTLPProto
import SkeinCore
@testable import SkeinOTLP
import SwiftProtobuf

/// The reference the byte reader is held to: the same conversion done with swift-protobuf's
/// generated types (decode the whole request, re-encode each span and envelope). This was
/// Skein's ingest path before `ExportRequestReader`; it lives on only here.
enum ReferenceExport {
    struct Result {
        var groups: [ResourceGroup]
        var rejected: Int
    }

    static func convert(_ request: ExportTraceRequest, policy: AttributeIndexPolicy = AttributeIndexPolicy()) throws -> Result {
        var groups: [ResourceGroup] = []
        var rejected = 0
        for resourceSpans in request.resourceSpans {
            let serviceName = ValidatedExport.serviceName(of: resourceSpans.resource)
            let resourceAttributes = indexed(resourceSpans.resource.attributes.filter { $0.key != "service.name" }, policy: policy)
            for scopeSpans in resourceSpans.scopeSpans where !scopeSpans.spans.isEmpty {
                var spans: [BatchSpan] = []
                for span in scopeSpans.spans {
                    guard let trace = TraceID(bytes: span.traceID), trace.isValid,
                          let spanID = SpanID(bytes: span.spanID), spanID.isValid,
                          span.parentSpanID.isEmpty || span.parentSpanID.count == 8 else {
                        rejected += 1
                        continue
                    }
                    var span = span
                    let parentIsZero = !span.parentSpanID.isEmpty && span.parentSpanID.allSatisfy { $0 == 0 }
                    if parentIsZero { span.parentSpanID = Data() }
                    spans.append(BatchSpan(
                        traceID: trace, spanID: spanID, name: span.name, kind: SpanKind(otlp: Int32(span.kind.rawValue)),
                        startNanos: span.startTimeUnixNano, endNanos: span.endTimeUnixNano,
                        parentSpanID: span.parentSpanID.isEmpty ? nil : SpanID(bytes: span.parentSpanID),
                        isError: span.status.code == .error, traceState: span.traceState, peerService: peerService(of: span),
                        attributes: indexed(span.attributes + span.events.flatMap(\.attributes), policy: policy),
                        encodedSpan: try span.serializedBytes()))
                }
                guard !spans.isEmpty else { continue }
                var envelope = OTLPResourceSpans()
                if resourceSpans.hasResource { envelope.resource = resourceSpans.resource }
                envelope.schemaURL = resourceSpans.schemaURL
                var scope = OTLPScopeSpans()
                if scopeSpans.hasScope { scope.scope = scopeSpans.scope }
                scope.schemaURL = scopeSpans.schemaURL
                envelope.scopeSpans = [scope]
                groups.append(ResourceGroup(serviceName: serviceName, encodedResourceScope: try envelope.serializedBytes(),
                                            resourceAttributes: resourceAttributes, spans: spans))
            }
        }
        return Result(groups: groups, rejected: rejected)
    }

    static func indexed(_ attributes: [OTLPKeyValue], policy: AttributeIndexPolicy) -> [IndexedAttribute] {
        var out: [IndexedAttribute] = []
        for attribute in attributes {
            guard let value = AttributeText.indexableForm(attribute.value), policy.indexes(key: attribute.key, value: value) else { continue }
            let indexed = IndexedAttribute(key: attribute.key, value: value)
            if !out.contains(indexed) { out.append(indexed) }
        }
        return out
    }

    static func peerService(of span: OTLPSpan) -> String? {
        guard span.kind == .client || span.kind == .producer else { return nil }
        for key in ValidatedExport.peerServiceKeys {
            if let attribute = span.attributes.first(where: { $0.key == key }),
               case .stringValue(let name)? = attribute.value.value, !name.isEmpty {
                return name
            }
        }
        return nil
    }
}
