package import SkeinCore

/// Attribute values as text, for indexing, search matching and Jaeger's string fallback.
package enum AttributeText {
    /// The string a tag filter compares against (jaeger-api.md §3): strings as they are, bools
    /// `true`/`false`, ints base 10, doubles in shortest form, bytes as hex, arrays and maps as JSON.
    package static func searchForm(_ value: OTLPAnyValue) -> String {
        switch value.value {
        case .stringValue(let text): return text
        case .boolValue(let flag): return flag ? "true" : "false"
        case .intValue(let int): return String(int)
        case .doubleValue(let double): return JSONWriter.shortest(double)
        case .bytesValue(let bytes): return Hex.string(bytes: bytes)
        case .arrayValue, .kvlistValue:
            var json = JSONWriter()
            writeJSON(value, to: &json)
            return json.string
        case .stringValueStrindex, nil: return ""
        }
    }

    /// The search form of a value the attribute index may hold: scalars and bytes. Arrays,
    /// maps and empty values are never indexed (a search for them checks candidates instead).
    package static func indexableForm(_ value: OTLPAnyValue) -> String? {
        switch value.value {
        case .stringValue, .boolValue, .intValue, .doubleValue, .bytesValue: searchForm(value)
        default: nil
        }
    }

    /// The non-OTLP JSON form of a value (otlp-wire.md §4.1): bytes as base64, empty as null.
    package static func writeJSON(_ value: OTLPAnyValue, to json: inout JSONWriter) {
        switch value.value {
        case .stringValue(let text): json.value(text)
        case .boolValue(let flag): json.value(flag)
        case .intValue(let int): json.value(int)
        case .doubleValue(let double): json.value(double)
        case .bytesValue(let bytes): json.value(Base64.encode(bytes))
        case .arrayValue(let array):
            json.array { json in for element in array.values { writeJSON(element, to: &json) } }
        case .kvlistValue(let kvlist):
            json.object { json in
                for entry in kvlist.values {
                    json.key(entry.key)
                    writeJSON(entry.value, to: &json)
                }
            }
        case .stringValueStrindex, nil: json.null()
        }
    }
}
