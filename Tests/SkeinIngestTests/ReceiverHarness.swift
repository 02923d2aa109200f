import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import Hummingbird
import Logging
import OTLPGRPC
import ServiceLifecycle
import SkeinCore
import SkeinIngest
import SkeinOTLP
import SkeinTelemetry
import SkeinTesting
import Synchronization

/// A consumer the test controls: it records batches, can hold each call until released, and
/// can fail with a retryable error.
final class ControlledConsumer: SpanBatchConsumer {
    struct Unavailable: RetryableError { var retryAfterSeconds: Int { 7 } }

    private let state = Mutex<(batches: [SpanBatch], held: [CheckedContinuation<Void, Never>], holding: Bool, failing: Bool)>(([], [], false, false))

    func hold() { state.withLock { $0.holding = true } }
    func fail() { state.withLock { $0.failing = true } }
    var batches: [SpanBatch] { state.withLock { $0.batches } }
    var heldCount: Int { state.withLock { $0.held.count } }

    /// Lets every held call finish and stops holding.
    func release() {
        let held = state.withLock { state in
            state.holding = false
            defer { state.held = [] }
            return state.held
        }
        for continuation in held { continuation.resume() }
    }

    func consume(_ batch: SpanBatch) async throws {
        if state.withLock({ $0.failing }) { throw Unavailable() }
        if state.withLock({ $0.holding }) {
            await withCheckedContinuation { continuation in
                let holding = state.withLock { state in
                    if state.holding { state.held.append(continuation) }
                    return state.holding
                }
                if !holding { continuation.resume() }
            }
        }
        state.withLock { $0.batches.append(batch) }
    }
}

/// Both receivers around one `TraceExportHandler`, served by a ServiceGroup on 127.0.0.1.
final class ReceiverHarness: Sendable {
    let consumer = ControlledConsumer()
    /// What the handler counts, read back with `metric(_:)`.
    let telemetry = Telemetry()
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let grpcPort: Int
    let httpPort: Int

    init(maxInFlightBytes: Int = 1 << 20, maxMessageBytes: Int = 1 << 20) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let handler = TraceExportHandler(consumer: consumer, limiter: InFlightLimiter(limitBytes: maxInFlightBytes),
                                         retryAfterSeconds: 2, telemetry: telemetry, logger: logger)
        let ports = PortBox()
        let grpc = OTLPGRPCReceiver(configuration: .init(port: 0, maxMessageBytes: maxMessageBytes), handler: handler,
                                    logger: logger) { await ports.set(grpc: $0) }
        let http = try OTLPHTTPReceiver(configuration: .init(port: 0), handler: handler)
            .application(logger: logger) { await ports.set(http: $0) }
        let group = ServiceGroup(services: [grpc, http], logger: logger)
        self.group = group
        task = Task { try await group.run() }
        (grpcPort, httpPort) = await ports.wait()
    }

    /// The value of one series of the exposition (`name{labels}` exactly), or nil if absent.
    func metric(_ series: String) -> Double? {
        String(decoding: telemetry.exposition(), as: UTF8.self).split(separator: "\n")
            .first { $0.hasPrefix(series + " ") }.flatMap { Double($0.dropFirst(series.count + 1)) }
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    func withClient<T: Sendable>(_ body: (Opentelemetry_Proto_Collector_Trace_V1_TraceService.Client<HTTP2ClientTransport.Posix>, GRPCClient<HTTP2ClientTransport.Posix>) async throws -> T) async throws -> T {
        try await withGRPCClient(transport: .http2NIOPosix(
            target: .ipv4(address: "127.0.0.1", port: grpcPort), transportSecurity: .plaintext,
            config: .defaults { $0.compression.enabledAlgorithms = .all })
        ) { client in
            try await body(Opentelemetry_Proto_Collector_Trace_V1_TraceService.Client(wrapping: client), client)
        }
    }

    /// POSTs a protobuf body to the OTLP/HTTP receiver; returns status, Retry-After and body.
    func post(_ body: Data) async throws -> (status: Int, retryAfter: String?, body: Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(httpPort)/v1/traces")!)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/x-protobuf", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return (http.statusCode, http.value(forHTTPHeaderField: "Retry-After"), data)
    }
}

private actor PortBox {
    var grpc = 0, http = 0
    var waiters: [CheckedContinuation<(Int, Int), Never>] = []
    func set(grpc port: Int) { grpc = port; wake() }
    func set(http port: Int) { http = port; wake() }
    private func wake() {
        guard grpc != 0, http != 0 else { return }
        for waiter in waiters { waiter.resume(returning: (grpc, http)) }
        waiters = []
    }
    func wait() async -> (Int, Int) {
        if grpc != 0, http != 0 { return (grpc, http) }
        return await withCheckedContinuation { waiters.append($0) }
    }
}

/// Sends arbitrary bytes as the Export request message.
struct RawSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
}
