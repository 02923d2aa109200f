import Foundation

/// Where to send spans, parsed once from `--endpoint`.
package enum OTLPTarget: Sendable, Equatable {
    /// A gRPC server; `host` is an IPv4 or IPv6 literal or a DNS name.
    case grpc(host: String, port: Int)
    /// The full OTLP/HTTP URL, `/v1/traces` included.
    case http(url: String)

    /// `host:port`, `[v6]:port`, or the same after `http://` (as OTEL_EXPORTER_OTLP_ENDPOINT writes it).
    static func grpc(_ text: String) throws(ScenarioError) -> OTLPTarget {
        var rest = Substring(text)
        for scheme in ["http://", "grpc://"] where rest.hasPrefix(scheme) { rest = rest.dropFirst(scheme.count) }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        let failure = ScenarioError("--endpoint for grpc must be host:port such as 127.0.0.1:4317 (got '\(text)')")
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else {
            throw failure
        }
        var host = rest[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, !host.contains("/") else { throw failure }
        return .grpc(host: String(host), port: port)
    }

    /// An http(s) URL; a bare `host:port` gets `http://`, and an empty path gets `/v1/traces`
    /// (a base endpoint, as the SDKs treat OTEL_EXPORTER_OTLP_ENDPOINT).
    static func http(_ text: String) throws(ScenarioError) -> OTLPTarget {
        let withScheme = text.contains("://") ? text : "http://" + text
        guard let components = URLComponents(string: withScheme), let scheme = components.scheme,
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            throw ScenarioError("--endpoint for http must be a URL such as http://127.0.0.1:4318 (got '\(text)')")
        }
        var url = withScheme
        if components.path.isEmpty || components.path == "/" {
            while url.hasSuffix("/") { url.removeLast() }
            url += "/v1/traces"
        }
        return .http(url: url)
    }

    package var description: String {
        switch self {
        case .grpc(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .http(let url): url
        }
    }
}
