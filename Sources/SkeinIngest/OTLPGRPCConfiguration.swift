package import SkeinTLS

/// The OTLP/gRPC receiver's settings (section `otlp.grpc` of the configuration file).
package struct OTLPGRPCConfiguration: Sendable, Equatable {
    /// Host to listen on (`--otlp-grpc-listen`, `otlp.grpc.listen`). Default `127.0.0.1`.
    package var host: String
    /// Port; default 4317. 0 picks a free port (tests).
    package var port: Int
    /// Largest request message, after decompression (`otlp.grpc.max_message_mib`). Default
    /// 16 MiB; larger messages get RESOURCE_EXHAUSTED without RetryInfo (they can never fit).
    package var maxMessageBytes: Int
    /// Certificate and key for TLS (`otlp.grpc.tls.cert_file`, `otlp.grpc.tls.key_file`).
    /// Default none: plaintext, which is only safe on loopback or a trusted network.
    package var tls: TLSFiles?
    /// How long a connection may carry no RPC before it is closed (`otlp.idle_timeout`). Default 60 s.
    package var idleTimeout: Duration = .seconds(60)

    package init(host: String = "127.0.0.1", port: Int = 4317, maxMessageBytes: Int = 16 << 20, tls: TLSFiles? = nil) {
        self.host = host
        self.port = port
        self.maxMessageBytes = maxMessageBytes
        self.tls = tls
    }
}
