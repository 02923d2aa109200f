import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import OTLPGRPC
import SkeinCore
import SkeinIngest
import SkeinOTLP
import SkeinTesting
import SwiftProtobuf
import Testing

/// The gRPC receiver with the generated grpc-swift-2 client over 127.0.0.1, and both
/// transports' backpressure, retryable failures and graceful shutdown.
@Suite(.serialized) struct OTLPGRPCReceiverTests {
    let trace = TraceID(high: 3, low: 4)

    func request(spans: Int = 2, padding: Int = 0) -> ExportTraceRequest {
        OTLPBuilders.request([OTLPBuilders.resourceSpans(service: "grpc-svc", spans: (1...spans).map {
            OTLPBuilders.span(trace: trace, id: UInt64($0), name: String(repeating: "n", count: padding), startNanos: 1_000)
        })])
    }

    func status(of error: any Error) throws -> GoogleRPCStatus? {
        try (error as? RPCError)?.unpackGoogleRPCStatus()
    }

    @Test func exportSucceedsPlainAndGzipped() async throws {
        let harness = try await ReceiverHarness()
        _ = try await harness.withClient { client, _ in
            let response = try await client.export(request())
            #expect(!response.hasPartialSuccess)
            var options = CallOptions.defaults
            options.compression = .gzip
            _ = try await client.export(request(), options: options)
        }
        #expect(harness.consumer.batches.count == 2)
        #expect(harness.consumer.batches[0].spanCount == 2)
        try await harness.stop()
    }

    @Test func invalidSpansComeBackAsPartialSuccess() async throws {
        let harness = try await ReceiverHarness()
        var bad = request(spans: 3)
        bad.resourceSpans[0].scopeSpans[0].spans[1].spanID = Data([1, 2])
        let response = try await harness.withClient { client, _ in try await client.export(bad) }
        #expect(response.partialSuccess.rejectedSpans == 1)
        #expect(response.partialSuccess.errorMessage.contains("span_id"))
        #expect(harness.consumer.batches.first?.spanCount == 2)
        try await harness.stop()
    }

    @Test func undecodableMessagesAreInvalidArgument() async throws {
        let harness = try await ReceiverHarness()
        _ = try await harness.withClient { _, client in
            await #expect { () async throws in
                try await client.unary(
                    request: ClientRequest(message: [0x0A, 0xFF, 0xFF, 0xFF]),
                    descriptor: Opentelemetry_Proto_Collector_Trace_V1_TraceService.Method.Export.descriptor,
                    serializer: RawSerializer(), deserializer: ProtobufDeserializer<ExportTraceResponse>(),
                    options: .defaults) { try $0.message }
            } throws: { error in
                (error as? RPCError)?.code == .invalidArgument && (try? status(of: error)?.details.isEmpty) == true
            }
        }
        #expect(harness.consumer.batches.isEmpty)
        try await harness.stop()
    }

    @Test func oversizeMessagesAreResourceExhaustedWithoutRetryInfo() async throws {
        let harness = try await ReceiverHarness(maxMessageBytes: 64 << 10)
        _ = try await harness.withClient { client, _ in
            await #expect { () async throws in _ = try await client.export(request(spans: 1, padding: 100 << 10)) } throws: { error in
                guard let rpc = error as? RPCError, rpc.code == .resourceExhausted else { return false }
                let details = (try? status(of: error))??.details ?? []
                return details.isEmpty
            }
        }
        #expect(harness.consumer.batches.isEmpty)
        try await harness.stop()
    }

    @Test func overTheInFlightLimitBothTransportsRefuseWithARetryDelay() async throws {
        let harness = try await ReceiverHarness(maxInFlightBytes: 1)
        harness.consumer.hold()
        _ = try await harness.withClient { client, _ in
            // The first export is admitted alone and held in the consumer: the budget is now full.
            async let first = client.export(request())
            while harness.consumer.heldCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
            await #expect { () async throws in _ = try await client.export(request()) } throws: { error in
                guard let rpc = error as? RPCError, rpc.code == .unavailable,
                      let status = try? status(of: error) else { return false }
                return status.details.contains { $0.retryInfo?.delay == .seconds(2) }
            }
            let http = try await harness.post(try request().serializedData())
            #expect(http.status == 503)
            #expect(http.retryAfter == "2")
            harness.consumer.release()
            _ = try await first
        }
        // Counted apart from storage trouble, once per transport.
        #expect(harness.metric(#"skein_ingest_requests_total{transport="grpc",outcome="over_in_flight_limit"}"#) == 1)
        #expect(harness.metric(#"skein_ingest_requests_total{transport="http",outcome="over_in_flight_limit"}"#) == 1)
        #expect(harness.metric(#"skein_ingest_requests_total{transport="grpc",outcome="unavailable"}"#) == 0)
        #expect(harness.metric(#"skein_ingest_requests_total{transport="grpc",outcome="accepted"}"#) == 1)
        #expect(harness.consumer.batches.count == 1)
        try await harness.stop()
    }

    @Test func storageFailuresAreRetryableOnBothTransports() async throws {
        let harness = try await ReceiverHarness()
        harness.consumer.fail()
        _ = try await harness.withClient { client, _ in
            await #expect { () async throws in _ = try await client.export(request()) } throws: { error in
                guard let rpc = error as? RPCError, rpc.code == .unavailable, let status = try? status(of: error) else { return false }
                return status.details.contains { $0.retryInfo?.delay == .seconds(7) }
            }
        }
        let http = try await harness.post(try request().serializedData())
        #expect(http.status == 503 && http.retryAfter == "7")
        // The spans were decoded, then refused with the batch.
        for transport in ["grpc", "http"] {
            #expect(harness.metric(#"skein_ingest_requests_total{transport="\#(transport)",outcome="unavailable"}"#) == 1)
            #expect(harness.metric(#"skein_ingest_spans_received_total{transport="\#(transport)"}"#) == 2)
            #expect(harness.metric(#"skein_ingest_spans_refused_total{transport="\#(transport)",reason="unavailable"}"#) == 2)
            #expect(harness.metric(#"skein_ingest_spans_accepted_total{transport="\#(transport)"}"#) == 0)
        }
        try await harness.stop()
    }

    @Test func gracefulShutdownFinishesRequestsInFlight() async throws {
        let harness = try await ReceiverHarness()
        harness.consumer.hold()
        let port = harness.grpcPort
        let inFlight = Task {
            try await withGRPCClient(transport: .http2NIOPosix(target: .ipv4(address: "127.0.0.1", port: port),
                                                               transportSecurity: .plaintext)) { client in
                try await Opentelemetry_Proto_Collector_Trace_V1_TraceService.Client(wrapping: client).export(request())
            }
        }
        while harness.consumer.heldCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let stopping = Task { try await harness.stop() }
        try await Task.sleep(for: .milliseconds(200))
        harness.consumer.release()
        let response = try await inFlight.value
        #expect(!response.hasPartialSuccess)
        try await stopping.value
        #expect(harness.consumer.batches.count == 1)
    }
}
