import SkeinCore

/// Spans and what they hold: attributes, values, events, links, status. Field numbers are
/// otlp-wire.md §1.4–1.5; a repeated singular field keeps its last value, as protobuf says.
extension ExportRequestReader {
    /// The span as a batch span, or nil when its IDs are invalid (counted in `problems`).
    mutating func readSpan(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) throws(ProtobufCursor.Malformed) -> BatchSpan? {
        var cursor = ProtobufCursor(bytes, range)
        var traceID: Range<Int> = 0..<0, spanID: Range<Int> = 0..<0, parentID: Range<Int> = 0..<0
        var traceState = "", name = ""
        var kind: UInt64 = 0, start: UInt64 = 0, end: UInt64 = 0
        var statusCode: UInt64 = 0
        var attributes: [(key: String, value: AttributeValueText)] = []
        var peers = PeerCandidates()
        // Whether redaction or a limit changed anything, so the stored bytes must be rewritten.
        var changed = false
        var ownAttributes = 0, events = 0, links = 0
        let limits = rewrite.limits
        while !cursor.isAtEnd {
            let (field, wireType) = try cursor.tag()
            switch field {
            case 1, 2, 4:
                try ProtobufCursor.expect(wireType, 2, field: field)
                let value = try cursor.delimited()
                if field == 1 { traceID = value } else if field == 2 { spanID = value } else { parentID = value }
            case 3:
                try ProtobufCursor.expect(wireType, 2, field: field)
                traceState = try cursor.string(cursor.delimited())
            case 5:
                try ProtobufCursor.expect(wireType, 2, field: field)
                name = try cursor.string(cursor.delimited())
            case 6: try ProtobufCursor.expect(wireType, 0, field: field); kind = try cursor.varint()
            case 7: try ProtobufCursor.expect(wireType, 1, field: field); start = try cursor.fixed64()
            case 8: try ProtobufCursor.expect(wireType, 1, field: field); end = try cursor.fixed64()
            case 9:
                try ProtobufCursor.expect(wireType, 2, field: field)
                if let read = try readKeyValue(&cursor, cursor.delimited(), depth: 0, wantText: true) {
                    let outcome = applyingRules(to: read)
                    changed = changed || outcome.changed
                    guard let attribute = outcome.attribute else { continue }
                    ownAttributes += 1
                    guard ownAttributes <= limits.maxAttributesPerSpan else {
                        counts.attributesOverLimit += 1
                        changed = true
                        continue
                    }
                    peers.offer(attribute)
                    attributes.append(attribute)
                }
            case 10, 12, 14: try ProtobufCursor.expect(wireType, 0, field: field); _ = try cursor.varint()
            case 11:
                try ProtobufCursor.expect(wireType, 2, field: field)
                events += 1
                let overLimit = events > limits.maxEventsPerSpan
                if overLimit { counts.eventsOverLimit += 1 }
                let eventChanged = try readEvent(&cursor, cursor.delimited(), into: &attributes, overLimit: overLimit)
                changed = changed || overLimit || eventChanged
            case 13:
                try ProtobufCursor.expect(wireType, 2, field: field)
                links += 1
                let overLimit = links > limits.maxLinksPerSpan
                if overLimit { counts.linksOverLimit += 1 }
                let linkChanged = try readLink(&cursor, cursor.delimited(), overLimit: overLimit)
                changed = changed || overLimit || linkChanged
            case 15:
                try ProtobufCursor.expect(wireType, 2, field: field)
                if let code = try readStatus(&cursor, cursor.delimited()) { statusCode = code }
            case 16: try ProtobufCursor.expect(wireType, 5, field: field); try cursor.skip(5)
            default: try cursor.skip(wireType)
            }
        }
        let trace = cursor.slice(traceID), span = cursor.slice(spanID), parent = cursor.slice(parentID)
        guard let validTrace = TraceID(bytes: trace), validTrace.isValid else {
            reject(.traceID)
            return nil
        }
        guard let validSpan = SpanID(bytes: span), validSpan.isValid else {
            reject(.spanID)
            return nil
        }
        guard parent.isEmpty || parent.count == 8 else {
            reject(.parentSpanID)
            return nil
        }
        // An all-zero parent is how some producers write "no parent": stored as none.
        let parentIsZero = !parent.isEmpty && parent.allSatisfy { $0 == 0 }
        var encoded = parentIsZero ? try Self.removingField(4, from: cursor.slice(range)) : Array(cursor.slice(range))
        if changed {
            do {
                encoded = try rewrittenSpan(encoded)
            } catch {
                throw ProtobufCursor.Malformed(reason: "cannot re-encode the span after redaction and limits: \(error)")
            }
        }
        let spanKind = SpanKind(otlp: Int32(truncatingIfNeeded: kind))
        return BatchSpan(
            traceID: validTrace, spanID: validSpan, name: name, kind: spanKind, startNanos: start, endNanos: end,
            parentSpanID: parent.isEmpty || parentIsZero ? nil : SpanID(bytes: parent),
            isError: Int32(truncatingIfNeeded: statusCode) == 2, traceState: traceState,
            peerService: spanKind == .client || spanKind == .producer ? peers.best : nil,
            attributes: indexed(attributes), encodedSpan: encoded)
    }

