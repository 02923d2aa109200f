import Foundation
package import OTLPProto
import SwiftProtobuf

/// Turns stored span bytes back into OTLP `ResourceSpans`, one per distinct resource+scope
/// envelope, in order of first appearance.
package enum StoredTraceDecoder {
    /// One stored span and the envelope (resource + scope, see `ResourceGroup`) it came with.
    package struct Item {
        package var envelopeKey: [UInt8]
        package var envelope: [UInt8]
        package var span: [UInt8]
        package init(envelopeKey: [UInt8], envelope: [UInt8], span: [UInt8]) {
            self.envelopeKey = envelopeKey
            self.envelope = envelope
            self.span = span
        }
    }

    package static func decode(_ items: [Item]) throws -> [OTLPResourceSpans] {
        var order: [[UInt8]] = []
        var groups: [[UInt8]: OTLPResourceSpans] = [:]
        for item in items {
            let span = try OTLPSpan(serializedBytes: item.span)
            if groups[item.envelopeKey] == nil {
                var envelope = try OTLPResourceSpans(serializedBytes: item.envelope)
                if envelope.scopeSpans.isEmpty { envelope.scopeSpans = [OTLPScopeSpans()] }
                groups[item.envelopeKey] = envelope
                order.append(item.envelopeKey)
            }
            groups[item.envelopeKey]!.scopeSpans[0].spans.append(span)
        }
        return order.map { groups[$0]! }
    }
}
