import Foundation
package import SkeinCore

/// Reads `/api/traces` parameters (jaeger-api.md §3) with Jaeger's defaults and error messages.
package enum JaegerSearchParameters {
    package static let defaultLimit = 100
    package static let defaultLookbackNanos: UInt64 = 48 * 3_600 * 1_000_000_000

    /// The trace IDs of `traceID=…` parameters; empty when there are none.
    package static func traceIDs(_ parameters: QueryParameters) throws(ParameterError) -> [TraceID] {
        try parameters.all("traceID").map { text throws(ParameterError) in
            guard let id = TraceID(hex: text) else { throw ParameterError("unable to parse param 'traceID': '\(text)' is not a hex trace ID of 1 to 32 characters") }
            return id
        }
    }

    /// The search; unlike Jaeger, `service` may be left out to search every service.
    package static func query(_ parameters: QueryParameters, now: UInt64) throws(ParameterError) -> TraceQuery {
        let service = parameters["service"].flatMap { $0.isEmpty ? nil : $0 }
        let end = try micros("end", parameters) ?? now
        let start = try micros("start", parameters) ?? (end > defaultLookbackNanos ? end - defaultLookbackNanos : 0)
        guard start <= end else { throw ParameterError("'start' should be before 'end'") }
        var limit = defaultLimit
        if let text = parameters["limit"], !text.isEmpty {
            guard let parsed = Int(text), parsed >= 0 else { throw ParameterError("unable to parse param 'limit': '\(text)' is not a non-negative integer") }
            limit = parsed == 0 ? defaultLimit : parsed
        }
        let minDuration = try duration("minDuration", parameters)
        let maxDuration = try duration("maxDuration", parameters)
        if let minDuration, let maxDuration, maxDuration < minDuration {
            throw ParameterError("'maxDuration' should be greater than 'minDuration'")
        }
        let minTraceDuration = try duration("minTraceDuration", parameters)
        let maxTraceDuration = try duration("maxTraceDuration", parameters)
        if let minTraceDuration, let maxTraceDuration, maxTraceDuration < minTraceDuration {
            throw ParameterError("'maxTraceDuration' should be greater than 'minTraceDuration'")
        }
        let operation = parameters["operation"].flatMap { $0.isEmpty ? nil : $0 }
        return TraceQuery(service: service, operation: operation, tags: try tags(parameters),
                          minDurationNanos: minDuration, maxDurationNanos: maxDuration,
                          minTraceDurationNanos: minTraceDuration, maxTraceDurationNanos: maxTraceDuration,
                          startMinNanos: start, startMaxNanos: end, limit: limit)
    }

    /// µs since the epoch → ns; nil when absent.
    package static func micros(_ name: String, _ parameters: QueryParameters) throws(ParameterError) -> UInt64? {
        guard let text = parameters[name], !text.isEmpty else { return nil }
        guard let value = UInt64(text), value <= UInt64.max / 1_000 else {
            throw ParameterError("unable to parse param '\(name)': '\(text)' is not microseconds since the epoch")
        }
        return value * 1_000
    }

    package static func duration(_ name: String, _ parameters: QueryParameters) throws(ParameterError) -> Int64? {
        guard let text = parameters[name], !text.isEmpty else { return nil }
        guard let nanos = GoDuration.parseNanos(text) else {
            throw ParameterError("unable to parse param '\(name)': time: invalid duration \"\(text)\" (use units ns, us, ms, s, m, h, e.g. 100ms)")
        }
        return nanos
    }

    /// `tags` (JSON maps, repeatable, merged) and `tag` (`key:value`, repeatable).
    package static func tags(_ parameters: QueryParameters) throws(ParameterError) -> [(key: String, value: String)] {
        var tags: [(key: String, value: String)] = []
        for text in parameters.all("tags") where !text.isEmpty {
            let json: JSONValue
            do {
                json = try JSONValue(parsing: text)
            } catch {
                throw ParameterError("malformed 'tags' parameter, cannot unmarshal JSON: \(error.description)")
            }
            guard case .object(let members) = json else {
                throw ParameterError("malformed 'tags' parameter, cannot unmarshal JSON: expected an object of string values")
            }
            for member in members {
                guard case .string(let value) = member.value else {
                    throw ParameterError("malformed 'tags' parameter, cannot unmarshal JSON: the value of '\(member.key)' is not a string")
                }
                tags.append((member.key, value))
            }
        }
        for text in parameters.all("tag") {
            guard let colon = text.firstIndex(of: ":") else {
                throw ParameterError("malformed 'tag' parameter, expecting key:value, received: \(text)")
            }
            tags.append((String(text[..<colon]), String(text[text.index(after: colon)...])))
        }
        return tags
    }
}
