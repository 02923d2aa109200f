/// OTLP `Span.SpanKind` (otlp-wire.md §1.4). Values above 5 may appear as the enum grows;
/// they are kept as numbers and shown as unspecified.
package enum SpanKind: Int32, Sendable, CaseIterable {
    case unspecified = 0
    case `internal` = 1
    case server = 2
    case client = 3
    case producer = 4
    case consumer = 5

    package init(otlp value: Int32) { self = SpanKind(rawValue: value) ?? .unspecified }

    /// The lower-case name Jaeger's API uses (`server`, `client`, …); empty for unspecified.
    package var jaegerName: String {
        switch self {
        case .unspecified: ""
        case .internal: "internal"
        case .server: "server"
        case .client: "client"
        case .producer: "producer"
        case .consumer: "consumer"
        }
    }

    /// Parses Jaeger's `spanKind` query values; `unspecified` is accepted too.
    package init?(jaegerName: String) {
        switch jaegerName.lowercased() {
        case "unspecified": self = .unspecified
        case "internal": self = .internal
        case "server": self = .server
        case "client": self = .client
        case "producer": self = .producer
        case "consumer": self = .consumer
        default: return nil
        }
    }
}
