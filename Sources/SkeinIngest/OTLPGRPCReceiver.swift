import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
package import Logging
import OTLPGRPC
import ServiceLifecycle
import SkeinCore
import SkeinOTLP
package import SkeinTLS

/// OTLP/gRPC: `opentelemetry.proto.collector.trace.v1.TraceService/Export` (otlp-wire.md §2).
/// Only transport lives here: the request message arrives as raw bytes (gzip already undone by
/// the transport) and goes to the same `TraceExportHandler` as OTLP/HTTP.
package struct OTLPGRPCReceiver: Service {
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let logger: Logger
    private let onListening: @Sendable (Int) async -> Void

    /// `tls` is the identity loaded from `configuration.tls` at startup; nil serves plaintext.
    package init(configuration: OTLPGRPCConfiguration, handler: TraceExportHandler, logger: Logger, tls: TLSIdentity? = nil,
                 onListening: @escaping @Sendable (Int) async -> Void = { _ in }) {
        let security: HTTP2ServerTransport.Posix.TransportSecurity = tls.map {
            .tls(certificateChain: [.bytes($0.certificatePEM, format: .pem)], privateKey: .bytes($0.keyPEM, format: .pem))
        } ?? .plaintext
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: configuration.host, port: configuration.port),
            transportSecurity: security,
            config: .defaults { config in
                // The transport answers a message over its own limit by resetting the stream, which
                // clients read as a retryable UNAVAILABLE. So it gets twice our limit, and the
                // handler refuses anything between the two with RESOURCE_EXHAUSTED, as the spec asks.
                config.rpc.maxRequestPayloadSize = 2 * configuration.maxMessageBytes
                config.compression.enabledAlgorithms = .all
                config.connection.maxIdleTime = configuration.idleTimeout
            })
        server = GRPCServer(transport: transport,
                            services: [TraceService(handler: handler, maxMessageBytes: configuration.maxMessageBytes)])
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until graceful shutdown: then it stops accepting RPCs and returns once the RPCs in
    /// flight have finished (each either durable or refused with a retryable code).
    package func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                if let port = try await server.listeningAddress?.ipv4?.port { await onListening(port) }
            }
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }
}

/// Registers `Export` with a raw-bytes deserializer so the shared handler decodes (and accounts
/// for) the bytes exactly as it does for OTLP/HTTP.
private struct TraceService: RegistrableRPCService {
    let handler: TraceExportHandler
    let maxMessageBytes: Int

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: Opentelemetry_Proto_Collector_Trace_V1_TraceService.Method.Export.descriptor,
            deserializer: RawBytes(),
            serializer: ProtobufSerializer<ExportTraceResponse>()
        ) { request, _ in
            var body: [UInt8]? = nil
            for try await message in request.messages {
                body = message
                break
            }
            guard let body else { throw RPCError(code: .invalidArgument, message: "the Export call carried no request message") }
            do throws(IngestError) {
                // The transport has the message by now either way; a refused caller is counted too.
                let response = try await handler.measure(.grpc) { () async throws(IngestError) in
                    let tenant = try handler.admit(authorization: Self.first(request.metadata, "authorization"),
                                                   tenant: handler.tenantHeader.flatMap { Self.first(request.metadata, $0) })
                    guard body.count <= maxMessageBytes else { throw .tooLarge(limitBytes: maxMessageBytes) }
                    return try await handler.export(body, encoding: .protobuf, tenant: tenant, transport: .grpc)
                }
                return StreamingServerResponse(single: ServerResponse(message: response))
            } catch {
                throw error.grpcStatus
            }
        }
    }

    /// The first string value of a metadata key (gRPC keys are lower-case on the wire).
    private static func first(_ metadata: Metadata, _ key: String) -> String? {
        metadata[stringValues: key.lowercased()].first(where: { _ in true })
    }
}

/// Hands the message bytes over untouched.
private struct RawBytes: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}