    /// The key and value of a KeyValue; nil when `wantText` is false (checked, not kept).
    func readKeyValue(_ outer: inout ProtobufCursor, _ range: Range<Int>, depth: Int,
                      wantText: Bool) throws(ProtobufCursor.Malformed) -> (key: String, value: AttributeValueText)? {
        var cursor = ProtobufCursor(outer.bytes, range)
        var key = ""
        var value = AttributeValueText.other
        while !cursor.isAtEnd {
            let (field, wireType) = try cursor.tag()
            switch field {
            case 1:
                try ProtobufCursor.expect(wireType, 2, field: field)
                let keyRange = try cursor.delimited()
                if wantText { key = try cursor.string(keyRange) } else { try cursor.validateString(keyRange) }
            case 2:
                try ProtobufCursor.expect(wireType, 2, field: field)
                // A second value message merges into the first: a member it sets replaces.
                if let member = try readAnyValue(&cursor, cursor.delimited(), depth: depth, wantText: wantText) { value = member }
            case 3: try ProtobufCursor.expect(wireType, 0, field: field); _ = try cursor.varint()
            default: try cursor.skip(wireType)
            }
        }
        return wantText ? (key, value) : nil
    }

    /// The value's last member set, as text; nil when this message sets none.
    private func readAnyValue(_ outer: inout ProtobufCursor, _ range: Range<Int>, depth: Int,
                              wantText: Bool) throws(ProtobufCursor.Malformed) -> AttributeValueText? {
        guard depth <= Self.maxValueDepth else {
            throw ProtobufCursor.Malformed(reason: "an attribute value nests arrays or maps more than \(Self.maxValueDepth) deep")
        }
        var cursor = ProtobufCursor(outer.bytes, range)
        var member: AttributeValueText?
        while !cursor.isAtEnd {
            let (field, wireType) = try cursor.tag()
            switch field {
            case 1:
                try ProtobufCursor.expect(wireType, 2, field: field)
                let text = try cursor.delimited()
                if wantText { member = .string(try cursor.string(text)) } else { try cursor.validateString(text); member = .other }
            case 2:
                try ProtobufCursor.expect(wireType, 0, field: field)
                member = .scalar(try cursor.varint() != 0 ? "true" : "false")
            case 3:
                try ProtobufCursor.expect(wireType, 0, field: field)
                let int = Int64(bitPattern: try cursor.varint())
                member = wantText ? .scalar(String(int)) : .other
            case 4:
                try ProtobufCursor.expect(wireType, 1, field: field)
                let double = Double(bitPattern: try cursor.fixed64())
                member = wantText ? .scalar(JSONWriter.shortest(double)) : .other
            case 5, 6:
                try ProtobufCursor.expect(wireType, 2, field: field)
                try readList(&cursor, cursor.delimited(), ofKeyValues: field == 6, depth: depth + 1)
                member = .other
            case 7:
                try ProtobufCursor.expect(wireType, 2, field: field)
                let bytes = try cursor.delimited()
                member = wantText ? .scalar(Hex.string(bytes: cursor.slice(bytes))) : .other
            case 8:
                try ProtobufCursor.expect(wireType, 0, field: field)
                _ = try cursor.varint()
                member = .other
            default: try cursor.skip(wireType)
            }
        }
        return member
    }

    /// ArrayValue (repeated AnyValue, field 1) or KeyValueList (repeated KeyValue, field 1).
    private func readList(_ outer: inout ProtobufCursor, _ range: Range<Int>, ofKeyValues: Bool, depth: Int) throws(ProtobufCursor.Malformed) {
        var cursor = ProtobufCursor(outer.bytes, range)
        while !cursor.isAtEnd {
            let (field, wireType) = try cursor.tag()
            guard field == 1 else {
                try cursor.skip(wireType)
                continue
            }
            try ProtobufCursor.expect(wireType, 2, field: field)
            let element = try cursor.delimited()
            if ofKeyValues {
                _ = try readKeyValue(&cursor, element, depth: depth, wantText: false)
            } else {
                _ = try readAnyValue(&cursor, element, depth: depth, wantText: false)
            }
        }
    }

