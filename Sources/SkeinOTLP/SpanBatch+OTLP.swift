import Foundation
package import OTLPProto
package import SkeinCore
import SwiftProtobuf

/// The outcome of validating an export request: the spans to store, and the ones refused
/// through partial success with the reasons why.
package struct ValidatedExport: Sendable {
    package var batch: SpanBatch
    package var rejectedSpans: Int
    /// One sentence naming each kind of problem and how many spans had it, or empty.
    package var rejectionMessage: String
}

extension ValidatedExport {
    /// Checks every span's IDs (otlp-wire.md §5.1) and converts the valid ones into a batch.
    ///
    /// Invalid spans are counted and left out; the rest of the request is kept. Envelopes
    /// without spans are dropped. A resource without `service.name` is indexed as
    /// `unknown_service`.
    package init(request: ExportTraceRequest, tenant: Tenant, indexPolicy: AttributeIndexPolicy = AttributeIndexPolicy()) throws {
        var groups: [ResourceGroup] = []
        var problems: [String: Int] = [:]
        var rejected = 0
        for resourceSpans in request.resourceSpans {
            let serviceName = Self.serviceName(of: resourceSpans.resource)
            // service.name is the service itself, indexed as such.
            let resourceAttributes = Self.indexed(resourceSpans.resource.attributes.filter { $0.key != "service.name" }, policy: indexPolicy)
            for scopeSpans in resourceSpans.scopeSpans where !scopeSpans.spans.isEmpty {
                var spans: [BatchSpan] = []
                spans.reserveCapacity(scopeSpans.spans.count)
                for span in scopeSpans.spans {
                    switch Self.validate(span) {
                    case .success(let ids):
                        var span = span
                        // An all-zero parent is how some producers write "no parent".
                        if ids.parentIsZero { span.parentSpanID = Data() }
                        spans.append(BatchSpan(
                            traceID: ids.trace, spanID: ids.span, name: span.name,
                            kind: SpanKind(otlp: Int32(span.kind.rawValue)),
                            startNanos: span.startTimeUnixNano, endNanos: span.endTimeUnixNano,
                            parentSpanID: ids.parent, isError: span.status.code == .error,
                            traceState: span.traceState, peerService: Self.peerService(of: span),
                            attributes: Self.indexed(span.attributes + span.events.flatMap(\.attributes), policy: indexPolicy),
                            encodedSpan: try span.serializedBytes()))
                    case .failure(let problem):
                        rejected += 1
                        problems[problem.rawValue, default: 0] += 1
                    }
                }
                guard !spans.isEmpty else { continue }
                groups.append(ResourceGroup(
                    serviceName: serviceName,
                    encodedResourceScope: try Self.envelope(resourceSpans, scopeSpans).serializedBytes(),
                    resourceAttributes: resourceAttributes,
                    spans: spans))
            }
        }
        self.batch = SpanBatch(tenant: tenant, groups: groups)
        self.rejectedSpans = rejected
        self.rejectionMessage = problems.isEmpty ? "" :
            "rejected \(rejected) span(s): " + problems.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: "; ")
    }

    /// The resource and scope of a group without its spans, as storage keeps them.
    static func envelope(_ resourceSpans: OTLPResourceSpans, _ scopeSpans: OTLPScopeSpans) -> OTLPResourceSpans {
        var envelope = OTLPResourceSpans()
        if resourceSpans.hasResource { envelope.resource = resourceSpans.resource }
        envelope.schemaURL = resourceSpans.schemaURL
        var scope = OTLPScopeSpans()
        if scopeSpans.hasScope { scope.scope = scopeSpans.scope }
        scope.schemaURL = scopeSpans.schemaURL
        envelope.scopeSpans = [scope]
        return envelope
    }

    /// The attributes the index policy keeps, each key/value once, in order of appearance.
    static func indexed(_ attributes: [OTLPKeyValue], policy: AttributeIndexPolicy) -> [IndexedAttribute] {
        var seen = Set<IndexedAttribute>()
        var out: [IndexedAttribute] = []
        for attribute in attributes {
            guard let value = AttributeText.indexableForm(attribute.value), policy.indexes(key: attribute.key, value: value) else { continue }
            let indexed = IndexedAttribute(key: attribute.key, value: value)
            if seen.insert(indexed).inserted { out.append(indexed) }
        }
        return out
    }

    /// Attributes naming the service a client or producer span calls, most specific first.
    static let peerServiceKeys = ["peer.service", "service.peer.name", "server.address"]

    static func peerService(of span: OTLPSpan) -> String? {
        guard span.kind == .client || span.kind == .producer else { return nil }
        for key in peerServiceKeys {
            if let attribute = span.attributes.first(where: { $0.key == key }),
               case .stringValue(let name)? = attribute.value.value, !name.isEmpty {
                return name
            }
        }
        return nil
    }

    package static func serviceName(of resource: OTLPResource) -> String {
        for attribute in resource.attributes.reversed() where attribute.key == "service.name" {
            if case .stringValue(let name)? = attribute.value.value, !name.isEmpty { return name }
        }
        return "unknown_service"
    }

    enum Problem: String, Error {
        case traceID = "with a trace_id that is not 16 bytes or is all zeros"
        case spanID = "with a span_id that is not 8 bytes or is all zeros"
        case parentSpanID = "with a parent_span_id that is neither empty nor 8 bytes"
    }

    struct ValidIDs {
        var trace: TraceID
        var span: SpanID
        var parentIsZero: Bool
        /// Nil when the span has no parent (empty or all zeros).
        var parent: SpanID?
    }

    static func validate(_ span: OTLPSpan) -> Result<ValidIDs, Problem> {
        guard let trace = TraceID(bytes: span.traceID), trace.isValid else { return .failure(.traceID) }
        guard let spanID = SpanID(bytes: span.spanID), spanID.isValid else { return .failure(.spanID) }
        let parent = span.parentSpanID
        guard parent.isEmpty || parent.count == 8 else { return .failure(.parentSpanID) }
        let parentIsZero = !parent.isEmpty && parent.allSatisfy { $0 == 0 }
        let parentID = parent.isEmpty || parentIsZero ? nil : SpanID(bytes: parent)
        return .success(ValidIDs(trace: trace, span: spanID, parentIsZero: parentIsZero, parent: parentID))
    }
}
