package import SkeinTLS

/// The OTLP/HTTP receiver's settings (section `otlp.http` of the configuration file).
package struct OTLPHTTPConfiguration: Sendable, Equatable {
    /// Host to listen on (`--otlp-http-listen`, `otlp.http.listen`). Default `127.0.0.1`:
    /// loopback only; use `0.0.0.0` to accept spans from other machines.
    package var host: String
    /// Port; default 4318. 0 picks a free port (tests).
    package var port: Int
    /// Largest request body accepted, measured after gzip decompression
    /// (`otlp.http.max_body_mib`). Default 16 MiB; larger bodies get 413.
    package var maxBodyBytes: Int
    /// Origins allowed to POST from a browser (`otlp.http.cors.allowed_origins`); `*` inside an
    /// entry matches any run of characters (`https://*.example.com`). Default none: CORS off.
    package var corsAllowedOrigins: [String]
    /// How long browsers may cache a preflight answer (`otlp.http.cors.max_age_seconds`). Default 7200.
    package var corsMaxAgeSeconds: Int
    /// Certificate and key for HTTPS (`otlp.http.tls.cert_file`, `otlp.http.tls.key_file`).
    /// Default none: plain HTTP.
    package var tls: TLSFiles?
    /// How long a connection may sit without a request, or with a request whose head has not
    /// fully arrived, before it is closed (`otlp.idle_timeout`). Default 60 s.
    package var idleTimeout: Duration = .seconds(60)

    package init(host: String = "127.0.0.1", port: Int = 4318, maxBodyBytes: Int = 16 << 20,
                 corsAllowedOrigins: [String] = [], corsMaxAgeSeconds: Int = 7200, tls: TLSFiles? = nil) {
        self.tls = tls
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.corsAllowedOrigins = corsAllowedOrigins
        self.corsMaxAgeSeconds = corsMaxAgeSeconds
    }
}
