import SkeinOTLP

extension SpanLimits {
    /// Reads `otlp.limits.*` over the defaults.
    init(reading reader: SettingsReader) throws(ConfigurationError) {
        self.init()
        if let count = try reader.integer("otlp.limits.max_attributes_per_span", in: 1...65_536) { maxAttributesPerSpan = count }
        if let bytes = try reader.integer("otlp.limits.max_attribute_value_length", in: 16...(16 << 20)) { maxAttributeValueLength = bytes }
        if let count = try reader.integer("otlp.limits.max_events_per_span", in: 0...65_536) { maxEventsPerSpan = count }
        if let count = try reader.integer("otlp.limits.max_links_per_span", in: 0...65_536) { maxLinksPerSpan = count }
        if let count = try reader.integer("otlp.limits.max_spans_per_request", in: 1...10_000_000) { maxSpansPerRequest = count }
    }
}
