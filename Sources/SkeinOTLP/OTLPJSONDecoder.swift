package import OTLPProto
package import SkeinCore

/// Decodes OTLP/JSON (otlp-wire.md §4) into the generated types.
///
/// A generic proto3 JSON reader would base64-decode the hex trace and span IDs into wrong bytes
/// without complaint, so this walks the JSON itself. It is as lenient as the Collector:
/// lowerCamelCase or snake_case keys, enums as numbers or names, 64-bit integers as strings or
/// numbers, unknown keys ignored, `null` read as the default. An ID that is not hex fails the
/// whole body; a hex ID of the wrong length decodes, and validation rejects just that span.
package enum OTLPJSONDecoder {
    package static func decodeExportRequest(_ bytes: some Collection<UInt8>) throws(OTLPDecodingError) -> ExportTraceRequest {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: bytes)
        } catch {
            throw OTLPDecodingError(error.description)
        }
        var request = ExportTraceRequest()
        let reader = Reader()
        try reader.members(json, path: "") { key, value, path throws(OTLPDecodingError) in
            if key == "resourceSpans" || key == "resource_spans" {
                request.resourceSpans = try reader.list(value, path: path, reader.resourceSpans)
            }
        }
        return request
    }
}

/// Walks the JSON tree; each method reads one OTLP message and knows its path for errors.
private struct Reader {
    typealias Visit = (String, JSONValue, String) throws(OTLPDecodingError) -> Void

    func fail(_ path: String, _ reason: String) -> OTLPDecodingError {
        OTLPDecodingError(path.isEmpty ? reason : "\(path): \(reason)")
    }

    /// Calls `visit` for each member of an object; `null` counts as an empty object.
    func members(_ value: JSONValue, path: String, _ visit: Visit) throws(OTLPDecodingError) {
        switch value {
        case .null: return
        case .object(let members):
            for member in members where member.value != .null {
                try visit(member.key, member.value, path.isEmpty ? member.key : "\(path).\(member.key)")
            }
        default: throw fail(path, "expected an object")
        }
    }

    func list<T>(_ value: JSONValue, path: String,
                 _ read: (JSONValue, String) throws(OTLPDecodingError) -> T) throws(OTLPDecodingError) -> [T] {
        switch value {
        case .null: return []
        case .array(let values):
            var out: [T] = []
            out.reserveCapacity(values.count)
            for (index, element) in values.enumerated() { out.append(try read(element, "\(path)[\(index)]")) }
            return out
        default: throw fail(path, "expected an array")
        }
    }

    func string(_ value: JSONValue, _ path: String) throws(OTLPDecodingError) -> String {
        guard case .string(let text) = value else { throw fail(path, "expected a string") }
        return text
    }

    /// Integers arrive as numbers or decimal strings; an integral exponent form is accepted too.
    func integerText(_ value: JSONValue, _ path: String) throws(OTLPDecodingError) -> String {
        switch value {
        case .number(let text), .string(let text): return text
        default: throw fail(path, "expected an integer (number or decimal string)")
        }
    }

    func int64(_ value: JSONValue, _ path: String) throws(OTLPDecodingError) -> Int64 {
        let text = try integerText(value, path)
        if let int = Int64(text) { return int }
        if let double = Double(text), double == double.rounded(), abs(double) < 9.2e18 { return Int64(double) }
        throw fail(path, "'\(text)' is not a 64-bit integer")
    }

    func uint64(_ value: JSONValue, _ path: String) throws(OTLPDecodingError) -> UInt64 {
        let text = try integerText(value, path)
        if let int = UInt64(text) { return int }
        if let double = Double(text), double >= 0, double == double.rounded(), double < 1.8e19 { return UInt64(double) }
        throw fail(path, "'\(text)' is not an unsigned 64-bit integer")
    }

    func uint32(_ value: JSONValue, _ path: String) throws(OTLPDecodingError) -> UInt32 {
        let int = try uint64(value, path)
        guard let narrow = UInt32(exactly: int) else { throw fail(path, "\(int) does not fit in 32 bits") }
        return narrow
    }