    /// An event; its attributes are indexed with the span's. An event over the limit is only
    /// checked (it will be dropped). True when redaction or the attribute limit changed it.
    private mutating func readEvent(_ outer: inout ProtobufCursor, _ range: Range<Int>,
                                    into indexed: inout [(key: String, value: AttributeValueText)],
                                    overLimit: Bool) throws(ProtobufCursor.Malformed) -> Bool {
        var cursor = ProtobufCursor(outer.bytes, range)
        var changed = false, count = 0
        while !cursor.isAtEnd {
            let (field, wireType) = try cursor.tag()
            switch field {
            case 1: try ProtobufCursor.expect(wireType, 1, field: field); _ = try cursor.fixed64()
            case 2:
                try ProtobufCursor.expect(wireType, 2, field: field)
                try cursor.validateString(cursor.delimited())
            case 3:
                try ProtobufCursor.expect(wireType, 2, field: field)
                guard let read = try readKeyValue(&cursor, cursor.delimited(), depth: 0, wantText: !overLimit) else { continue }
                let outcome = applyingRules(to: read)
                changed = changed || outcome.changed
                guard let attribute = outcome.attribute else { continue }
                count += 1
                guard count <= rewrite.limits.maxAttributesPerSpan else {
                    counts.attributesOverLimit += 1
                    changed = true
                    continue
                }
                indexed.append(attribute)
            case 4: try ProtobufCursor.expect(wireType, 0, field: field); _ = try cursor.varint()
            default: try cursor.skip(wireType)
            }
        }
        return changed
    }

    /// A link; its attributes are not indexed, but redaction and the limits apply to them.
    /// True when either changed it.
    private mutating func readLink(_ outer: inout ProtobufCursor, _ range: Range<Int>, overLimit: Bool) throws(ProtobufCursor.Malformed) -> Bool {
        var cursor = ProtobufCursor(outer.bytes, range)
        // Keys and values are only made into text when something may act on them.
        let wantText = !overLimit && (rewrite.redactor != nil || rewrite.limits.maxAttributeValueLength != .max)
        var changed = false, count = 0
        while !cursor.isAtEnd {
            let (field, wireType) = try cursor.tag()
            switch field {
            case 1, 2: try ProtobufCursor.expect(wireType, 2, field: field); _ = try cursor.delimited()
            case 3:
                try ProtobufCursor.expect(wireType, 2, field: field)
                try cursor.validateString(cursor.delimited())
            case 4:
                try ProtobufCursor.expect(wireType, 2, field: field)
                let read = try readKeyValue(&cursor, cursor.delimited(), depth: 0, wantText: wantText)
                if let read {
                    let outcome = applyingRules(to: read)
                    changed = changed || outcome.changed
                    if outcome.attribute == nil { continue }
                }
                count += 1
                if count > rewrite.limits.maxAttributesPerSpan {
                    if !overLimit { counts.attributesOverLimit += 1 }
                    changed = true
                }
            case 5: try ProtobufCursor.expect(wireType, 0, field: field); _ = try cursor.varint()
            case 6: try ProtobufCursor.expect(wireType, 5, field: field); try cursor.skip(5)
            default: try cursor.skip(wireType)
            }
        }
        return changed
    }

    /// The status code, when this status message sets one.
    private func readStatus(_ outer: inout ProtobufCursor, _ range: Range<Int>) throws(ProtobufCursor.Malformed) -> UInt64? {
        var cursor = ProtobufCursor(outer.bytes, range)
        var code: UInt64?
        while !cursor.isAtEnd {
            let (field, wireType) = try cursor.tag()
            switch field {
            case 2:
                try ProtobufCursor.expect(wireType, 2, field: field)
                try cursor.validateString(cursor.delimited())
            case 3: try ProtobufCursor.expect(wireType, 0, field: field); code = try cursor.varint()
            default: try cursor.skip(wireType)
            }
        }
        return code
    }

    /// The message's bytes without any occurrence of one field (already checked to be well formed).
    static func removingField(_ number: UInt64, from message: UnsafeRawBufferPointer) throws(ProtobufCursor.Malformed) -> [UInt8] {
        var cursor = ProtobufCursor(message, 0..<message.count)
        var out: [UInt8] = []
        out.reserveCapacity(message.count)
        while !cursor.isAtEnd {
            let start = cursor.offset
            let (field, wireType) = try cursor.tag()
            try cursor.skip(wireType)
            if field != number { out.append(contentsOf: cursor.slice(start..<cursor.offset)) }
        }
        return out
    }
}

/// The callee a client or producer span names: `peer.service`, else `service.peer.name`, else
/// `server.address`, each by its first occurrence, and only as a non-empty string.
struct PeerCandidates {
    private var peerService: String??
    private var servicePeerName: String??
    private var serverAddress: String??

    mutating func offer(_ attribute: (key: String, value: AttributeValueText)) {
        var name: String? = nil
        if case .string(let text) = attribute.value, !text.isEmpty { name = text }
        switch attribute.key {
        case "peer.service" where peerService == nil: peerService = .some(name)
        case "service.peer.name" where servicePeerName == nil: servicePeerName = .some(name)
        case "server.address" where serverAddress == nil: serverAddress = .some(name)
        default: break
        }
    }

    var best: String? { (peerService ?? nil) ?? (servicePeerName ?? nil) ?? (serverAddress ?? nil) }
}
