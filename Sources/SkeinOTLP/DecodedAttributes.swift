import SkeinCore
import SwiftProtobuf

/// An attribute value as sampling policies compare it: the scalar types keep their type (so a
/// numeric range sees numbers), everything else is its search text.
package enum DecodedAttributeValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// Bytes, arrays and maps, as `AttributeText.searchForm` writes them.
    case other(String)

    init(_ value: OTLPAnyValue) {
        switch value.value {
        case .stringValue(let text): self = .string(text)
        case .intValue(let int): self = .int(int)
        case .doubleValue(let double): self = .double(double)
        case .boolValue(let flag): self = .bool(flag)
        default: self = .other(AttributeText.searchForm(value))
        }
    }

    /// The text a string match compares with (the same as the attribute index and Jaeger's tag search).
    package var text: String {
        switch self {
        case .string(let text), .other(let text): text
        case .int(let int): String(int)
        case .double(let double): JSONWriter.shortest(double)
        case .bool(let flag): flag ? "true" : "false"
        }
    }
}

/// All attributes of stored OTLP bytes, not just the indexed ones: a tail-sampling attribute
/// policy must see what the sender wrote, whatever `storage.index.*` keeps.
package enum DecodedAttributes {
    /// The span's own attributes (not its events' or links'); empty when the bytes do not decode.
    package static func ofSpan(_ encodedSpan: [UInt8]) -> [(key: String, value: DecodedAttributeValue)] {
        guard let span = try? OTLPSpan(serializedBytes: encodedSpan) else { return [] }
        return span.attributes.map { ($0.key, DecodedAttributeValue($0.value)) }
    }

    /// The resource attributes of a `ResourceGroup.encodedResourceScope`; empty when it does not decode.
    package static func ofResource(_ encodedResourceScope: [UInt8]) -> [(key: String, value: DecodedAttributeValue)] {
        guard let envelope = try? OTLPResourceSpans(serializedBytes: encodedResourceScope) else { return [] }
        return envelope.resource.attributes.map { ($0.key, DecodedAttributeValue($0.value)) }
    }
}