    func double(_ value: JSONValue, _ path: String) throws(OTLPDecodingError) -> Double {
        switch value {
        case .number(let text):
            if let double = Double(text) { return double }
        case .string(let text):
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: if let double = Double(text) { return double }
            }
        default: break
        }
        throw fail(path, "expected a number")
    }

    func bool(_ value: JSONValue, _ path: String) throws(OTLPDecodingError) -> Bool {
        guard case .bool(let flag) = value else { throw fail(path, "expected true or false") }
        return flag
    }

    /// An enum as its number or its proto name (`2` or `"SPAN_KIND_SERVER"`).
    func enumValue(_ value: JSONValue, _ path: String, names: [String]) throws(OTLPDecodingError) -> Int {
        if case .string(let name) = value, let index = names.firstIndex(of: name) { return index }
        let int = try int64(value, path)
        guard let narrow = Int32(exactly: int) else { throw fail(path, "\(int) is not an enum value") }
        return Int(narrow)
    }

    /// An ID field: hex text; `""` is zero-length (invalid, caught by validation).
    func hexID(_ value: JSONValue, _ path: String) throws(OTLPDecodingError) -> [UInt8] {
        let text = try string(value, path)
        guard let bytes = Hex.decode(text) else { throw fail(path, "'\(text)' is not a hex ID (OTLP/JSON writes IDs as hex, not base64)") }
        return bytes
    }

    func base64(_ value: JSONValue, _ path: String) throws(OTLPDecodingError) -> [UInt8] {
        let text = try string(value, path)
        guard let bytes = Base64.decode(text) else { throw fail(path, "not valid base64") }
        return bytes
    }

    // MARK: messages

    func resourceSpans(_ json: JSONValue, _ path: String) throws(OTLPDecodingError) -> OTLPResourceSpans {
        var message = OTLPResourceSpans()
        try members(json, path: path) { key, value, path throws(OTLPDecodingError) in
            switch key {
            case "resource": message.resource = try resource(value, path)
            case "scopeSpans", "scope_spans": message.scopeSpans = try list(value, path: path, scopeSpans)
            case "schemaUrl", "schema_url": message.schemaURL = try string(value, path)
            default: break
            }
        }
        return message
    }

    func resource(_ json: JSONValue, _ path: String) throws(OTLPDecodingError) -> OTLPResource {
        var message = OTLPResource()
        try members(json, path: path) { key, value, path throws(OTLPDecodingError) in
            switch key {
            case "attributes": message.attributes = try list(value, path: path, keyValue)
            case "droppedAttributesCount", "dropped_attributes_count": message.droppedAttributesCount = try uint32(value, path)
            default: break
            }
        }
        return message
    }

    func scopeSpans(_ json: JSONValue, _ path: String) throws(OTLPDecodingError) -> OTLPScopeSpans {
        var message = OTLPScopeSpans()
        try members(json, path: path) { key, value, path throws(OTLPDecodingError) in
            switch key {
            case "scope": message.scope = try scope(value, path)
            case "spans": message.spans = try list(value, path: path, span)
            case "schemaUrl", "schema_url": message.schemaURL = try string(value, path)
            default: break
            }
        }
        return message
    }

    func scope(_ json: JSONValue, _ path: String) throws(OTLPDecodingError) -> OTLPScope {
        var message = OTLPScope()
        try members(json, path: path) { key, value, path throws(OTLPDecodingError) in
            switch key {
            case "name": message.name = try string(value, path)
            case "version": message.version = try string(value, path)
            case "attributes": message.attributes = try list(value, path: path, keyValue)
            case "droppedAttributesCount", "dropped_attributes_count": message.droppedAttributesCount = try uint32(value, path)
            default: break
            }
        }
        return message
    }

    static let spanKindNames = ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
                                "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"]
    static let statusCodeNames = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"]

    func span(_ json: JSONValue, _ path: String) throws(OTLPDecodingError) -> OTLPSpan {
        var message = OTLPSpan()
        try members(json, path: path) { key, value, path throws(OTLPDecodingError) in
            switch key {
            case "traceId", "trace_id": message.traceID = .init(try hexID(value, path))
            case "spanId", "span_id": message.spanID = .init(try hexID(value, path))
            case "traceState", "trace_state": message.traceState = try string(value, path)
            case "parentSpanId", "parent_span_id": message.parentSpanID = .init(try hexID(value, path))
            case "flags": message.flags = try uint32(value, path)
            case "name": message.name = try string(value, path)
            case "kind":
                message.kind = .init(rawValue: try enumValue(value, path, names: Reader.spanKindNames)) ?? .unspecified
            case "startTimeUnixNano", "start_time_unix_nano": message.startTimeUnixNano = try uint64(value, path)
            case "endTimeUnixNano", "end_time_unix_nano": message.endTimeUnixNano = try uint64(value, path)
            case "attributes": message.attributes = try list(value, path: path, keyValue)
            case "droppedAttributesCount", "dropped_attributes_count": message.droppedAttributesCount = try uint32(value, path)
            case "events": message.events = try list(value, path: path, event)
            case "droppedEventsCount", "dropped_events_count": message.droppedEventsCount = try uint32(value, path)
            case "links": message.links = try list(value, path: path, link)
            case "droppedLinksCount", "dropped_links_count": message.droppedLinksCount = try uint32(value, path)
            case "status": message.status = try status(value, path)
            default: break
            }
        }
        return message
    }

    func event(_ json: JSONValue, _ path: String) throws(OTLPDecodingError) -> OTLPSpan.Event {
        var message = OTLPSpan.Event()
        try members(json, path: path) { key, value, path throws(OTLPDecodingError) in
            switch key {
            case "timeUnixNano", "time_unix_nano": message.timeUnixNano = try uint64(value, path)
            case "name": message.name = try string(value, path)
            case "attributes": message.attributes = try list(value, path: path, keyValue)
            case "droppedAttributesCount", "dropped_attributes_count": message.droppedAttributesCount = try uint32(value, path)
            default: break
            }
        }
        return message
    }

    func link(_ json: JSONValue, _ path: String) throws(OTLPDecodingError) -> OTLPSpan.Link {
        var message = OTLPSpan.Link()
        try members(json, path: path) { key, value, path throws(OTLPDecodingError) in
            switch key {
            case "traceId", "trace_id": message.traceID = .init(try hexID(value, path))
            case "spanId", "span_id": message.spanID = .init(try hexID(value, path))
            case "traceState", "trace_state": message.traceState = try string(value, path)
            case "attributes": message.attributes = try list(value, path: path, keyValue)
            case "droppedAttributesCount", "dropped_attributes_count": message.droppedAttributesCount = try uint32(value, path)
            case "flags": message.flags = try uint32(value, path)
            default: break
            }
        }
        return message
    }

    func status(_ json: JSONValue, _ path: String) throws(OTLPDecodingError) -> OTLPStatus {
        var message = OTLPStatus()
        try members(json, path: path) { key, value, path throws(OTLPDecodingError) in
            switch key {
            case "message": message.message = try string(value, path)
            case "code":
                message.code = .init(rawValue: try enumValue(value, path, names: Reader.statusCodeNames)) ?? .unset
            default: break
            }
        }
        return message
    }

    func keyValue(_ json: JSONValue, _ path: String) throws(OTLPDecodingError) -> OTLPKeyValue {
        var message = OTLPKeyValue()
        try members(json, path: path) { key, value, path throws(OTLPDecodingError) in
            switch key {
            case "key": message.key = try string(value, path)
            case "value": message.value = try anyValue(value, path)
            default: break  // keyStrindex is for profiles only; trace receivers ignore it
            }
        }
        return message
    }

    func anyValue(_ json: JSONValue, _ path: String) throws(OTLPDecodingError) -> OTLPAnyValue {
        var message = OTLPAnyValue()
        try members(json, path: path) { key, value, path throws(OTLPDecodingError) in
            switch key {
            case "stringValue", "string_value": message.stringValue = try string(value, path)
            case "boolValue", "bool_value": message.boolValue = try bool(value, path)
            case "intValue", "int_value": message.intValue = try int64(value, path)
            case "doubleValue", "double_value": message.doubleValue = try double(value, path)
            case "bytesValue", "bytes_value": message.bytesValue = .init(try base64(value, path))
            case "arrayValue", "array_value":
                var array = Opentelemetry_Proto_Common_V1_ArrayValue()
                try members(value, path: path) { key, value, path throws(OTLPDecodingError) in
                    if key == "values" { array.values = try list(value, path: path, anyValue) }
                }
                message.arrayValue = array
            case "kvlistValue", "kvlist_value":
                var kvlist = Opentelemetry_Proto_Common_V1_KeyValueList()
                try members(value, path: path) { key, value, path throws(OTLPDecodingError) in
                    if key == "values" { kvlist.values = try list(value, path: path, keyValue) }
                }
                message.kvlistValue = kvlist
            default: break  // stringValueStrindex is for profiles; read as an empty value
            }
        }
        return message
    }
}
