package import SkeinCore

/// Turns the protobuf bytes of an `ExportTraceServiceRequest` into a `SpanBatch` in one pass,
/// without building message objects (DESIGN.md "Decode cheaply").
///
/// Each span's stored bytes are its own slice of the request, and each group's envelope is
/// made of the request's resource and scope bytes. Storing bytes unread would let a malformed
/// request become a trace no one can read back, so every message that is stored is checked as
/// swift-protobuf would read it: framing, the wire type of every known field, UTF-8 in every
/// string, and nesting depth. A request that fails any check is refused whole; spans whose IDs
/// are invalid are refused one by one (otlp-wire.md §5.1). Tests hold this reader to the same
/// answers as decoding with the generated types.
struct ExportRequestReader {
    let indexPolicy: AttributeIndexPolicy
    /// Redaction and limits (ExportRequestReader+Rewrite.swift).
    let rewrite: IngestRewrite
    private(set) var groups: [ResourceGroup] = []
    private(set) var rejected = 0
    private(set) var problems: [ValidatedExport.Problem: Int] = [:]
    /// What redaction and the limits changed in this request, added to the counters if it is accepted.
    var counts = RedactionCounters.Snapshot()
    /// The redaction rule of each key seen so far in this request (-1: none).
    var ruleByKey: [String: Int] = [:]
    private var spansSeen = 0

    /// Deepest nesting of arrays and maps inside an attribute value (swift-protobuf refuses
    /// messages nested more than 100 deep; this keeps well inside that).
    static let maxValueDepth = 24

    init(indexPolicy: AttributeIndexPolicy, rewrite: IngestRewrite = .none) {
        self.indexPolicy = indexPolicy
        self.rewrite = rewrite
    }

    mutating func read(_ bytes: UnsafeRawBufferPointer) throws(OTLPDecodingError) {
        var cursor = ProtobufCursor(bytes, 0..<bytes.count)
        var index = 0
        while !cursor.isAtEnd {
            let path = "resourceSpans[\(index)]"
            do {
                let (field, wireType) = try cursor.tag()
                guard field == 1 else {
                    try cursor.skip(wireType)
                    continue
                }
                try ProtobufCursor.expect(wireType, 2, field: field)
                let range = try cursor.delimited()
                try readResourceSpans(bytes, range, path: path)
                index += 1
            } catch let error as ProtobufCursor.Malformed {
                throw OTLPDecodingError("not a valid protobuf ExportTraceServiceRequest: \(path): \(error.reason)")
            } catch let error as OTLPDecodingError {
                throw error
            } catch {
                throw OTLPDecodingError("not a valid protobuf ExportTraceServiceRequest: \(error)")
            }
        }
    }

    // MARK: ResourceSpans and ScopeSpans

    private mutating func readResourceSpans(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, path: String) throws {
        var cursor = ProtobufCursor(bytes, range)
        // Everything but the scope spans, byte for byte: the envelope's resource part.
        var resourceFields: [UInt8] = []
        var scopeRanges: [Range<Int>] = []
        var resourceAttributes: [(key: String, value: AttributeValueText)] = []
        while !cursor.isAtEnd {
            let fieldStart = cursor.offset
            let (field, wireType) = try cursor.tag()
            switch field {
            case 1:
                try ProtobufCursor.expect(wireType, 2, field: field)
                let resourceRange = try cursor.delimited()
                if try readResource(&cursor, resourceRange, into: &resourceAttributes) {
                    let rewritten = try rewrittenResource(cursor.slice(resourceRange))
                    resourceFields.append(0x0A)
                    Varint.append(UInt64(rewritten.count), to: &resourceFields)
                    resourceFields.append(contentsOf: rewritten)
                    continue
                }
            case 2:
                try ProtobufCursor.expect(wireType, 2, field: field)
                scopeRanges.append(try cursor.delimited())
                continue
            case 3:
                try ProtobufCursor.expect(wireType, 2, field: field)
                try cursor.validateString(cursor.delimited())
            default: try cursor.skip(wireType)
            }
            resourceFields.append(contentsOf: cursor.slice(fieldStart..<cursor.offset))
        }
        var serviceName = "unknown_service"
        for attribute in resourceAttributes.reversed() where attribute.key == "service.name" {
            if case .string(let name) = attribute.value, !name.isEmpty {
                serviceName = name
                break
            }
        }
        let indexedResource = indexed(resourceAttributes.lazy.filter { $0.key != "service.name" })
        for (scopeIndex, scopeRange) in scopeRanges.enumerated() {
            try readScopeSpans(bytes, scopeRange, resourceFields: resourceFields, serviceName: serviceName,
                               resourceAttributes: indexedResource, path: "\(path).scopeSpans[\(scopeIndex)]")
        }
    }

