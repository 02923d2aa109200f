import SkeinCore

/// Encodes generated traces as OTLP/JSON (otlp-wire.md §4: hex IDs, integer enums, 64-bit
/// integers as decimal strings), recording the offsets `RequestTemplate` rewrites. The
/// tests decode the output with Skein's own OTLP/JSON decoder.
enum JSONRequestEncoder {
    /// Offsets of rewritable values. A value written right after its key starts with its
    /// opening quote, so its text begins one byte after the writer's current end.
    struct Sites {
        var slots: [TraceID: Int]
        var traceIDs: [(trace: Int, offset: Int)] = []
        var spanIDs: [Int] = []
        var times: [Int] = []
    }

    static func encode(_ traces: [GeneratedTrace], instances: [[ServiceInstance]]) -> RequestTemplate {
        var slots: [TraceID: Int] = [:]
        for (index, trace) in traces.enumerated() { slots[trace.traceID] = index }
        var sites = Sites(slots: slots)
        var json = JSONWriter(capacity: 256 * 1024)
        json.object { json in
            json.key("resourceSpans")
            json.array { json in
                for group in RequestGrouping(traces).groups {
                    resourceSpans(group, traces: traces, resource: instances[group.instance.service][group.instance.instance],
                                  to: &json, sites: &sites)
                }
            }
        }
        var traceSites = [[Int]](repeating: [], count: traces.count)
        for site in sites.traceIDs { traceSites[site.trace].append(site.offset) }
        return RequestTemplate(encoding: .json, bytes: json.bytes, traceIDSites: traceSites, spanIDSites: sites.spanIDs,
                               timeSites: sites.times, spanCounts: traces.map(\.spans.count))
    }

    static func resourceSpans(_ group: RequestGrouping.Group, traces: [GeneratedTrace], resource: ServiceInstance,
                              to json: inout JSONWriter, sites: inout Sites) {
        json.object { json in
            json.key("resource")
            json.object { json in attributes(resource.attributes, to: &json) }
            json.key("scopeSpans")
            json.array { json in
                for (scope, spans) in group.scopes {
                    json.object { json in
                        json.key("scope")
                        json.object { json in
                            json.key("name"); json.value(scope.scopeName)
                            json.key("version"); json.value(RequestGrouping.scopeVersion)
                        }
                        json.key("spans")
                        json.array { json in
                            for (trace, span) in spans {
                                write(traces[trace].spans[span], traceID: traces[trace].traceID, to: &json, sites: &sites)
                            }
                        }
                    }
                }
            }
            json.key("schemaUrl"); json.value(RequestGrouping.schemaURL)
        }
    }

    static func write(_ span: GeneratedSpan, traceID: TraceID, to json: inout JSONWriter, sites: inout Sites) {
        json.object { json in
            traceIDField("traceId", traceID, to: &json, sites: &sites)
            spanIDField("spanId", span.spanID, to: &json, sites: &sites)
            if span.parentSpanID != 0 { spanIDField("parentSpanId", span.parentSpanID, to: &json, sites: &sites) }
            json.key("flags"); json.value(Int(span.flags))
            json.key("name"); json.value(span.name)
            if span.kind.rawValue != 0 { json.key("kind"); json.value(Int(span.kind.rawValue)) }
            timeField("startTimeUnixNano", span.startNanos, to: &json, sites: &sites)
            timeField("endTimeUnixNano", span.endNanos, to: &json, sites: &sites)
            attributes(span.attributes, to: &json)
            if !span.events.isEmpty {
                json.key("events")
                json.array { json in
                    for event in span.events {
                        json.object { json in
                            timeField("timeUnixNano", event.timeNanos, to: &json, sites: &sites)
                            json.key("name"); json.value(event.name)
                            attributes(event.attributes, to: &json)
                        }
                    }
                }
            }
            if !span.links.isEmpty {
                json.key("links")
                json.array { json in
                    for link in span.links {
                        json.object { json in
                            traceIDField("traceId", link.traceID, to: &json, sites: &sites)
                            spanIDField("spanId", link.spanID, to: &json, sites: &sites)
                            attributes(link.attributes, to: &json)
                            json.key("flags"); json.value(0x101)
                        }
                    }
                }
            }
            if span.isError || !span.statusMessage.isEmpty {
                json.key("status")
                json.object { json in
                    if !span.statusMessage.isEmpty { json.key("message"); json.value(span.statusMessage) }
                    if span.isError { json.key("code"); json.value(2) }
                }
            }
        }
    }

    static func traceIDField(_ key: String, _ id: TraceID, to json: inout JSONWriter, sites: inout Sites) {
        json.key(key)
        if let slot = sites.slots[id] { sites.traceIDs.append((slot, json.bytes.count + 1)) }
        json.value(id.hex)
    }

    static func spanIDField(_ key: String, _ id: UInt64, to json: inout JSONWriter, sites: inout Sites) {
        json.key(key)
        sites.spanIDs.append(json.bytes.count + 1)
        json.value(Hex.string(id))
    }

    static func timeField(_ key: String, _ nanos: UInt64, to json: inout JSONWriter, sites: inout Sites) {
        json.key(key)
        let text = String(nanos)
        // Only 19-digit values can be rewritten in place (Unix nanoseconds from 2001 to 2286).
        if text.utf8.count == 19 { sites.times.append(json.bytes.count + 1) }
        json.value(text)
    }

    static func attributes(_ attributes: [Attribute], to json: inout JSONWriter) {
        guard !attributes.isEmpty else { return }
        json.key("attributes")
        json.array { json in
            for attribute in attributes {
                json.object { json in
                    json.key("key"); json.value(attribute.key)
                    json.key("value")
                    json.object { json in
                        switch attribute.value {
                        case .string(let text): json.key("stringValue"); json.value(text)
                        case .int(let number): json.key("intValue"); json.value(String(number))
                        case .bool(let flag): json.key("boolValue"); json.value(flag)
                        case .double(let number): json.key("doubleValue"); json.value(number)
                        }
                    }
                }
            }
        }
    }
}
