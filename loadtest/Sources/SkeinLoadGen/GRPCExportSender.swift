import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import OTLPGRPC
import SkeinOTLP
import Synchronization

/// OTLP/gRPC `TraceService/Export` (otlp-wire.md §2) over grpc-swift-2 clients, used round
/// robin. It calls the generated `Export` method descriptor with a pass-through serializer,
/// which is what the generated `TraceService.Client` does with the message type's
/// serializer: here the request is already encoded, so each send skips re-encoding.
final class GRPCExportSender: ExportSender {
    let clients: [GRPCClient<HTTP2ClientTransport.Posix>]
    let options: CallOptions
    private let next = Atomic<Int>(0)

    init(clients: [GRPCClient<HTTP2ClientTransport.Posix>], gzip: Bool, timeoutSeconds: Int64) {
        self.clients = clients
        var options = CallOptions.defaults
        options.timeout = .seconds(timeoutSeconds)
        if gzip { options.compression = .gzip }
        self.options = options
    }

    func send(_ body: [UInt8]) async -> ExportOutcome {
        let index = next.add(1, ordering: .relaxed).newValue % clients.count
        do {
            let response = try await clients[index].unary(
                request: ClientRequest(message: body),
                descriptor: Opentelemetry_Proto_Collector_Trace_V1_TraceService.Method.Export.descriptor,
                serializer: PreEncodedSerializer(), deserializer: ProtobufDeserializer<ExportTraceResponse>(),
                options: options) { try $0.message }
            return .accepted(rejectedSpans: Int(response.partialSuccess.rejectedSpans))
        } catch let error as RPCError {
            let retryInfo = (try? error.unpackGoogleRPCStatus())??.details.lazy.compactMap(\.retryInfo).first
            return Self.classify(error.code, retryDelay: retryInfo?.delay)
        } catch {
            return .retryable(code: "connection error", retryAfter: nil)
        }
    }

    /// The spec's table (§2.2): UNAVAILABLE and the other transient codes are retried;
    /// RESOURCE_EXHAUSTED only when the server attached RetryInfo (without it the request can
    /// never fit); everything else is dropped.
    static func classify(_ code: RPCError.Code, retryDelay: Duration?) -> ExportOutcome {
        let name = Self.name(of: code)
        switch code {
        case .cancelled, .deadlineExceeded, .aborted, .outOfRange, .unavailable, .dataLoss:
            return .retryable(code: name, retryAfter: retryDelay)
        case .resourceExhausted where retryDelay != nil:
            return .retryable(code: name, retryAfter: retryDelay)
        default:
            return .permanent(code: name)
        }
    }

    /// The canonical upper-case name (`UNAVAILABLE`), as gRPC documents and logs codes.
    static func name(of code: RPCError.Code) -> String {
        let names = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
                     "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
                     "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"]
        return names.indices.contains(code.rawValue) ? names[code.rawValue] : "CODE \(code.rawValue)"
    }
}

/// Hands already-encoded request bytes to the transport unchanged.
struct PreEncodedSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
}