    private mutating func readScopeSpans(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, resourceFields: [UInt8],
                                         serviceName: String, resourceAttributes: [IndexedAttribute], path: String) throws {
        var cursor = ProtobufCursor(bytes, range)
        var scopeFields: [UInt8] = []
        var spans: [BatchSpan] = []
        var spanIndex = 0
        while !cursor.isAtEnd {
            let fieldStart = cursor.offset
            let (field, wireType) = try cursor.tag()
            switch field {
            case 1:
                try ProtobufCursor.expect(wireType, 2, field: field)
                try readScope(&cursor, cursor.delimited())
            case 2:
                try ProtobufCursor.expect(wireType, 2, field: field)
                let spanRange = try cursor.delimited()
                spansSeen += 1
                if spansSeen > rewrite.limits.maxSpansPerRequest {
                    rewrite.counters?.add({ var one = RedactionCounters.Snapshot(); one.requestsOverSpanLimit = 1; return one }())
                    throw OTLPDecodingError("the request has more than \(rewrite.limits.maxSpansPerRequest) spans " +
                                            "(otlp.limits.max_spans_per_request); send it in smaller batches")
                }
                do {
                    if let span = try readSpan(bytes, spanRange) { spans.append(span) }
                } catch {
                    throw OTLPDecodingError("not a valid protobuf ExportTraceServiceRequest: \(path).spans[\(spanIndex)]: \(error.reason)")
                }
                spanIndex += 1
                continue
            case 3:
                try ProtobufCursor.expect(wireType, 2, field: field)
                try cursor.validateString(cursor.delimited())
            default: try cursor.skip(wireType)
            }
            scopeFields.append(contentsOf: cursor.slice(fieldStart..<cursor.offset))
        }
        guard !spans.isEmpty else { return }
        // ResourceSpans { <resource fields>, scope_spans: ScopeSpans { <scope fields> } }
        var envelope = resourceFields
        envelope.append(0x12)
        Varint.append(UInt64(scopeFields.count), to: &envelope)
        envelope.append(contentsOf: scopeFields)
        groups.append(ResourceGroup(serviceName: serviceName, encodedResourceScope: envelope,
                                    resourceAttributes: resourceAttributes, spans: spans))
    }

    /// Collects the resource's attributes, redacted; true when redaction changed any.
    private mutating func readResource(_ outer: inout ProtobufCursor, _ range: Range<Int>,
                                       into attributes: inout [(key: String, value: AttributeValueText)]) throws(ProtobufCursor.Malformed) -> Bool {
        var cursor = ProtobufCursor(outer.bytes, range)
        var changed = false
        while !cursor.isAtEnd {
            let (field, wireType) = try cursor.tag()
            switch field {
            case 1:
                try ProtobufCursor.expect(wireType, 2, field: field)
                if let attribute = try readKeyValue(&cursor, cursor.delimited(), depth: 0, wantText: true) {
                    let outcome = applyingRules(to: attribute, inResource: true)
                    changed = changed || outcome.changed
                    if let kept = outcome.attribute { attributes.append(kept) }
                }
            case 2: try ProtobufCursor.expect(wireType, 0, field: field); _ = try cursor.varint()
            case 3:
                try ProtobufCursor.expect(wireType, 2, field: field)
                try readStrings(&cursor, cursor.delimited(), fields: 1...4)
            default: try cursor.skip(wireType)
            }
        }
        return changed
    }

    private func readScope(_ outer: inout ProtobufCursor, _ range: Range<Int>) throws(ProtobufCursor.Malformed) {
        var cursor = ProtobufCursor(outer.bytes, range)
        while !cursor.isAtEnd {
            let (field, wireType) = try cursor.tag()
            switch field {
            case 1, 2:
                try ProtobufCursor.expect(wireType, 2, field: field)
                try cursor.validateString(cursor.delimited())
            case 3:
                try ProtobufCursor.expect(wireType, 2, field: field)
                _ = try readKeyValue(&cursor, cursor.delimited(), depth: 0, wantText: false)
            case 4: try ProtobufCursor.expect(wireType, 0, field: field); _ = try cursor.varint()
            default: try cursor.skip(wireType)
            }
        }
    }

    /// A message whose fields in `fields` are all strings (EntityRef).
    private func readStrings(_ outer: inout ProtobufCursor, _ range: Range<Int>, fields: ClosedRange<UInt64>) throws(ProtobufCursor.Malformed) {
        var cursor = ProtobufCursor(outer.bytes, range)
        while !cursor.isAtEnd {
            let (field, wireType) = try cursor.tag()
            if fields.contains(field) {
                try ProtobufCursor.expect(wireType, 2, field: field)
                try cursor.validateString(cursor.delimited())
            } else {
                try cursor.skip(wireType)
            }
        }
    }

    // MARK: indexing helpers

    /// The attributes the index policy keeps, each key/value once, in order of appearance.
    func indexed(_ attributes: some Sequence<(key: String, value: AttributeValueText)>) -> [IndexedAttribute] {
        var out: [IndexedAttribute] = []
        for attribute in attributes {
            guard let text = attribute.value.indexableText, indexPolicy.indexes(key: attribute.key, value: text) else { continue }
            let indexedAttribute = IndexedAttribute(key: attribute.key, value: text)
            if !out.contains(indexedAttribute) { out.append(indexedAttribute) }
        }
        return out
    }

    mutating func reject(_ problem: ValidatedExport.Problem) {
        rejected += 1
        problems[problem, default: 0] += 1
    }
}

/// What the reader keeps of an attribute value: its search text when it is a scalar.
enum AttributeValueText: Equatable {
    case string(String)
    /// bool, int, double and bytes, already in their search form.
    case scalar(String)
    /// Arrays, maps, and values with no member set: never indexed.
    case other

    var indexableText: String? {
        switch self {
        case .string(let text), .scalar(let text): text
        case .other: nil
        }
    }
}
