package import SkeinCore

/// Parameters shared by the metrics endpoints, each with a message a person can act on.
package enum MetricsParameters {
    /// `spanKind`, repeatable or comma-separated; `defaults` when absent.
    package static func kinds(_ parameters: QueryParameters, defaults: Set<SpanKind>) throws(ParameterError) -> Set<SpanKind> {
        let names = parameters.all("spanKind").flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { return defaults }
        var kinds = Set<SpanKind>()
        for name in names {
            guard let kind = SpanKind(jaegerName: name) else {
                throw ParameterError("unsupported span kind: '\(name)' (use server, client, producer, consumer, internal or unspecified)")
            }
            kinds.insert(kind)
        }
        return kinds
    }

    /// `quantiles=0.5,0.99`: each in [0, 1], at most 20.
    package static func quantiles(_ text: String?, defaults: [Double]) throws(ParameterError) -> [Double] {
        guard let text, !text.isEmpty else { return defaults }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= 20 else { throw ParameterError("at most 20 'quantiles' may be asked at once") }
        var quantiles: [Double] = []
        for part in parts {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let value = Double(trimmed), value >= 0, value <= 1 else {
                throw ParameterError("malformed 'quantiles': '\(trimmed)' is not a number between 0 and 1 (e.g. quantiles=0.5,0.95,0.99)")
            }
            quantiles.append(value)
        }
        return quantiles
    }

    /// A millisecond count (Jaeger's metrics and dependencies parameters), or `defaultMillis`.
    package static func millis(_ parameters: QueryParameters, _ name: String, default defaultMillis: UInt64, positive: Bool = false) throws(ParameterError) -> UInt64 {
        guard let text = parameters[name], !text.isEmpty else { return defaultMillis }
        guard let value = UInt64(text), !positive || value > 0 else {
            throw ParameterError("unable to parse param '\(name)': '\(text)' is not a \(positive ? "positive " : "")whole number of milliseconds")
        }
        return value
    }
}

