import Foundation
package import OTLPProto
package import SkeinCore

/// Writes OTLP/JSON (otlp-wire.md §4): hex IDs, enums as integers, 64-bit integers as decimal
/// strings, other bytes as base64, default values left out.
package enum OTLPJSONEncoder {
    /// `{"resourceSpans": […]}`, the body of TracesData or of an export request.
    package static func writeResourceSpans(_ resourceSpans: [OTLPResourceSpans], to json: inout JSONWriter) {
        json.object { json in
            json.key("resourceSpans")
            json.array { json in for item in resourceSpans { write(item, to: &json) } }
        }
    }

    /// The export response: `{}` on full success, else `{"partialSuccess": {…}}`.
    package static func exportResponse(_ response: ExportTraceResponse) -> [UInt8] {
        var json = JSONWriter(capacity: 64)
        json.object { json in
            guard response.hasPartialSuccess else { return }
            json.key("partialSuccess")
            json.object { json in
                let partial = response.partialSuccess
                if partial.rejectedSpans != 0 { json.key("rejectedSpans"); json.value(String(partial.rejectedSpans)) }
                if !partial.errorMessage.isEmpty { json.key("errorMessage"); json.value(partial.errorMessage) }
            }
        }
        return json.bytes
    }

    static func write(_ item: OTLPResourceSpans, to json: inout JSONWriter) {
        json.object { json in
            if item.hasResource {
                json.key("resource")
                json.object { json in
                    attributes(item.resource.attributes, to: &json)
                    count("droppedAttributesCount", item.resource.droppedAttributesCount, to: &json)
                }
            }
            json.key("scopeSpans")
            json.array { json in
                for scopeSpans in item.scopeSpans { write(scopeSpans, to: &json) }
            }
            string("schemaUrl", item.schemaURL, to: &json)
        }
    }

    static func write(_ scopeSpans: OTLPScopeSpans, to json: inout JSONWriter) {
        json.object { json in
            if scopeSpans.hasScope {
                json.key("scope")
                json.object { json in
                    string("name", scopeSpans.scope.name, to: &json)
                    string("version", scopeSpans.scope.version, to: &json)
                    attributes(scopeSpans.scope.attributes, to: &json)
                    count("droppedAttributesCount", scopeSpans.scope.droppedAttributesCount, to: &json)
                }
            }
            json.key("spans")
            json.array { json in for span in scopeSpans.spans { write(span, to: &json) } }
            string("schemaUrl", scopeSpans.schemaURL, to: &json)
        }
    }

    static func write(_ span: OTLPSpan, to json: inout JSONWriter) {
        json.object { json in
            json.key("traceId"); json.value(Hex.string(bytes: span.traceID))
            json.key("spanId"); json.value(Hex.string(bytes: span.spanID))
            string("traceState", span.traceState, to: &json)
            if !span.parentSpanID.isEmpty { json.key("parentSpanId"); json.value(Hex.string(bytes: span.parentSpanID)) }
            count("flags", span.flags, to: &json)
            string("name", span.name, to: &json)
            if span.kind.rawValue != 0 { json.key("kind"); json.value(span.kind.rawValue) }
            json.key("startTimeUnixNano"); json.value(String(span.startTimeUnixNano))
            json.key("endTimeUnixNano"); json.value(String(span.endTimeUnixNano))
            attributes(span.attributes, to: &json)
            count("droppedAttributesCount", span.droppedAttributesCount, to: &json)
            if !span.events.isEmpty {
                json.key("events")
                json.array { json in
                    for event in span.events {
                        json.object { json in
                            json.key("timeUnixNano"); json.value(String(event.timeUnixNano))
                            string("name", event.name, to: &json)
                            attributes(event.attributes, to: &json)
                            count("droppedAttributesCount", event.droppedAttributesCount, to: &json)
                        }
                    }
                }
            }
            count("droppedEventsCount", span.droppedEventsCount, to: &json)
            if !span.links.isEmpty {
                json.key("links")
                json.array { json in
                    for link in span.links {
                        json.object { json in
                            json.key("traceId"); json.value(Hex.string(bytes: link.traceID))
                            json.key("spanId"); json.value(Hex.string(bytes: link.spanID))
                            string("traceState", link.traceState, to: &json)
                            attributes(link.attributes, to: &json)
                            count("droppedAttributesCount", link.droppedAttributesCount, to: &json)
                            count("flags", link.flags, to: &json)
                        }
                    }
                }
            }
            count("droppedLinksCount", span.droppedLinksCount, to: &json)
            guard span.hasStatus else { return }
            json.key("status")
            json.object { json in
                string("message", span.status.message, to: &json)
                if span.status.code.rawValue != 0 { json.key("code"); json.value(span.status.code.rawValue) }
            }
        }
    }

    static func attributes(_ attributes: [OTLPKeyValue], to json: inout JSONWriter) {
        guard !attributes.isEmpty else { return }
        json.key("attributes")
        keyValues(attributes, to: &json)
    }

    static func keyValues(_ attributes: [OTLPKeyValue], to json: inout JSONWriter) {
        json.array { json in
            for attribute in attributes {
                json.object { json in
                    json.key("key"); json.value(attribute.key)
                    if attribute.hasValue { json.key("value"); anyValue(attribute.value, to: &json) }
                }
            }
        }
    }

    static func anyValue(_ value: OTLPAnyValue, to json: inout JSONWriter) {
        json.object { json in
            switch value.value {
            case .stringValue(let text): json.key("stringValue"); json.value(text)
            case .boolValue(let flag): json.key("boolValue"); json.value(flag)
            case .intValue(let int): json.key("intValue"); json.value(String(int))
            case .doubleValue(let double): json.key("doubleValue"); json.value(double)
            case .bytesValue(let bytes): json.key("bytesValue"); json.value(Base64.encode(bytes))
            case .arrayValue(let array):
                json.key("arrayValue")
                json.object { json in
                    json.key("values")
                    json.array { json in for element in array.values { anyValue(element, to: &json) } }
                }
            case .kvlistValue(let kvlist):
                json.key("kvlistValue")
                json.object { json in
                    json.key("values")
                    keyValues(kvlist.values, to: &json)
                }
            case .stringValueStrindex, nil: break
            }
        }
    }

    static func string(_ key: String, _ value: String, to json: inout JSONWriter) {
        guard !value.isEmpty else { return }
        json.key(key)
        json.value(value)
    }

    static func count(_ key: String, _ value: UInt32, to json: inout JSONWriter) {
        guard value != 0 else { return }
        json.key(key)
        json.value(Int(value))
    }
}
