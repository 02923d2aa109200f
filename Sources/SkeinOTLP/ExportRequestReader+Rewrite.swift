import OTLPProto
import SkeinCore
import SwiftProtobuf

/// Redaction and span limits, decided while the request is read.
///
/// The reader asks `fate` about every attribute as it meets it, so the index, the peer service
/// and the counts see the redacted values without a second pass. Only a span (or resource) that
/// something actually changed is decoded into the generated types, edited by the same `fate`
/// and re-encoded; every other span is still stored as its own slice of the request.
extension ExportRequestReader {
    /// What becomes of one attribute.
    enum AttributeFate: Equatable {
        case keep
        case drop
        /// A new string value.
        case replace(String)
        /// Changed into something the reader does not compute (a hashed array or map): stored
        /// hashed by the rewrite, not indexed.
        case changedOpaque
    }

    /// The fate of `key` = a value with search form `text` (nil when the reader does not make
    /// it: arrays, maps, empty values). Redaction first, then the value length limit (not on
    /// resources, as the SDK limits). `count` is false in the rewrite, which repeats a decision.
    mutating func fate(key: String, text: String?, isString: Bool, inResource: Bool, count: Bool) -> AttributeFate {
        var result = AttributeFate.keep
        // service.name names the resource's service everywhere; startup refuses drop and hash
        // rules for it, and masks leave it alone.
        if let redactor = rewrite.redactor, !(inResource && key == "service.name"), let rule = rule(forKey: key, redactor) {
            switch redactor.action(of: rule) {
            case .drop:
                if count { counts.attributesDropped += 1 }
                return .drop
            case .hash:
                if count { counts.valuesHashed += 1 }
                guard let text else { return .changedOpaque }
                result = .replace(redactor.redact(text, rule: rule) ?? text)
            case .mask:
                if isString, let text, let masked = redactor.redact(text, rule: rule) {
                    if count { counts.valuesMasked += 1 }
                    result = .replace(masked)
                }
            }
        }
        guard !inResource else { return result }
        let limit = rewrite.limits.maxAttributeValueLength
        switch result {
        case .replace(let value) where value.utf8.count > limit:
            if count { counts.valuesTruncated += 1 }
            return .replace(Self.truncated(value, toBytes: limit))
        case .keep where isString && (text?.utf8.count ?? 0) > limit:
            if count { counts.valuesTruncated += 1 }
            return .replace(Self.truncated(text ?? "", toBytes: limit))
        default:
            return result
        }
    }

    /// The reader's view of `fate`: nil when the attribute is dropped, and whether it changed.
    mutating func applyingRules(to attribute: (key: String, value: AttributeValueText),
                                inResource: Bool = false) -> (attribute: (key: String, value: AttributeValueText)?, changed: Bool) {
        if rewrite.redactor == nil && (inResource || rewrite.limits.maxAttributeValueLength == .max) { return (attribute, false) }
        var isString = false
        if case .string = attribute.value { isString = true }
        switch fate(key: attribute.key, text: attribute.value.indexableText, isString: isString, inResource: inResource, count: true) {
        case .keep: return (attribute, false)
        case .drop: return (nil, true)
        case .replace(let text): return ((attribute.key, .string(text)), true)
        case .changedOpaque: return ((attribute.key, .other), true)
        }
    }

    /// The first rule for `key`, remembered for the rest of the request.
    private mutating func rule(forKey key: String, _ redactor: any AttributeRedactor) -> Int? {
        if let known = ruleByKey[key] { return known < 0 ? nil : known }
        let rule = redactor.rule(forKey: key)
        ruleByKey[key] = rule ?? -1
        return rule
    }

    /// The first `maxBytes` bytes of `text`, shortened to end on a character boundary of UTF-8.
    static func truncated(_ text: String, toBytes maxBytes: Int) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.count > maxBytes else { return text }
        var end = maxBytes
        // A continuation byte (10xxxxxx) at the cut means the cut splits a character.
        while end > 0 && utf8[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: utf8[..<end], as: UTF8.self)
    }

    // MARK: the rewrite of what changed

    /// The span's bytes with the same decisions applied and the limits' drops added to its
    /// `dropped_*_count` fields. The bytes were validated already, so decoding cannot fail.
    mutating func rewrittenSpan(_ encoded: [UInt8]) throws -> [UInt8] {
        var span = try OTLPSpan(serializedBytes: encoded)
        let limits = rewrite.limits
        var attributes = span.attributes
        let overAttributes = applyRules(to: &attributes, maxCount: limits.maxAttributesPerSpan)
        span.attributes = attributes
        span.droppedAttributesCount = Self.adding(overAttributes, to: span.droppedAttributesCount)
        let overEvents = limit(&span.events, to: limits.maxEventsPerSpan, attributes: \.attributes, dropped: \.droppedAttributesCount)
        span.droppedEventsCount = Self.adding(overEvents, to: span.droppedEventsCount)
        let overLinks = limit(&span.links, to: limits.maxLinksPerSpan, attributes: \.attributes, dropped: \.droppedAttributesCount)
        span.droppedLinksCount = Self.adding(overLinks, to: span.droppedLinksCount)
        return try span.serializedBytes()
    }

    /// Keeps the first `maxCount` events or links, applies the rules and the attribute limit to
    /// each, and returns how many it dropped.
    private mutating func limit<Item>(_ items: inout [Item], to maxCount: Int, attributes: WritableKeyPath<Item, [OTLPKeyValue]>,
                                      dropped: WritableKeyPath<Item, UInt32>) -> Int {
        let over = max(0, items.count - maxCount)
        items.removeLast(over)
        for index in items.indices {
            var list = items[index][keyPath: attributes]
            let overAttributes = applyRules(to: &list, maxCount: rewrite.limits.maxAttributesPerSpan)
            items[index][keyPath: attributes] = list
            items[index][keyPath: dropped] = Self.adding(overAttributes, to: items[index][keyPath: dropped])
        }
        return over
    }

    /// A resource message with the redaction applied (limits do not apply to resources).
    mutating func rewrittenResource(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        var resource = try OTLPResource(serializedBytes: Array(bytes))
        var attributes = resource.attributes
        _ = applyRules(to: &attributes, maxCount: .max, inResource: true)
        resource.attributes = attributes
        return try resource.serializedBytes()
    }

    /// Applies `fate` to each attribute and keeps at most `maxCount`; returns how many the count dropped.
    private mutating func applyRules(to attributes: inout [OTLPKeyValue], maxCount: Int, inResource: Bool = false) -> Int {
        var kept: [OTLPKeyValue] = []
        kept.reserveCapacity(min(attributes.count, maxCount))
        var over = 0
        for var attribute in attributes {
            var text = "", isString = false
            if case .stringValue(let value)? = attribute.value.value {
                (text, isString) = (value, true)
            } else {
                text = AttributeText.searchForm(attribute.value)
            }
            switch fate(key: attribute.key, text: text, isString: isString, inResource: inResource, count: false) {
            case .drop: continue
            case .replace(let value): attribute.value = OTLPAnyValue.with { $0.stringValue = value }
            case .keep, .changedOpaque: break
            }
            guard kept.count < maxCount else {
                over += 1
                continue
            }
            kept.append(attribute)
        }
        attributes = kept
        return over
    }

    private static func adding(_ count: Int, to field: UInt32) -> UInt32 {
        UInt32(clamping: Int(field) + count)
    }
}
